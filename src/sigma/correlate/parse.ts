/**
 * @module sigma/correlate/parse
 * Validates a correlation document (a YAML document with a top-level `correlation` key) into a
 * `SigmaCorrelation`. Every field is checked; errors name the field, and non-fatal points
 * (pySigma extensions, a missing group-by) become notices on the result.
 */
import type { Issue, Location } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import { isLevel } from '../../model/finding.js';
import { exprRefs, parseTemporalExpr } from './expr.js';
import type { Comparison, CorrelationCondition, CorrelationType, SigmaCorrelation } from './types.js';
import { CONDITION_OPS, CORRELATION_TYPES } from './types.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  // pySigma extensions: week, month (30.436875 days), year (365.2425 days).
  w: 604_800_000,
  M: 2_629_746_000,
  y: 31_556_952_000,
};

/** `90m` → 5,400,000 ms; null when invalid. Spec units: s m h d; pySigma adds w M y. */
export function parseTimespan(spec: string): { ms: number; unit: string } | null {
  const m = /^([1-9][0-9]{0,8})([smhdwMy])$/.exec(spec.trim());
  if (!m) return null;
  const unit = m[2]!;
  return { ms: Number(m[1]) * UNIT_MS[unit]!, unit };
}

const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const META_KEYS = new Set([
  'title',
  'id',
  'name',
  'status',
  'description',
  'author',
  'references',
  'date',
  'modified',
  'taxonomy',
  'falsepositives',
  'level',
  'tags',
  'generate',
  'correlation',
  'related',
  'license',
]);
const CORR_KEYS = new Set(['type', 'rules', 'aliases', 'group-by', 'timespan', 'condition', 'generate']);
const DATE_RE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const VALUE_TYPES = new Set<CorrelationType>([
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
  'value_median',
]);
const TEMPORAL = new Set<CorrelationType>(['temporal', 'temporal_ordered']);

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function strList(v: unknown): string[] | null {
  if (isStr(v)) return [v];
  if (Array.isArray(v) && v.every(isStr)) return v;
  return null;
}

/**
 * Parse one correlation document. `loc` is where the document starts; issues carry it and
 * name the offending field.
 * @example parseCorrelationDocument(yaml.parse(text), { file: 'mr_brute.yml', line: 1, col: 1 })
 */
export function parseCorrelationDocument(
  doc: Record<string, unknown>,
  loc: { file: string; line: number; col: number },
): Result<SigmaCorrelation, Issue> {
  const location: Location = { file: loc.file, line: loc.line, col: loc.col };
  const errors: Issue[] = [];
  const notices: Issue[] = [];
  const bad = (field: string, message: string) =>
    errors.push(issue('correlation-invalid', `${field}: ${message}`, location, { field }));
  const note = (code: string, field: string, message: string, severity: 'warning' | 'info' = 'warning') =>
    notices.push(issue(code, `${field}: ${message}`, location, { field }, severity));

  const title = doc.title;
  if (!isStr(title) || title.trim() === '') bad('title', 'mandatory, a non-empty string');
  else if (title.length > 256) bad('title', `at most 256 characters (has ${title.length})`);

  const out: SigmaCorrelation = {
    kind: 'correlation',
    title: isStr(title) ? title : '',
    generate: false,
    type: 'event_count',
    rules: [],
    aliases: {},
    groupBy: [],
    timespan: '',
    timespanMs: 0,
    condition: { comparisons: [] },
    location,
    notices,
    custom: {},
  };

  for (const k of ['id', 'name', 'description', 'author', 'taxonomy'] as const) {
    const v = doc[k];
    if (v === undefined || v === null) continue;
    if (!isStr(v)) bad(k, 'must be a string');
    else out[k] = v;
  }
  if (isStr(doc.id) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(doc.id)) {
    note('correlation-id-not-uuid', 'id', 'not a UUID (recommended, not mandatory)', 'info');
  }
  if (doc.description !== undefined && isStr(doc.description) && doc.description.length > 65_535) {
    bad('description', 'at most 65,535 characters');
  }
  if (doc.status !== undefined) {
    if (!isStr(doc.status) || !STATUSES.has(doc.status)) bad('status', `one of ${[...STATUSES].join(', ')}`);
    else out.status = doc.status;
  }
  if (doc.level !== undefined) {
    if (!isLevel(doc.level)) bad('level', 'one of informational, low, medium, high, critical');
    else out.level = doc.level;
  }
  for (const k of ['date', 'modified'] as const) {
    const v = doc[k];
    if (v === undefined) continue;
    const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
    if (!isStr(s)) bad(k, 'a date YYYY-MM-DD');
    else if (DATE_RE.test(s)) out[k] = s;
    else if (/^\d{4}\/\d{2}\/\d{2}$/.test(s)) {
      out[k] = s.replace(/\//g, '-');
      note('correlation-date-v1', k, `v1 date form '${s}': write YYYY-MM-DD`);
    } else bad(k, `a date YYYY-MM-DD (got '${s}')`);
  }
  for (const k of ['references', 'falsepositives', 'tags'] as const) {
    const v = doc[k];
    if (v === undefined || v === null) continue;
    const l = strList(v);
    if (!l) bad(k, 'a list of strings');
    else out[k] = l;
  }
  for (const [k, v] of Object.entries(doc)) if (!META_KEYS.has(k)) out.custom[k] = v;

  const c = doc.correlation;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    bad('correlation', 'mandatory, a map');
    return err(...errors);
  }
  const corr = c as Record<string, unknown>;
  for (const k of Object.keys(corr)) {
    if (!CORR_KEYS.has(k)) note('correlation-unknown-key', `correlation.${k}`, 'unknown key, ignored');
  }

  // generate: top level per the spec; pySigma also reads it inside `correlation`.
  const gen = doc.generate ?? corr.generate;
  if (gen !== undefined) {
    if (typeof gen !== 'boolean') bad('generate', 'true or false');
    else out.generate = gen;
  }

  const type = corr.type;
  if (!isStr(type) || !(CORRELATION_TYPES as readonly string[]).includes(type)) {
    bad('correlation.type', `mandatory, one of ${CORRELATION_TYPES.join(', ')}`);
    return err(...errors);
  }
  out.type = type as CorrelationType;
  if (out.type === 'value_median') {
    note(
      'correlation-pysigma-extension',
      'correlation.type',
      'value_median is a pySigma extension, not in the spec',
    );
  }

  const ts = corr.timespan;
  if (!isStr(ts)) bad('correlation.timespan', "mandatory, a number and a unit letter, e.g. '5m'");
  else {
    const parsed = parseTimespan(ts);
    if (!parsed)
      bad('correlation.timespan', `invalid '${ts}': use Ns, Nm, Nh or Nd (pySigma also: Nw, NM, Ny)`);
    else {
      out.timespan = ts.trim();
      out.timespanMs = parsed.ms;
      if ('wMy'.includes(parsed.unit)) {
        note(
          'correlation-pysigma-extension',
          'correlation.timespan',
          `unit '${parsed.unit}' is a pySigma extension`,
        );
      }
    }
  }

  const gb = corr['group-by'];
  if (gb === undefined || gb === null) {
    note(
      'correlation-no-group-by',
      'correlation.group-by',
      'missing (the spec lists it as mandatory): every match falls into one global group',
      'info',
    );
  } else {
    const l = strList(gb);
    if (!l || l.some((f) => f === '')) bad('correlation.group-by', 'a list of field names');
    else if (new Set(l).size !== l.length) bad('correlation.group-by', 'field names must be unique');
    else out.groupBy = l;
  }

  const al = corr.aliases;
  if (al !== undefined && al !== null) {
    if (typeof al !== 'object' || Array.isArray(al))
      bad('correlation.aliases', 'a map of alias → {rule name: field}');
    else {
      for (const [alias, mapping] of Object.entries(al as Record<string, unknown>)) {
        if (alias === '__proto__') {
          bad('correlation.aliases', "'__proto__' is not a usable alias name");
          continue;
        }
        if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
          bad(`correlation.aliases.${alias}`, 'a map of rule name → field name');
          continue;
        }
        const m: Record<string, string> = Object.create(null);
        for (const [rule, field] of Object.entries(mapping as Record<string, unknown>)) {
          if (!isStr(field) || field === '' || rule === '__proto__') {
            bad(`correlation.aliases.${alias}.${rule}`, 'a rule name mapped to a field name');
          } else m[rule] = field;
        }
        out.aliases[alias] = m;
      }
    }
  }

  const cond = parseCondition(corr.condition, out.type, bad, note);
  if (cond) out.condition = cond;

  const rules = corr.rules;
  if (rules === undefined && cond?.expression) {
    out.rules = exprRefs(cond.expression);
  } else {
    const l = Array.isArray(rules) ? rules : null;
    if (!l || l.length === 0 || !l.every(isStr))
      bad('correlation.rules', 'mandatory, a non-empty list of rule ids or names');
    else if (l.some((r) => r.length < 2))
      bad('correlation.rules', 'each reference has at least 2 characters');
    else if (new Set(l).size !== l.length) bad('correlation.rules', 'references must be unique');
    else out.rules = l as string[];
  }
  if (cond?.expression && out.rules.length) {
    const missing = exprRefs(cond.expression).filter((r) => !out.rules.includes(r));
    if (missing.length)
      bad('correlation.condition', `names rules not in correlation.rules: ${missing.join(', ')}`);
  }
  for (const [alias, m] of Object.entries(out.aliases)) {
    if (!out.groupBy.includes(alias)) {
      note('correlation-unused-alias', `correlation.aliases.${alias}`, 'alias not used in group-by', 'info');
    }
    for (const r of Object.keys(m)) {
      if (out.rules.length && !out.rules.includes(r)) {
        note(
          'correlation-alias-rule',
          `correlation.aliases.${alias}.${r}`,
          'names a rule not in correlation.rules',
        );
      }
    }
  }
  if (out.type === 'temporal_ordered' && out.rules.length < 2) {
    note(
      'correlation-single-step',
      'correlation.rules',
      'temporal_ordered with one rule has no order to check',
    );
  }

  if (errors.length) return err(...errors);
  return ok(out);
}

type Bad = (field: string, message: string) => void;
type Note = (code: string, field: string, message: string, severity?: 'warning' | 'info') => void;

function parseCondition(
  raw: unknown,
  type: CorrelationType,
  bad: Bad,
  note: Note,
): CorrelationCondition | null {
  const F = 'correlation.condition';
  if (raw === undefined || raw === null) {
    if (TEMPORAL.has(type)) return { comparisons: [] };
    bad(F, `mandatory for ${type}`);
    return null;
  }
  if (isStr(raw)) {
    if (!TEMPORAL.has(type)) {
      bad(F, 'a boolean expression over rule names is only allowed for temporal types (pySigma extension)');
      return null;
    }
    if (type === 'temporal_ordered') {
      bad(F, 'a boolean expression cannot express an order: not supported for temporal_ordered');
      return null;
    }
    const e = parseTemporalExpr(raw);
    if (typeof e === 'string') {
      bad(F, `expression: ${e}`);
      return null;
    }
    note(
      'correlation-pysigma-extension',
      F,
      'boolean expression over rule names is a pySigma extension',
      'info',
    );
    return { comparisons: [], expression: e, expressionText: raw };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    bad(F, 'a map of gt/gte/lt/lte/eq/neq (and field for value types)');
    return null;
  }
  const m = raw as Record<string, unknown>;
  const out: CorrelationCondition = { comparisons: [] };
  let ok = true;
  for (const [k, v] of Object.entries(m)) {
    if ((CONDITION_OPS as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        bad(`${F}.${k}`, 'a number');
        ok = false;
      } else out.comparisons.push({ op: k as Comparison['op'], value: v });
    } else if (k === 'field') {
      const l = strList(v);
      if (!l || l.length === 0 || l.some((f) => f === '')) {
        bad(`${F}.field`, 'a field name or a list of field names');
        ok = false;
      } else out.field = l;
    } else if (k === 'percentile') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) {
        bad(`${F}.percentile`, 'an integer 0..100');
        ok = false;
      } else out.percentile = v;
    } else {
      bad(`${F}.${k}`, 'unknown key (gt, gte, lt, lte, eq, neq, field, percentile)');
      ok = false;
    }
  }
  if (!ok) return null;
  if (out.comparisons.length === 0) {
    bad(F, 'needs at least one of gt, gte, lt, lte, eq, neq');
    return null;
  }
  if (VALUE_TYPES.has(type)) {
    if (!out.field) {
      bad(`${F}.field`, `mandatory for ${type}`);
      return null;
    }
    if (type !== 'value_count' && out.field.length > 1) {
      bad(`${F}.field`, `${type} aggregates one numeric field`);
      return null;
    }
  } else if (out.field) note('correlation-field-ignored', `${F}.field`, `not used by ${type}`);
  if (out.percentile !== undefined && type !== 'value_percentile') {
    note('correlation-field-ignored', `${F}.percentile`, `not used by ${type}`);
  }
  if (type === 'value_percentile' && out.percentile !== undefined) {
    note(
      'correlation-pysigma-extension',
      `${F}.percentile`,
      'pySigma reading: the Nth percentile of a numeric field',
      'info',
    );
  }
  if (out.comparisons.length > 1) {
    note('correlation-range', F, 'several comparisons are ANDed (a range); pySigma accepts only one', 'info');
    if (!satisfiable(out.comparisons))
      note('correlation-empty-range', F, 'no value satisfies every comparison');
  }
  return out;
}

/** Is there a number satisfying every comparison? (checked on the bounds, neq aside) */
function satisfiable(cs: Comparison[]): boolean {
  let lo = Number.NEGATIVE_INFINITY;
  let loIn = false;
  let hi = Number.POSITIVE_INFINITY;
  let hiIn = false;
  for (const c of cs) {
    if (
      (c.op === 'gt' || c.op === 'gte' || c.op === 'eq') &&
      (c.value > lo || (c.value === lo && c.op === 'gt'))
    ) {
      lo = c.value;
      loIn = c.op !== 'gt';
    }
    if (
      (c.op === 'lt' || c.op === 'lte' || c.op === 'eq') &&
      (c.value < hi || (c.value === hi && c.op === 'lt'))
    ) {
      hi = c.value;
      hiIn = c.op !== 'lt';
    }
  }
  if (lo > hi) return false;
  if (lo === hi) return loIn && hiIn && !cs.some((c) => c.op === 'neq' && c.value === lo);
  return true;
}

/** Does `v` satisfy every comparison? */
export function compare(v: number, cs: readonly Comparison[]): boolean {
  for (const c of cs) {
    switch (c.op) {
      case 'gt':
        if (!(v > c.value)) return false;
        break;
      case 'gte':
        if (!(v >= c.value)) return false;
        break;
      case 'lt':
        if (!(v < c.value)) return false;
        break;
      case 'lte':
        if (!(v <= c.value)) return false;
        break;
      case 'eq':
        if (v !== c.value) return false;
        break;
      case 'neq':
        if (v === c.value) return false;
        break;
    }
  }
  return true;
}
