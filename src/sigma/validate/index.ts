/**
 * @module sigma/validate
 * Public surface of rule linting.
 */

export type { LintEntry, LintOptions, LintReport } from './lint.js';
export { lintRules, ruleChecks } from './lint.js';
