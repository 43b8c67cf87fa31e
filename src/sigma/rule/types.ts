/**
 * @module sigma/rule/types
 * The Sigma rule model: rules, filters, load results, and the detection AST every matcher
 * (interpreter and compiler) consumes. Values are already modifier-processed here: a matcher never
 * sees a modifier name, only what the modifier chain turned the rule's value into.
 */
import type { Issue } from '../../core/issue.js';
import type { Level } from '../../model/finding.js';
import type { SigmaCorrelation } from './correlation-types.js';

export type { SigmaCorrelation } from './correlation-types.js';

/** A piece of a Sigma string: literal text, or a wildcard (`*` any run, `?` one character). */
export type StrPart = string | { readonly wild: '*' | '?' };

/** A Sigma string after escape processing: literal runs and wildcards. */
export interface SigmaPattern {
  readonly parts: readonly StrPart[];
}

export type CmpOp = 'lt' | 'lte' | 'gt' | 'gte' | 'eq';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type FieldRefMode = 'eq' | 'contains' | 'startswith' | 'endswith';

/** What one rule value became after its modifier chain. */
export type ValueMatcher =
  /** Wildcard string match on the whole field value (case-insensitive unless `cased`). */
  | { readonly kind: 'pattern'; readonly pattern: SigmaPattern; readonly cased: boolean }
  /** A value that expanded into several (windash, base64offset, expand): any of them. */
  | { readonly kind: 'alt'; readonly alts: readonly ValueMatcher[] }
  /** A regular expression, searched (unanchored) in the field value. */
  | { readonly kind: 're'; readonly source: string; readonly flags: string }
  | {
      readonly kind: 'cidr';
      readonly text: string;
      readonly family: 4 | 6;
      readonly net: Uint8Array;
      readonly prefix: number;
    }
  /** A numeric comparison (`lt`...`gte`) against the field value parsed as a number. */
  | { readonly kind: 'cmp'; readonly op: CmpOp; readonly value: number }
  /** `field: null`: the field is absent or null. */
  | { readonly kind: 'null' }
  /** `field|exists: true|false`. */
  | { readonly kind: 'exists'; readonly value: boolean }
  /** Compare with another field of the same event. */
  | {
      readonly kind: 'fieldref';
      readonly field: string;
      readonly mode: FieldRefMode;
      readonly cased: boolean;
    }
  /** Extract a UTC date part from the field value and compare it. */
  | { readonly kind: 'time'; readonly part: TimePart; readonly op: CmpOp; readonly value: number };

/** One `field|modifiers: values` entry (field null = keyword search over every value). */
export interface DetectionItem {
  readonly field: string | null;
  readonly modifiers: readonly string[];
  /** How the values combine: OR (default) or AND (`|all`). */
  readonly combine: 'or' | 'and';
  /** `|neq`: the item's result is negated. */
  readonly negated: boolean;
  readonly values: readonly ValueMatcher[];
  readonly line: number;
  readonly col: number;
}

/** A search identifier's body: AND of a map, OR of a list. */
export type DetectionNode =
  | { readonly kind: 'and'; readonly items: readonly DetectionNode[] }
  | { readonly kind: 'or'; readonly items: readonly DetectionNode[] }
  | { readonly kind: 'item'; readonly item: DetectionItem };

export interface Selection {
  readonly name: string;
  readonly node: DetectionNode;
  /** 'map', 'list-of-maps' or 'keywords' as written. */
  readonly shape: 'map' | 'list-of-maps' | 'keywords';
  readonly line: number;
  readonly col: number;
}

/** Condition AST; `of` is resolved to identifier names at load time. */
export type Condition =
  | { readonly kind: 'or'; readonly items: readonly Condition[] }
  | { readonly kind: 'and'; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly item: Condition }
  | { readonly kind: 'id'; readonly name: string }
  | {
      readonly kind: 'of';
      /** 'any' for `1 of` / `any of`, 'all', or an integer N for `N of` (at least N). */
      readonly quant: 'any' | 'all' | number;
      readonly pattern: string;
      readonly names: readonly string[];
    };

export interface Detection {
  readonly selections: ReadonlyMap<string, Selection>;
  readonly condition: Condition;
  /** The condition text(s) as written (a list is ORed). */
  readonly conditionText: readonly string[];
}

export interface LogSource {
  readonly category?: string;
  readonly product?: string;
  readonly service?: string;
  readonly definition?: string;
  /** Any other logsource keys, kept. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type RuleStatus = 'stable' | 'test' | 'experimental' | 'deprecated' | 'unsupported';

export interface RelatedRule {
  readonly id: string;
  readonly type: string;
}

export interface SigmaRule {
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly level: Level;
  /** True when the rule had no `level` (defaulted to `medium`). */
  readonly levelDefaulted: boolean;
  readonly status?: RuleStatus;
  readonly taxonomy: string;
  readonly description: string;
  readonly license?: string;
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly references: readonly string[];
  readonly related: readonly RelatedRule[];
  readonly logsource: LogSource;
  /** Normalised tags (lower case, v2 dash style). */
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  readonly scope: readonly string[];
  readonly detection: Detection;
  /** Keys the spec does not define, kept as written. */
  readonly custom: Readonly<Record<string, unknown>>;
  /** Meta-filters applied to this rule (filter keys), in order. */
  readonly filters: readonly string[];
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly warnings: readonly Issue[];
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface SigmaFilter {
  readonly id?: string;
  readonly name?: string;
  readonly title: string;
  readonly description: string;
  readonly taxonomy: string;
  readonly logsource: LogSource;
  /** Target rule ids or names; 'any' applies to every rule with a matching logsource. */
  readonly rules: readonly string[] | 'any';
  readonly detection: Detection;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly warnings: readonly Issue[];
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface RefusedRule {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly id?: string;
  readonly title?: string;
  readonly code: string;
  readonly message: string;
}

export interface RuleSet {
  rules: SigmaRule[];
  correlations: SigmaCorrelation[];
  filters: SigmaFilter[];
  refused: RefusedRule[];
  issues: Issue[];
}

export interface LoadOptions {
  /** Collect every issue (lint, UI) instead of stopping a document at its first error. */
  collectIssues?: boolean;
  /** Values for `|expand` placeholders, by name without the `%`. */
  placeholders?: Record<string, string[]>;
  /** Apply the meta-filters found to the rules loaded together (default true). */
  applyFilters?: boolean;
  /** Called once per YAML document with its outcome (lint uses it for per-document status). */
  onDocument?: (doc: DocumentRecord) => void;
}

/** The outcome of one YAML document. */
export interface DocumentRecord {
  readonly kind: 'rule' | 'filter' | 'correlation' | 'unknown';
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly id?: string;
  readonly title?: string;
  readonly status: LoadStatus;
  readonly errors: readonly Issue[];
  readonly warnings: readonly Issue[];
  /** The rule; for a refused rule document, the placeholder built from what could be read. */
  readonly rule?: SigmaRule;
  readonly filter?: SigmaFilter;
  readonly correlation?: SigmaCorrelation;
}

/** Load status of a rule document, as `lint` and the hunt summary report it. */
export type LoadStatus = 'loaded' | 'loaded-with-warnings' | 'refused';
