/**
 * @module sigma/match
 * Public surface of the interpreter (the source of truth and the explainer).
 */

export type { ItemExplanation, MatchExplanation, SelectionExplanation } from './interpret.js';
export { explainMatch, interpretRule, valueMatches } from './interpret.js';
