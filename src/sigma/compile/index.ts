/**
 * @module sigma/compile
 * Public surface of the compiled fast path.
 */

export type { CompileOptions, RuleMatcher } from './compile.js';
export { compileRule, compileRuleStrict, patternTest, UnsupportedFeatureError } from './compile.js';
export type { RuleGroup } from './group.js';
export { compileRuleGroup } from './group.js';
export type { FieldNeedles, NeedleSet } from './needles.js';
export { defaultNeedleIndex, NeedleIndex } from './needles.js';
export type { Prefilter, PrefilterTerm } from './prefilter.js';
export { MIN_NEEDLE, ruleEventIds, rulePrefilter } from './prefilter.js';
