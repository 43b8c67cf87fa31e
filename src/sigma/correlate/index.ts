/**
 * @module sigma/correlate
 * Public surface of Sigma correlation rules: parse a correlation document, evaluate
 * correlations over base-rule matches with sliding windows in event time.
 */
export type { EvaluateResult, ResolveRule } from './evaluate.js';
export {
  correlationKey,
  evaluateCorrelations,
  MAX_INPUTS_PER_CORRELATION,
  suppressedRules,
} from './evaluate.js';
export { evalExpr, exprRefs, parseTemporalExpr } from './expr.js';
export { compare, parseCorrelationDocument, parseTimespan } from './parse.js';
export type {
  BaseRuleMatch,
  Comparison,
  ConditionOp,
  CorrelationCondition,
  CorrelationHit,
  CorrelationType,
  SigmaCorrelation,
  TemporalExpr,
} from './types.js';
export { CONDITION_OPS, CORRELATION_TYPES, EVIDENCE_CAP } from './types.js';
