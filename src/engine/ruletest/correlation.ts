/**
 * @module engine/ruletest/correlation
 * Correlation test cases: every test event is matched against all loaded detection rules, the
 * base-rule matches are handed to the correlation evaluator of `sigma/correlate`, and the case
 * fires when the tested correlation produces a hit.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { err } from '../../core/result.js';
import type { Event } from '../../model/event.js';
import type { LogsourceMap } from '../../sigma/pipeline/index.js';
import type { SigmaCorrelation, SigmaRule } from '../../sigma/rule/index.js';

export interface CorrelationContext {
  /** Every detection rule loaded (tested and context), for the base-rule matches. */
  readonly rules: readonly SigmaRule[];
  /** Every correlation loaded, for chained references. */
  readonly correlations: readonly SigmaCorrelation[];
  readonly map: LogsourceMap;
}

export interface CorrelationInfo {
  readonly key: string;
  readonly title: string;
  /** The ids and names a test file may use to name it. */
  readonly ids: readonly string[];
}

function rawOf(c: SigmaCorrelation): Record<string, unknown> {
  return (c as { raw?: Record<string, unknown> }).raw ?? {};
}

export function correlationInfo(c: SigmaCorrelation): CorrelationInfo {
  const raw = rawOf(c);
  const id = typeof raw.id === 'string' ? raw.id : undefined;
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  const title = typeof raw.title === 'string' ? raw.title : c.file;
  return { key: id ?? name ?? title, title, ids: [id, name].filter((x): x is string => x !== undefined) };
}

/** Does the correlation fire on these events? */
export function runCorrelationCase(
  c: SigmaCorrelation,
  _events: readonly Event[],
  _ctx: CorrelationContext,
): Result<boolean, Issue> {
  return err(
    issue('correlation-error', 'the correlation evaluator (sigma/correlate) is not available yet', {
      file: c.file,
      line: c.line,
    }),
  );
}
