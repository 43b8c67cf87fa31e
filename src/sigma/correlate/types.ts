/**
 * @module sigma/correlate/types
 * The Sigma correlation (meta-rule) model, the base-rule matches correlations consume and the
 * hits they produce. Semantics are documented in docs/correlations.md.
 */
import type { Issue, Location } from '../../core/issue.js';
import type { Level } from '../../model/finding.js';
import type { EventView } from '../view.js';

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

export const CONDITION_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Comparisons ANDed together (a range is `gt` + `lte`). */
export interface Comparison {
  op: ConditionOp;
  value: number;
}

/** pySigma's boolean expression over rule names, for temporal types. */
export type TemporalExpr =
  | { kind: 'ref'; name: string }
  | { kind: 'not'; arg: TemporalExpr }
  | { kind: 'and' | 'or'; args: TemporalExpr[] };

export interface CorrelationCondition {
  /** Empty for temporal types without a condition (meaning: every referenced rule). */
  comparisons: Comparison[];
  /** value_* types: the field(s) aggregated (value_count: several fields are one combined value). */
  field?: string[];
  /** value_percentile, pySigma reading: which percentile of the numeric field is compared. */
  percentile?: number;
  /** temporal types: pySigma's boolean expression over rule names (a lint notice is attached). */
  expression?: TemporalExpr;
  expressionText?: string;
}

export interface SigmaCorrelation {
  readonly kind: 'correlation';
  title: string;
  id?: string;
  name?: string;
  status?: string;
  description?: string;
  author?: string;
  references?: string[];
  date?: string;
  modified?: string;
  taxonomy?: string;
  falsepositives?: string[];
  level?: Level;
  tags?: string[];
  /** Default false: the referenced rules raise no findings of their own. */
  generate: boolean;
  type: CorrelationType;
  /** Referenced rule or correlation ids / names, in the document's order. */
  rules: string[];
  /** alias → (rule name → event field). */
  aliases: Record<string, Record<string, string>>;
  /** Empty: one global group. */
  groupBy: string[];
  timespan: string;
  timespanMs: number;
  condition: CorrelationCondition;
  location: Location;
  /** Non-fatal findings of the parser (pySigma extensions used, spec inconsistencies resolved). */
  notices: Issue[];
  /** Custom top-level keys, passed through. */
  custom: Record<string, unknown>;
}

/** One base-rule (or inner correlation) match handed to the evaluator. */
export interface BaseRuleMatch {
  ruleKey: string;
  ruleName?: string;
  /** Event time (epoch ms), never arrival time. */
  timeMs: number;
  /** Group-by and aggregated field values are read through the view. */
  view: EventView;
}

export interface CorrelationHit {
  correlation: SigmaCorrelation;
  /** Group-by values (value_percentile rarity reading: also the rare value, under the field name). */
  group: Record<string, string>;
  /** Evidence, at most `EVIDENCE_CAP` matches (the first ones of the window). */
  matches: BaseRuleMatch[];
  /** Total matches in the window (may exceed `matches.length`). */
  matchCount: number;
  startMs: number;
  endMs: number;
  /** When the condition first held inside the window (for chaining and ordering); ≤ endMs. */
  triggerMs: number;
  /** The aggregate compared: count, distinct count, sum, average, percentile, or distinct rules. */
  value: number;
}

/** Evidence stored per hit. */
export const EVIDENCE_CAP = 100;
