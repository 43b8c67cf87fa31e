/**
 * @module core
 * Public surface of the core layer: results, issues, errors, ids, sinks.
 */

export { FathomError } from './errors.js';
export { stableId } from './ids.js';
export type { Issue, Location, Severity } from './issue.js';
export { formatLocation, issue, renderIssue } from './issue.js';
export type { IssueSink, Logger, Progress } from './log.js';
export { nullLogger, nullProgress } from './log.js';
export type { Err, Ok, Result } from './result.js';
export { err, ok } from './result.js';
