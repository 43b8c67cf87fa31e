/**
 * @module core
 * Public surface of the core layer: results, issues, errors, ids, sinks.
 */
export type { Ok, Err, Result } from './result.js';
export { ok, err } from './result.js';
export type { Issue, Location, Severity } from './issue.js';
export { issue, formatLocation, renderIssue } from './issue.js';
export { FathomError } from './errors.js';
export { stableId } from './ids.js';
export type { Logger, Progress, IssueSink } from './log.js';
export { nullLogger, nullProgress } from './log.js';
