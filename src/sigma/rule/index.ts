/**
 * @module sigma/rule
 * Public surface of rule loading.
 */

export type { CachedLoad, RuleCacheUse } from './cache.js';
export { loadRuleFilesCached, RULE_CACHE_KEEP } from './cache.js';
export { listRuleFiles, loadRuleFiles, loadRuleText, MAX_RULE_FILE_BYTES, placeholderRules } from './load.js';
export { EMPTY_DETECTION, ruleKey } from './parse.js';
export { ATTACK_TACTICS, normaliseTag } from './tags.js';
export type * from './types.js';
export type { SelectionFieldUsage } from './usage.js';
export { ruleFieldUsage } from './usage.js';
