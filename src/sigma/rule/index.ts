/**
 * @module sigma/rule
 * Public surface of rule loading.
 */

export { loadRuleFiles, loadRuleText, MAX_RULE_FILE_BYTES, placeholderRules } from './load.js';
export { EMPTY_DETECTION, ruleKey } from './parse.js';
export { ATTACK_TACTICS, normaliseTag } from './tags.js';
export type * from './types.js';
export type { SelectionFieldUsage } from './usage.js';
export { ruleFieldUsage } from './usage.js';
