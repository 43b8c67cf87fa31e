/**
 * @module sigma/modifiers/chain
 * Applies a `field|mod1|mod2` chain to a detection item's values, left to right, producing the
 * `ValueMatcher`s matchers run. Refusals carry a stable code: `unknown-modifier`,
 * `invalid-modifier` (a combination or value the modifier cannot take), `unresolved-placeholder`,
 * `unsupported-regex`, `expansion-too-large`.
 */
import type {
  CmpOp,
  DetectionItem,
  FieldRefMode,
  SigmaPattern,
  TimePart,
  ValueMatcher,
} from '../rule/types.js';
import type { WorkingString } from './encoding.js';
import { base64, base64Offsets, expandPlaceholders, utf16, windash } from './encoding.js';
import { addWildcards, hasWildcards, literalPattern, parseSigmaString, plainText } from './pattern.js';
import { compileRegex, REGEX_FLAG_MODIFIERS } from './regex.js';
import { parseCidr, parseNumber } from './scalar.js';

/** Every modifier name Fathom accepts (the spec's v2.1 list plus pySigma's regex flag aliases). */
export const KNOWN_MODIFIERS = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'windash',
  're',
  'i',
  'm',
  's',
  'ignorecase',
  'multiline',
  'dotall',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
  'cidr',
  'expand',
  'fieldref',
]);

const TIME_PARTS = new Set<TimePart>(['minute', 'hour', 'day', 'week', 'month', 'year']);
const CMP = new Set(['lt', 'lte', 'gt', 'gte']);

export interface ChainIssue {
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export interface ChainContext {
  readonly placeholders?: Record<string, string[]> | undefined;
}

export type ChainResult =
  | { ok: true; item: DetectionItem; warnings: ChainIssue[] }
  | { ok: false; error: ChainIssue };

const fail = (code: string, message: string): ChainResult => ({
  ok: false,
  error: { code, message, severity: 'error' },
});

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return null;
}

/**
 * Build a detection item from `key` (`Field|mod|mod`, or `|mod` / null for keywords) and its
 * YAML value (a scalar or a list of scalars).
 */
export function buildItem(
  field: string | null,
  modifiers: readonly string[],
  value: unknown,
  pos: { line: number; col: number },
  ctx: ChainContext,
): ChainResult {
  for (const m of modifiers) {
    if (!KNOWN_MODIFIERS.has(m)) return fail('unknown-modifier', `unknown value modifier '${m}'`);
  }
  const rawValues: unknown[] = Array.isArray(value) ? value : [value];
  const warnings: ChainIssue[] = [];
  for (const v of rawValues) {
    if (v !== null && typeof v === 'object') {
      return fail('invalid-value', `a detection value must be a scalar or a list of scalars`);
    }
  }
  const mods = new Set(modifiers);
  const combine: 'or' | 'and' = mods.has('all') ? 'and' : 'or';
  const negated = mods.has('neq');
  const cased = mods.has('cased');
  if (combine === 'and' && rawValues.length < 2) {
    warnings.push({
      code: 'all-single-value',
      message: `'all' on a single value is not allowed by the spec (it changes nothing here)`,
      severity: 'warning',
    });
  }
  if (rawValues.length > 1 && rawValues.includes(null)) {
    warnings.push({
      code: 'null-in-list',
      message:
        'null cannot be part of a value list (spec "Special Field Values"); it is read as "absent or null"',
      severity: 'warning',
    });
  }
  const mk = (values: ValueMatcher[]): ChainResult => ({
    ok: true,
    item: { field, modifiers, combine, negated, values, line: pos.line, col: pos.col },
    warnings,
  });

  if (mods.has('exists')) {
    const extra = modifiers.filter((m) => m !== 'exists');
    if (extra.length)
      return fail('invalid-modifier', `'exists' cannot be combined with '${extra.join('|')}'`);
    if (field === null) return fail('invalid-modifier', `'exists' needs a field`);
    if (rawValues.length !== 1 || typeof rawValues[0] !== 'boolean') {
      return fail('invalid-modifier', `'exists' takes a single boolean value`);
    }
    return mk([{ kind: 'exists', value: rawValues[0] }]);
  }

  if (mods.has('re')) return regexItem(modifiers, rawValues, mk);
  if (mods.has('fieldref')) return fieldrefItem(modifiers, rawValues, cased, mk);
  if (mods.has('cidr')) {
    const extra = modifiers.filter((m) => m !== 'cidr' && m !== 'all' && m !== 'neq');
    if (extra.length) return fail('invalid-modifier', `'cidr' cannot be combined with '${extra.join('|')}'`);
    const out: ValueMatcher[] = [];
    for (const v of rawValues) {
      const c = typeof v === 'string' ? parseCidr(v) : null;
      if (!c)
        return fail('invalid-modifier', `'cidr' value ${JSON.stringify(v)} is not an IPv4/IPv6 network`);
      out.push({ kind: 'cidr', text: v as string, ...c });
    }
    return mk(out);
  }
  const timePart = modifiers.find((m) => TIME_PARTS.has(m as TimePart)) as TimePart | undefined;
  const cmp = modifiers.find((m) => CMP.has(m)) as CmpOp | undefined;
  if (timePart || cmp) {
    const allowed = new Set(['all', 'neq', timePart, cmp]);
    const extra = modifiers.filter((m) => !allowed.has(m));
    if (extra.length) {
      return fail('invalid-modifier', `'${timePart ?? cmp}' cannot be combined with '${extra.join('|')}'`);
    }
    if (
      modifiers.filter((m) => CMP.has(m) || TIME_PARTS.has(m as TimePart)).length > (timePart && cmp ? 2 : 1)
    ) {
      return fail('invalid-modifier', 'only one comparison and one date part are allowed');
    }
    const out: ValueMatcher[] = [];
    for (const v of rawValues) {
      const n = parseNumber(v);
      if (Number.isNaN(n))
        return fail('invalid-modifier', `'${cmp ?? timePart}' needs a number, got ${JSON.stringify(v)}`);
      out.push(
        timePart
          ? { kind: 'time', part: timePart, op: cmp ?? 'eq', value: n }
          : { kind: 'cmp', op: cmp ?? 'eq', value: n },
      );
    }
    return mk(out);
  }
  return stringItem(modifiers, rawValues, cased, ctx, mk);
}

function regexItem(
  modifiers: readonly string[],
  rawValues: unknown[],
  mk: (v: ValueMatcher[]) => ChainResult,
): ChainResult {
  const flags: string[] = [];
  let seenRe = false;
  for (const m of modifiers) {
    if (m === 're') seenRe = true;
    else if (m in REGEX_FLAG_MODIFIERS) {
      if (!seenRe) return fail('invalid-modifier', `regex flag '${m}' must follow 're'`);
      flags.push(REGEX_FLAG_MODIFIERS[m] as string);
    } else if (m !== 'all' && m !== 'neq' && m !== 'cased') {
      return fail('invalid-modifier', `'re' cannot be combined with '${m}'`);
    }
  }
  const out: ValueMatcher[] = [];
  for (const v of rawValues) {
    if (typeof v !== 'string')
      return fail('invalid-modifier', `'re' needs a string, got ${JSON.stringify(v)}`);
    const c = compileRegex(v, flags);
    if (!c.ok) return fail('unsupported-regex', c.message);
    out.push({ kind: 're', source: v, flags: [...new Set(flags)].sort().join('') });
  }
  return mk(out);
}

function fieldrefItem(
  modifiers: readonly string[],
  rawValues: unknown[],
  cased: boolean,
  mk: (v: ValueMatcher[]) => ChainResult,
): ChainResult {
  let mode: FieldRefMode = 'eq';
  for (const m of modifiers) {
    if (m === 'contains' || m === 'startswith' || m === 'endswith') {
      if (mode !== 'eq')
        return fail('invalid-modifier', `'fieldref' takes only one of contains/startswith/endswith`);
      mode = m;
    } else if (m !== 'fieldref' && m !== 'neq' && m !== 'all' && m !== 'cased') {
      return fail('invalid-modifier', `'fieldref' cannot be combined with '${m}'`);
    }
  }
  const out: ValueMatcher[] = [];
  for (const v of rawValues) {
    if (typeof v !== 'string' || !v) return fail('invalid-modifier', `'fieldref' needs a field name`);
    out.push({ kind: 'fieldref', field: v, mode, cased });
  }
  return mk(out);
}

type W = { kind: 'str'; w: WorkingString } | { kind: 'alt'; items: W[] } | { kind: 'null' };

function mapStr(w: W, f: (s: WorkingString) => W | string): W | string {
  if (w.kind === 'null') return w;
  if (w.kind === 'alt') {
    const items: W[] = [];
    for (const x of w.items) {
      const r = mapStr(x, f);
      if (typeof r === 'string') return r;
      items.push(r);
    }
    return { kind: 'alt', items };
  }
  return f(w.w);
}

function stringItem(
  modifiers: readonly string[],
  rawValues: unknown[],
  cased: boolean,
  ctx: ChainContext,
  mk: (v: ValueMatcher[]) => ChainResult,
): ChainResult {
  let ws: W[] = [];
  for (const v of rawValues) {
    if (v === null || v === undefined) ws.push({ kind: 'null' });
    else {
      const t = scalarText(v) as string;
      const pattern = typeof v === 'string' ? parseSigmaString(t) : literalPattern(t);
      ws.push({ kind: 'str', w: { pattern, bytes: false } });
    }
  }
  for (const m of modifiers) {
    let f: ((s: WorkingString) => W | string) | null = null;
    const str = (pattern: SigmaPattern, bytes: boolean): W => ({ kind: 'str', w: { pattern, bytes } });
    switch (m) {
      case 'contains':
      case 'startswith':
      case 'endswith':
        f = (s) => str(addWildcards(s.pattern, m !== 'startswith', m !== 'endswith'), s.bytes);
        break;
      case 'windash':
        f = (s) => {
          if (s.bytes) return `'windash' must come before an encoding modifier`;
          const v = windash(s.pattern);
          if (!v) return 'expansion-too-large';
          return v.length === 1
            ? str(v[0] as SigmaPattern, false)
            : { kind: 'alt', items: v.map((p) => str(p, false)) };
        };
        break;
      case 'base64':
      case 'base64offset':
        f = (s) => {
          if (hasWildcards(s.pattern)) return `'${m}' cannot encode a value with wildcards`;
          const text = plainText(s.pattern);
          if (m === 'base64') return str(literalPattern(base64(s, text)), false);
          return { kind: 'alt', items: base64Offsets(s, text).map((t) => str(literalPattern(t), false)) };
        };
        break;
      case 'utf16le':
      case 'wide':
      case 'utf16be':
      case 'utf16':
        f = (s) => {
          const r = utf16(s, m === 'wide' ? 'utf16le' : m);
          return str(r.pattern, true);
        };
        break;
      case 'expand':
        f = (s) => {
          const r = expandPlaceholders(s.pattern, ctx.placeholders);
          if (!r.ok)
            return 'missing' in r ? `unresolved-placeholder:${r.missing.join(',')}` : 'expansion-too-large';
          return r.patterns.length === 1
            ? str(r.patterns[0] as SigmaPattern, s.bytes)
            : { kind: 'alt', items: r.patterns.map((p) => str(p, s.bytes)) };
        };
        break;
      case 'all':
      case 'neq':
      case 'cased':
        break;
      default:
        return fail('invalid-modifier', `'${m}' cannot be used here`);
    }
    if (!f) continue;
    const next: W[] = [];
    const missing = new Set<string>();
    for (const w of ws) {
      const r = mapStr(w, f);
      if (typeof r === 'string') {
        if (r === 'expansion-too-large') return fail(r, `'${m}' would expand one value into too many values`);
        if (r.startsWith('unresolved-placeholder:')) {
          // Name every missing placeholder of the item, not only the first value's.
          for (const n of r.slice('unresolved-placeholder:'.length).split(',')) missing.add(n);
          continue;
        }
        return fail('invalid-modifier', r);
      }
      next.push(r);
    }
    if (missing.size) {
      return fail(
        'unresolved-placeholder',
        `unresolved placeholder ${[...missing].map((n) => `%${n}%`).join(', ')}`,
      );
    }
    ws = next;
  }
  const toMatcher = (w: W): ValueMatcher => {
    if (w.kind === 'null') return { kind: 'null' };
    if (w.kind === 'alt') return { kind: 'alt', alts: w.items.map(toMatcher) };
    return { kind: 'pattern', pattern: w.w.pattern, cased };
  };
  return mk(ws.map(toMatcher));
}
