/**
 * @module sigma/compile/compile
 * The compiled fast path: rules become closures with literals lower-cased once, wildcard
 * patterns turned into `===` / `startsWith` / `endsWith` / `includes` / ordered `indexOf` checks
 * (or an anchored RegExp when `?` appears), `|all` value arrays, and a literal prefilter checked
 * first. Field text is read through the per-event memo (each field lower-cased at most once per
 * event). The compiler is exact or refuses: anything it cannot model exactly throws
 * `UnsupportedFeatureError` at compile time and `compileRule` falls back to the interpreter.
 */

import { TextMemo } from '../../core/text-memo.js';
import { interpretRule } from '../match/interpret.js';
import { regexTester, scalars } from '../match/values.js';
import { addWildcards, globMatch, lowerPattern } from '../modifiers/pattern.js';
import { compare, datePart, inCidr, parseNumber } from '../modifiers/scalar.js';
import { ruleKey } from '../rule/parse.js';
import type {
  Condition,
  DetectionItem,
  DetectionNode,
  SigmaPattern,
  SigmaRule,
  ValueMatcher,
} from '../rule/types.js';
import type { EventView } from '../view.js';
import type { FieldText } from './memo.js';
import { allTexts, fieldText, lowers } from './memo.js';
import type { NeedleIndex, NeedleSet } from './needles.js';
import { defaultNeedleIndex } from './needles.js';
import type { Prefilter } from './prefilter.js';
import { rulePrefilter } from './prefilter.js';

/** Thrown at compile time for what the fast path cannot do exactly; the rule then runs interpreted. */
export class UnsupportedFeatureError extends Error {
  readonly feature: string;
  constructor(feature: string, message: string) {
    super(message);
    this.name = 'UnsupportedFeatureError';
    this.feature = feature;
  }
}

export interface RuleMatcher {
  readonly ruleKey: string;
  readonly mode: 'compiled' | 'interpreted';
  /** Why the rule runs interpreted (the compiler's refusal), when it does. */
  readonly interpretedBecause?: string;
  /** Literal prefilter (also applied inside `match`), or null. */
  readonly prefilter: Prefilter | null;
  match(view: EventView): boolean;
  /**
   * `match` without the prefilter check, for engines that already know the prefilter holds
   * (they found one of its needles in its field). Same result as `match` in that case.
   */
  matchBody(view: EventView): boolean;
}

type Pred = (view: EventView) => boolean;
/** A test on one text (already lower-cased when `lower`). */
interface TextTest {
  readonly lower: boolean;
  test(text: string, view: EventView): boolean;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A wildcard pattern as the cheapest exact string test. */
export function patternTest(p: SigmaPattern): (s: string) => boolean {
  const parts = p.parts;
  if (parts.length === 0) return (s) => s.length === 0;
  const hasQ = parts.some((x) => typeof x !== 'string' && x.wild === '?');
  if (hasQ) {
    const stars = parts.filter((x) => typeof x !== 'string' && x.wild === '*').length;
    if (stars <= 1) {
      // At most one `*`: an anchored RegExp cannot backtrack more than linearly.
      const re = new RegExp(
        `^${parts.map((x) => (typeof x === 'string' ? escapeRe(x) : x.wild === '?' ? '[\\s\\S]' : '[\\s\\S]*')).join('')}$`,
      );
      return (s) => re.test(s);
    }
    // Several `*` with `?`: the linear-backtracking glob (O(text × pattern), never exponential).
    return (s) => globMatch(parts, s);
  }
  // Star-only: literal segments between stars.
  const anchoredStart = typeof parts[0] === 'string';
  const anchoredEnd = typeof parts[parts.length - 1] === 'string';
  const segs = parts.filter((x): x is string => typeof x === 'string');
  if (segs.length === 0) return () => true;
  if (segs.length === 1) {
    const lit = segs[0] as string;
    if (anchoredStart && anchoredEnd) return (s) => s === lit;
    if (anchoredStart) return (s) => s.startsWith(lit);
    if (anchoredEnd) return (s) => s.endsWith(lit);
    return (s) => s.includes(lit);
  }
  const first = anchoredStart ? (segs[0] as string) : '';
  const last = anchoredEnd ? (segs[segs.length - 1] as string) : '';
  const middle = segs.slice(anchoredStart ? 1 : 0, anchoredEnd ? segs.length - 1 : segs.length);
  return (s) => {
    if (first && !s.startsWith(first)) return false;
    const end = s.length - last.length;
    if (last && (end < first.length || !s.endsWith(last))) return false;
    let pos = first.length;
    for (const m of middle) {
      const i = s.indexOf(m, pos);
      if (i < 0 || i + m.length > end) return false;
      pos = i + m.length;
    }
    return true;
  };
}

function textTest(vm: ValueMatcher, keyword: boolean): TextTest {
  switch (vm.kind) {
    case 'pattern': {
      const p = keyword ? addWildcards(vm.pattern, true, true) : vm.pattern;
      const t = patternTest(vm.cased ? p : lowerPattern(p));
      return { lower: !vm.cased, test: (s) => t(s) };
    }
    case 're': {
      const r = regexTester(vm.source, vm.flags);
      return { lower: false, test: (s) => r.test(s) };
    }
    case 'cidr':
      return { lower: false, test: (s) => inCidr(vm, s) };
    case 'cmp':
      return { lower: false, test: (s) => compare(vm.op, parseNumber(s), vm.value) };
    case 'time':
      return { lower: false, test: (s) => compare(vm.op, datePart(vm.part, s), vm.value) };
    case 'fieldref': {
      const { field, mode } = vm;
      const lower = !vm.cased;
      return {
        lower,
        test(s, view) {
          const o = fieldText(view, field);
          const others = lower ? lowers(o) : o.texts;
          for (const b of others) {
            if (
              mode === 'eq'
                ? s === b
                : mode === 'contains'
                  ? s.includes(b)
                  : mode === 'startswith'
                    ? s.startsWith(b)
                    : s.endsWith(b)
            ) {
              return true;
            }
          }
          return false;
        },
      };
    }
    case 'alt':
    case 'null':
    case 'exists':
      throw new UnsupportedFeatureError(vm.kind, `internal: '${vm.kind}' is not a text test`);
  }
}

/** One value against a field's memoised text: true when it matches. */
type ValuePred = (f: FieldText, view: EventView) => boolean;

function anyText(t: TextTest): ValuePred {
  if (t.lower) {
    return (f, view) => {
      const ls = lowers(f);
      for (let i = 0; i < ls.length; i++) if (t.test(ls[i] as string, view)) return true;
      return false;
    };
  }
  return (f, view) => {
    const ts = f.texts;
    for (let i = 0; i < ts.length; i++) if (t.test(ts[i] as string, view)) return true;
    return false;
  };
}

function valuePred(vm: ValueMatcher, keyword: boolean): ValuePred {
  switch (vm.kind) {
    case 'exists':
      if (keyword) return () => false;
      return vm.value ? (f) => f.raw !== undefined : (f) => f.raw === undefined;
    case 'null':
      if (keyword) return () => false;
      return (f) => f.raw === undefined || f.raw === null;
    case 'alt': {
      const alts = vm.alts.map((a) => valuePred(a, keyword));
      return (f, view) => {
        for (const a of alts) if (a(f, view)) return true;
        return false;
      };
    }
    case 'cmp':
    case 'time': {
      if (keyword) return anyText(textTest(vm, keyword));
      // Compared on the raw values (a number stays a number), as the interpreter does.
      const { op, value } = vm;
      const get = vm.kind === 'cmp' ? (x: unknown) => parseNumber(x) : (x: unknown) => datePart(vm.part, x);
      return (f) => {
        for (const x of scalars(f.raw)) if (compare(op, get(x), value)) return true;
        return false;
      };
    }
    default:
      return anyText(textTest(vm, keyword));
  }
}

/** The index the rule being compiled registers its substring needles in. */
let activeIndex: NeedleIndex = defaultNeedleIndex;

/**
 * The lower-case literals of a value that is a plain substring test (`*lit*`, or an expansion of
 * several), which the needle index answers exactly; null otherwise.
 */
function containsLiterals(vm: ValueMatcher, keyword: boolean): string[] | null {
  if (vm.kind === 'alt') {
    const out: string[] = [];
    for (const a of vm.alts) {
      const l = containsLiterals(a, keyword);
      if (!l) return null;
      out.push(...l);
    }
    return out.length ? out : null;
  }
  if (vm.kind !== 'pattern' || vm.cased) return null;
  const p = keyword ? addWildcards(vm.pattern, true, true) : vm.pattern;
  const [a, lit, b, ...more] = p.parts;
  const star = (x: unknown) => typeof x === 'object' && x !== null && (x as { wild: string }).wild === '*';
  if (more.length || !star(a) || !star(b) || typeof lit !== 'string') return null;
  const lower = lit.toLowerCase();
  return lower.length >= 1 ? [lower] : null;
}

/**
 * Texts an affix set remembers its answer for: each at most this long, together at most this many
 * characters, each entry counted as `AFFIX_MEMO_ENTRY_COST` more (then it starts over), so evidence
 * of endless distinct values cannot grow the memory (~100 KB per set at most).
 */
const AFFIX_MEMO_TEXT_MAX = 512;
const AFFIX_MEMO_CHARS = 1 << 15;
const AFFIX_MEMO_ENTRY_COST = 32;

/** Values of one shape (`lit`, `lit*`, `*lit`), lower-cased, grouped by literal length. */
class AffixSets {
  readonly exact = new Set<string>();
  readonly starts = new Map<number, Set<string>>();
  readonly ends = new Map<number, Set<string>>();
  size = 0;

  /** Take a value if it is a case-insensitive whole, prefix or suffix literal. */
  take(vm: ValueMatcher): boolean {
    if (vm.kind !== 'pattern' || vm.cased) return false;
    const parts = lowerPattern(vm.pattern).parts;
    const star = (x: unknown) => typeof x === 'object' && x !== null && (x as { wild: string }).wild === '*';
    let lit: string;
    let into: Map<number, Set<string>> | null;
    if (parts.length === 1 && typeof parts[0] === 'string') {
      this.exact.add(parts[0]);
      this.size++;
      return true;
    }
    if (parts.length !== 2) return false;
    if (typeof parts[0] === 'string' && star(parts[1])) {
      lit = parts[0];
      into = this.starts;
    } else if (star(parts[0]) && typeof parts[1] === 'string') {
      lit = parts[1];
      into = this.ends;
    } else return false;
    let set = into.get(lit.length);
    if (!set) {
      set = new Set();
      into.set(lit.length, set);
    }
    set.add(lit);
    this.size++;
    return true;
  }

  /**
   * One test for all the values: a set lookup per text and literal length. Answers for texts are
   * remembered (field values recur: the same images and paths, event after event), so a text seen
   * before costs one lookup instead of a slice and a lookup per literal length.
   */
  pred(): ValuePred {
    const exact = this.exact;
    const starts = [...this.starts].sort((a, b) => a[0] - b[0]);
    const ends = [...this.ends].sort((a, b) => a[0] - b[0]);
    const test = (s: string): boolean => {
      if (exact.has(s)) return true;
      for (const [len, set] of starts) {
        if (len > s.length) break;
        if (set.has(s.slice(0, len))) return true;
      }
      for (const [len, set] of ends) {
        if (len > s.length) break;
        if (set.has(s.slice(s.length - len))) return true;
      }
      return false;
    };
    const seen = new TextMemo<boolean>(AFFIX_MEMO_CHARS, AFFIX_MEMO_ENTRY_COST);
    return (f) => {
      const ls = lowers(f);
      for (let i = 0; i < ls.length; i++) {
        const s = ls[i] as string;
        if (s.length > AFFIX_MEMO_TEXT_MAX) {
          if (test(s)) return true;
          continue;
        }
        let hit = seen.get(s);
        if (hit === undefined) {
          hit = test(s);
          seen.set(s, hit);
        }
        if (hit) return true;
      }
      return false;
    };
  }
}

/** Below this many whole/prefix/suffix literals, one closure per value is as fast. */
const AFFIX_SET_MIN = 4;

/**
 * Predicates for the values of an OR item (not keywords): whole, prefix and suffix literals are
 * answered together by set lookups (long `endswith` lists cost a few lookups, not one test per
 * value); every other value keeps its own predicate. Alternatives (`windash`, `expand`) are
 * flattened first: they are ORs too.
 */
function affixPreds(values: readonly ValueMatcher[]): ValuePred[] {
  const leaves: ValueMatcher[] = [];
  const flat = (v: ValueMatcher): void => {
    if (v.kind === 'alt') for (const a of v.alts) flat(a);
    else leaves.push(v);
  };
  for (const v of values) flat(v);
  const sets = new AffixSets();
  const others: ValueMatcher[] = [];
  for (const v of leaves) if (!sets.take(v)) others.push(v);
  if (sets.size < AFFIX_SET_MIN) return values.map((v) => valuePred(v, false));
  return [sets.pred(), ...others.map((v) => valuePred(v, false))];
}

function compileItem(item: DetectionItem): Pred {
  const keyword = item.field === null;
  const field = item.field;
  const index = activeIndex;
  const read =
    field === null ? (view: EventView) => allTexts(view) : (view: EventView) => fieldText(view, field);
  const neg = item.negated;
  if (item.combine === 'and') {
    const parts: Pred[] = item.values.map((v) => {
      const lits = containsLiterals(v, keyword);
      if (lits) {
        const set = index.register(field, lits);
        return (view: EventView) => index.anyFound(view, set);
      }
      const p = valuePred(v, keyword);
      return (view: EventView) => p(read(view), view);
    });
    return (view) => {
      for (const p of parts) if (!p(view)) return neg;
      return !neg;
    };
  }
  const lits: string[] = [];
  const rest: ValueMatcher[] = [];
  for (const v of item.values) {
    const l = containsLiterals(v, keyword);
    if (l) lits.push(...l);
    else rest.push(v);
  }
  const ids = lits.length ? index.register(field, lits) : null;
  const preds = keyword ? rest.map((v) => valuePred(v, keyword)) : affixPreds(rest);
  if (!ids && preds.length === 1) {
    const p = preds[0] as ValuePred;
    return neg ? (view) => !p(read(view), view) : (view) => p(read(view), view);
  }
  return (view) => {
    if (ids && index.anyFound(view, ids)) return !neg;
    if (preds.length) {
      const f = read(view);
      for (const p of preds) if (p(f, view)) return !neg;
    }
    return neg;
  };
}

function compileNode(n: DetectionNode): Pred {
  if (n.kind === 'item') return compileItem(n.item);
  return combine(n.kind, n.items.map(compileNode));
}

function compileCondition(c: Condition, sel: (name: string) => Pred): Pred {
  switch (c.kind) {
    case 'id':
      return sel(c.name);
    case 'not': {
      const x = compileCondition(c.item, sel);
      return (view) => !x(view);
    }
    case 'and':
    case 'or':
      return combine(
        c.kind,
        c.items.map((x) => compileCondition(x, sel)),
      );
    case 'of': {
      if (typeof c.quant === 'number' && c.quant > 1) {
        throw new UnsupportedFeatureError(
          'n-of',
          `'${c.quant} of' (at least N, an extension) is matched by the interpreter`,
        );
      }
      return combine(c.quant === 'all' ? 'and' : 'or', c.names.map(sel));
    }
  }
}

function combine(kind: 'and' | 'or', kids: Pred[]): Pred {
  if (kids.length === 1) return kids[0] as Pred;
  if (kind === 'and') {
    return (view) => {
      for (const k of kids) if (!k(view)) return false;
      return true;
    };
  }
  return (view) => {
    for (const k of kids) if (k(view)) return true;
    return false;
  };
}

function prefilterPred(p: Prefilter, index: NeedleIndex): Pred {
  const terms = p.anyOf.map((t) => index.register(t.field, t.needles));
  if (terms.length === 1) {
    const only = terms[0] as NeedleSet;
    return (view) => index.anyFound(view, only);
  }
  return (view) => {
    for (const t of terms) if (index.anyFound(view, t)) return true;
    return false;
  };
}

export interface CompileOptions {
  /** The needle index shared by the rules compiled together (default: a process-wide one). */
  readonly needles?: NeedleIndex;
}

/** Compile a rule strictly: throws `UnsupportedFeatureError` when the fast path cannot be exact. */
export function compileRuleStrict(rule: SigmaRule, opts: CompileOptions = {}): RuleMatcher {
  const sels = new Map<string, Pred>();
  activeIndex = opts.needles ?? defaultNeedleIndex;
  for (const [name, s] of rule.detection.selections) sels.set(name, compileNode(s.node));
  const cond = compileCondition(rule.detection.condition, (name) => {
    const p = sels.get(name);
    if (!p)
      throw new UnsupportedFeatureError('identifier', `condition refers to unknown identifier '${name}'`);
    return p;
  });
  const prefilter = rulePrefilter(rule);
  const pre = prefilter ? prefilterPred(prefilter, opts.needles ?? defaultNeedleIndex) : null;
  return {
    ruleKey: ruleKey(rule),
    mode: 'compiled',
    prefilter,
    match: pre ? (view) => pre(view) && cond(view) : cond,
    matchBody: cond,
  };
}

/** Compile a rule; a rule the compiler cannot model exactly runs interpreted (never degraded). */
export function compileRule(rule: SigmaRule, opts: CompileOptions = {}): RuleMatcher {
  try {
    return compileRuleStrict(rule, opts);
  } catch (e) {
    if (!(e instanceof UnsupportedFeatureError)) throw e;
    return {
      ruleKey: ruleKey(rule),
      mode: 'interpreted',
      interpretedBecause: e.message,
      prefilter: rulePrefilter(rule),
      match: (view) => interpretRule(rule, view),
      matchBody: (view) => interpretRule(rule, view),
    };
  }
}
