/**
 * @module engine/ruletest/types
 * The result model of Sigma rule tests (`X.tests.yml` beside `X.yml`): per test case, per rule,
 * and for a whole run. Failures are data keyed by a stable `code`, never exceptions.
 */
import type { Issue, Location } from '../../core/issue.js';

/** Why a rule's tests failed. Stable codes, documented in docs/rules.md. */
export type RuleTestFailureCode =
  /** No `X.tests.yml` beside the rule. */
  | 'no-test-file'
  /** The rule has no positive case that passes (none written, or all fail). Always fails the rule. */
  | 'no-positive-test'
  /** A positive case did not make the rule fire. */
  | 'positive-failed'
  /** A negative case made the rule fire. */
  | 'negative-failed'
  /** The rule has no negative case. */
  | 'no-negative-test'
  /** The test file cannot be read or does not follow the format. */
  | 'test-file-invalid'
  /** The test file's `rule:` names another rule than the one beside it. */
  | 'test-rule-mismatch'
  /** The rule beside the test file was refused by the loader. */
  | 'rule-refused'
  /** The rule's logsource resolves to no target in the logsource mapping. */
  | 'logsource-unknown'
  /** The compiled matcher and the interpreter disagree on an event (an engine bug). */
  | 'matcher-disagreement'
  /** A correlation could not be evaluated (bad reference, unsupported type, ...). */
  | 'correlation-error'
  /** The engine threw while testing the rule (a bug; the run goes on with the other rules). */
  | 'engine-error';

export interface RuleTestFailure {
  readonly code: RuleTestFailureCode;
  readonly message: string;
  readonly location?: Location;
}

export interface CaseResult {
  readonly kind: 'positive' | 'negative';
  readonly name: string;
  readonly passed: boolean;
  /** Did the rule fire on the case's events. */
  readonly fired: boolean;
  /** Logsource targets through which it fired (e.g. `sysmon-1`, `security-4688`). */
  readonly firedVia: readonly string[];
  /** Line of the case in the test file. */
  readonly line?: number;
}

export interface Tally {
  passed: number;
  failed: number;
}

export interface RuleTestResult {
  /** The rule's `id` (or name/title when it has none). */
  readonly ruleKey: string;
  readonly title: string;
  readonly kind: 'rule' | 'correlation';
  readonly ruleFile: string;
  readonly testFile: string | null;
  readonly positives: Tally;
  readonly negatives: Tally;
  readonly cases: readonly CaseResult[];
  readonly failures: readonly RuleTestFailure[];
  readonly passed: boolean;
}

export interface RuleTestTotals {
  rules: number;
  rulesPassed: number;
  rulesFailed: number;
  positives: Tally;
  negatives: Tally;
}

export interface RuleTestReport {
  /** One entry per rule document found under the paths (refused ones included). */
  readonly results: readonly RuleTestResult[];
  /** Test files that sit beside no rule, and load issues of rules and mappings. */
  readonly issues: readonly Issue[];
  readonly totals: RuleTestTotals;
  /** True when every rule passed (each has a passing positive and no failed case). */
  readonly ok: boolean;
}

export interface RuleTestOptions {
  /** Rule paths loaded as correlation context only (their own tests are not run). */
  contextPaths?: string[];
  /** Extra logsource mapping files (same schema as data/logsources). */
  logsourceFiles?: string[];
  /** Replace the shipped logsource mapping directory (tests). */
  logsourceDir?: string;
  /** Values for `|expand` placeholders. */
  placeholders?: Record<string, string[]>;
  /** Also fail rules that have no negative case (default true). */
  requireNegative?: boolean;
}
