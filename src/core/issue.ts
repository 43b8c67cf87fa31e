/**
 * @module core/issue
 * Typed issues: what went wrong, where, keyed by `code`. Messages are rendered separately
 * (`renderIssue`) so machine consumers branch on `code`, never on text.
 */

/** Where something was read: a file and a byte offset (binary) or line/column (text). */
export interface Location {
  readonly file?: string;
  readonly offset?: number;
  readonly line?: number;
  readonly col?: number;
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * One problem found while reading evidence, rules or configuration.
 * `code` is stable and documented; `message` is a human sentence; `location` says where.
 */
export interface Issue {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location?: Location;
  /** Free-form structured details (e.g. `{what, need, have}` for a truncated read). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function issue(
  code: string,
  message: string,
  location?: Location,
  details?: Record<string, unknown>,
  severity: Severity = 'error',
): Issue {
  const out: { -readonly [K in keyof Issue]: Issue[K] } = { code, severity, message };
  if (location) out.location = location;
  if (details) out.details = details;
  return out;
}

/** `file:line:col` or `file @ byte 0x1234` or just the message. */
export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) {
    parts.push(loc.col !== undefined ? `${loc.line}:${loc.col}` : `${loc.line}`);
    return parts.join(':');
  }
  let s = parts.join('');
  if (loc.offset !== undefined) s += `${s ? ' ' : ''}@ byte ${loc.offset} (0x${loc.offset.toString(16)})`;
  return s;
}

export function renderIssue(i: Issue): string {
  const where = formatLocation(i.location);
  return `${i.severity}[${i.code}]${where ? ` ${where}` : ''}: ${i.message}`;
}
