/**
 * @module sigma/condition/parse
 * The condition grammar, with the spec's precedence (least to most binding):
 * `or` < `and` < `not` < `x of` < `( )`.
 *
 *   expr   := term ("or" term)*
 *   term   := factor ("and" factor)*
 *   factor := "not" factor | quant | "(" expr ")" | IDENT
 *   quant  := ("1" | "any" | "all" | N) "of" (PATTERN | "them")
 *
 * Identifiers are resolved here: an unknown identifier or a pattern matching nothing refuses the
 * rule (`unknown-identifier`); `them` skips `_`-prefixed identifiers. Legacy v1 aggregations
 * (`| count() by ...`, `near`) refuse with `legacy-aggregation`. Nesting is capped at 64.
 */
import type { Condition } from '../rule/types.js';

export interface ConditionError {
  readonly code: 'bad-condition' | 'unknown-identifier' | 'legacy-aggregation';
  readonly message: string;
  /** 0-based character offset in the condition text. */
  readonly offset: number;
}

export type ConditionResult = { ok: true; condition: Condition } | { ok: false; error: ConditionError };

const MAX_DEPTH = 64;
const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);

interface Token {
  readonly text: string;
  readonly offset: number;
}

function tokenize(text: string): Token[] | ConditionError {
  const out: Token[] = [];
  const re = /\s*(?:([()])|([^\s()|]+)|(\|))/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(pos))) break;
      return { code: 'bad-condition', message: `unexpected character at ${pos}`, offset: pos };
    }
    const offset = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? '').length;
    if (m[3]) {
      return {
        code: 'legacy-aggregation',
        message:
          'legacy v1 aggregation ("| count() by ...") is obsolete since Sigma v2; use a correlation rule',
        offset,
      };
    }
    out.push({ text: (m[1] ?? m[2]) as string, offset });
    pos = re.lastIndex;
  }
  return out;
}

/** Whether an identifier matches an `x of` pattern (`*` matches any run). */
export function patternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(name);
}

export function parseCondition(text: string, identifiers: readonly string[]): ConditionResult {
  const toks = tokenize(text);
  if (!Array.isArray(toks)) return { ok: false, error: toks };
  const idSet = new Set(identifiers);
  let i = 0;
  const peek = (): Token | undefined => toks[i];
  const kw = (t: Token | undefined): string | undefined => (t ? t.text.toLowerCase() : undefined);
  class Fail {
    constructor(readonly error: ConditionError) {}
  }
  const bad = (code: ConditionError['code'], message: string, offset: number): never => {
    throw new Fail({ code, message, offset });
  };

  const expr = (depth: number): Condition => {
    if (depth > MAX_DEPTH) bad('bad-condition', 'condition nested too deeply', peek()?.offset ?? text.length);
    const items = [term(depth)];
    while (kw(peek()) === 'or') {
      i++;
      items.push(term(depth));
    }
    return items.length === 1 ? (items[0] as Condition) : { kind: 'or', items };
  };
  const term = (depth: number): Condition => {
    const items = [factor(depth)];
    while (kw(peek()) === 'and') {
      i++;
      items.push(factor(depth));
    }
    return items.length === 1 ? (items[0] as Condition) : { kind: 'and', items };
  };
  const factor = (depth: number): Condition => {
    const t = peek();
    if (!t) return bad('bad-condition', 'condition ends where an identifier was expected', text.length);
    const k = kw(t);
    if (k === 'not') {
      i++;
      if (depth > MAX_DEPTH) bad('bad-condition', 'condition nested too deeply', t.offset);
      return { kind: 'not', item: factor(depth + 1) };
    }
    if (t.text === '(') {
      i++;
      const e = expr(depth + 1);
      const close = peek();
      if (close?.text !== ')')
        bad('bad-condition', `missing ')' for '(' at ${t.offset}`, close?.offset ?? text.length);
      i++;
      return e;
    }
    if (t.text === ')') return bad('bad-condition', `unexpected ')'`, t.offset);
    const next = toks[i + 1];
    if (kw(next) === 'of') {
      let quant: 'any' | 'all' | number;
      if (k === 'all') quant = 'all';
      else if (k === 'any' || k === '1') quant = 'any';
      else if (/^[1-9]\d{0,3}$/.test(t.text)) quant = Number(t.text);
      else return bad('bad-condition', `'${t.text} of' is not a quantifier (use 1, any or all)`, t.offset);
      const target = toks[i + 2];
      if (!target || target.text === '(' || target.text === ')') {
        return bad(
          'bad-condition',
          `'${t.text} of' needs an identifier pattern or 'them'`,
          next?.offset ?? text.length,
        );
      }
      i += 3;
      const pattern = target.text;
      const names =
        kw(target) === 'them'
          ? identifiers.filter((n) => !n.startsWith('_'))
          : identifiers.filter((n) => patternMatches(pattern, n));
      if (names.length === 0) {
        bad('unknown-identifier', `'${t.text} of ${pattern}' matches no search identifier`, target.offset);
      }
      return { kind: 'of', quant, pattern: kw(target) === 'them' ? 'them' : pattern, names };
    }
    if (k === 'near' || k === 'count') {
      return bad(
        'legacy-aggregation',
        `legacy v1 aggregation keyword '${t.text}' is obsolete since Sigma v2`,
        t.offset,
      );
    }
    if (k !== undefined && KEYWORDS.has(k)) return bad('bad-condition', `unexpected '${t.text}'`, t.offset);
    if (!idSet.has(t.text)) {
      return bad(
        'unknown-identifier',
        `condition refers to undefined search identifier '${t.text}'`,
        t.offset,
      );
    }
    i++;
    return { kind: 'id', name: t.text };
  };

  try {
    if (toks.length === 0)
      return { ok: false, error: { code: 'bad-condition', message: 'empty condition', offset: 0 } };
    const c = expr(0);
    const rest = peek();
    if (rest && kw(rest) === 'near') {
      bad(
        'legacy-aggregation',
        `legacy v1 aggregation keyword 'near' is obsolete since Sigma v2`,
        rest.offset,
      );
    }
    if (rest) bad('bad-condition', `unexpected '${rest.text}' after a complete condition`, rest.offset);
    return { ok: true, condition: c };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, error: e.error };
    throw e;
  }
}

/** Names a condition refers to (resolved `of` patterns included). */
export function conditionNames(c: Condition, out: Set<string> = new Set()): Set<string> {
  switch (c.kind) {
    case 'id':
      out.add(c.name);
      break;
    case 'of':
      for (const n of c.names) out.add(n);
      break;
    case 'not':
      conditionNames(c.item, out);
      break;
    default:
      for (const x of c.items) conditionNames(x, out);
  }
  return out;
}

/** Names that appear only under an odd number of `not`s (for applicability checks). */
export function negatedNames(c: Condition): { positive: Set<string>; negative: Set<string> } {
  const positive = new Set<string>();
  const negative = new Set<string>();
  const walk = (x: Condition, neg: boolean): void => {
    switch (x.kind) {
      case 'id':
        (neg ? negative : positive).add(x.name);
        break;
      case 'of':
        for (const n of x.names) (neg ? negative : positive).add(n);
        break;
      case 'not':
        walk(x.item, !neg);
        break;
      default:
        for (const y of x.items) walk(y, neg);
    }
  };
  walk(c, false);
  return { positive, negative };
}
