/**
 * @module core/errors
 * The one exception base for what must throw (programming errors, fail-fast loaders).
 * Bad evidence never throws: parsers return `Issue`s instead.
 */
import type { Issue, Location } from './issue.js';
import { renderIssue } from './issue.js';

export class FathomError extends Error {
  readonly code: string;
  readonly location: Location | undefined;
  readonly issues: readonly Issue[];

  constructor(code: string, message: string, opts: { location?: Location; issues?: readonly Issue[] } = {}) {
    super(message);
    this.name = 'FathomError';
    this.code = code;
    this.location = opts.location;
    this.issues = opts.issues ?? [];
  }

  static fromIssues(code: string, issues: readonly Issue[]): FathomError {
    const first = issues[0];
    const msg = first ? renderIssue(first) : code;
    return new FathomError(code, issues.length > 1 ? `${msg} (and ${issues.length - 1} more)` : msg, {
      issues,
      ...(first?.location ? { location: first.location } : {}),
    });
  }
}
