/**
 * @module sigma/compile
 * Public surface of the compiled fast path.
 */

export type { RuleMatcher } from './compile.js';
export { compileRule, compileRuleStrict, patternTest, UnsupportedFeatureError } from './compile.js';
export type { Prefilter } from './prefilter.js';
export { MIN_NEEDLE, rulePrefilter } from './prefilter.js';
