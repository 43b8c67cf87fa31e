/**
 * @module sigma
 * Public surface of the Sigma engine: loading (rules, meta-filters, correlation documents),
 * matching (interpreter and compiled matchers), explanation and lint. Logsource pipelines and
 * correlation evaluation have their own surfaces (`sigma/pipeline`, `sigma/correlate`).
 */

export type { CompileOptions, Prefilter, PrefilterTerm, RuleGroup, RuleMatcher } from './compile/index.js';
export {
  compileRule,
  compileRuleGroup,
  compileRuleStrict,
  NeedleIndex,
  rulePrefilter,
  UnsupportedFeatureError,
} from './compile/index.js';
export type { FilterApplication } from './filter/index.js';
export { applyFilter, applyFilters, filterKey, hasTopLevelNot, logsourceMatches } from './filter/index.js';
export type { ItemExplanation, MatchExplanation, SelectionExplanation } from './match/index.js';
export { explainMatch, interpretRule } from './match/index.js';
export { KNOWN_MODIFIERS } from './modifiers/chain.js';
export { NATIVE_TEXT_MAX, REGEX_TEXT_CAP } from './modifiers/regex.js';
export type {
  Condition,
  Detection,
  DetectionItem,
  DetectionNode,
  DocumentRecord,
  LoadOptions,
  LoadStatus,
  LogSource,
  RefusedRule,
  RuleSet,
  Selection,
  SelectionFieldUsage,
  SigmaFilter,
  SigmaPattern,
  SigmaRule,
  ValueMatcher,
} from './rule/index.js';
export { loadRuleFiles, loadRuleText, placeholderRules, ruleFieldUsage, ruleKey } from './rule/index.js';
export type { LintEntry, LintReport } from './validate/index.js';
export { lintRules } from './validate/index.js';
export type { EventView } from './view.js';
export { plainView } from './view.js';
