/**
 * @module sigma/compile/prefilter
 * A rule's literal prefilter: alternatives of a field (or every value, for keywords) and lower-case
 * needles such that the rule can only match an event where one field contains one of its needles. It is a
 * necessary condition derived from positive (un-negated) string patterns, so checking it first
 * never changes a result; engines can also index rules by it.
 */
import { regexNeedle } from '../modifiers/regex.js';
import type {
  Condition,
  DetectionItem,
  DetectionNode,
  SigmaRule,
  StrPart,
  ValueMatcher,
} from '../rule/types.js';

/** One alternative of a prefilter: a field (null = any value, for keywords) and its needles. */
export interface PrefilterTerm {
  readonly field: string | null;
  /** Lower-case substrings; the term holds when the field contains at least one. */
  readonly needles: readonly string[];
}

/** The rule can match only if at least one term holds. */
export interface Prefilter {
  readonly anyOf: readonly PrefilterTerm[];
}

/**
 * Shortest usable needle. The needle scan costs the same whatever its needles (one automaton step
 * per character), so even a one-character literal (`^`, an emoji half, a homoglyph) is worth
 * indexing: a rule it filters runs only when the character occurs.
 */
export const MIN_NEEDLE = 1;

function longestLiteral(parts: readonly StrPart[]): string {
  let best = '';
  for (const p of parts) if (typeof p === 'string' && p.length > best.length) best = p;
  return best;
}

function valueNeedles(v: ValueMatcher): string[] | null {
  if (v.kind === 'pattern') {
    // Case-sensitive patterns: lower-casing is context-dependent (final sigma), so no needle.
    if (v.cased) return null;
    const lit = longestLiteral(v.pattern.parts).toLowerCase();
    return lit.length ? [lit] : null;
  }
  if (v.kind === 're') {
    const lit = regexNeedle(v.source);
    return lit ? [lit] : null;
  }
  if (v.kind === 'alt') {
    const out: string[] = [];
    for (const a of v.alts) {
      const n = valueNeedles(a);
      if (!n) return null;
      out.push(...n);
    }
    return out.length ? out : null;
  }
  return null;
}

function score(p: Prefilter): number {
  let min = Number.POSITIVE_INFINITY;
  let count = 0;
  for (const t of p.anyOf) {
    for (const n of t.needles) min = Math.min(min, n.length);
    count += t.needles.length;
  }
  return Math.min(min, 64) * 100_000 - count;
}

function best(cands: Array<Prefilter | null>): Prefilter | null {
  let out: Prefilter | null = null;
  for (const c of cands) if (c && (!out || score(c) > score(out))) out = c;
  return out;
}

function union(cands: Array<Prefilter | null>): Prefilter | null {
  if (cands.length === 0) return null;
  const byField = new Map<string | null, Set<string>>();
  for (const c of cands) {
    if (!c) return null;
    for (const t of c.anyOf) {
      let set = byField.get(t.field);
      if (!set) {
        set = new Set();
        byField.set(t.field, set);
      }
      for (const n of t.needles) set.add(n);
    }
  }
  return { anyOf: [...byField].map(([field, set]) => ({ field, needles: [...set] })) };
}

function term(field: string | null, needles: string[]): Prefilter {
  return { anyOf: [{ field, needles: [...new Set(needles)] }] };
}

/**
 * How necessary conditions combine: under `and` one child's condition is enough (the best one, or
 * all of them intersected), under `or` every child must have one (they are united). Both the
 * literal prefilter and the pinned EventIDs are folded over a rule's condition this way.
 */
interface Necessary<T> {
  and(children: Array<T | null>): T | null;
  or(children: Array<T | null>): T | null;
}

function foldNode<T>(n: DetectionNode, item: (it: DetectionItem) => T | null, k: Necessary<T>): T | null {
  if (n.kind === 'and') return k.and(n.items.map((x) => foldNode(x, item, k)));
  if (n.kind === 'or') return k.or(n.items.map((x) => foldNode(x, item, k)));
  return item(n.item);
}

function foldCondition<T>(c: Condition, sel: (n: string) => T | null, k: Necessary<T>): T | null {
  switch (c.kind) {
    case 'id':
      return sel(c.name);
    case 'not':
      return null;
    case 'and':
      return k.and(c.items.map((x) => foldCondition(x, sel, k)));
    case 'or':
      return k.or(c.items.map((x) => foldCondition(x, sel, k)));
    case 'of':
      return c.quant === 'all' ? k.and(c.names.map(sel)) : k.or(c.names.map(sel));
  }
}

/** A necessary condition of the whole rule (each selection folded once). */
function foldRule<T>(
  rule: Pick<SigmaRule, 'detection'>,
  item: (it: DetectionItem) => T | null,
  k: Necessary<T>,
): T | null {
  const cache = new Map<string, T | null>();
  const sel = (name: string): T | null => {
    if (!cache.has(name)) {
      const s = rule.detection.selections.get(name);
      cache.set(name, s ? foldNode(s.node, item, k) : null);
    }
    return cache.get(name) ?? null;
  };
  return foldCondition(rule.detection.condition, sel, k);
}

function itemPrefilter(it: DetectionItem): Prefilter | null {
  if (it.negated || it.values.length === 0) return null;
  const per = it.values.map(valueNeedles);
  if (it.combine === 'and') return best(per.map((needles) => (needles ? term(it.field, needles) : null)));
  const all: string[] = [];
  for (const p of per) {
    if (!p) return null;
    all.push(...p);
  }
  return term(it.field, all);
}

/** The rule's prefilter, or null when no useful necessary literal exists. */
export function rulePrefilter(rule: Pick<SigmaRule, 'detection'>): Prefilter | null {
  const p = foldRule(rule, itemPrefilter, { and: best, or: union });
  if (!p || p.anyOf.length === 0) return null;
  for (const t of p.anyOf)
    if (t.needles.length === 0 || t.needles.some((n) => n.length < MIN_NEEDLE)) return null;
  return p;
}

/** A value that equals exactly one canonical decimal integer (`4624`), else null. */
function eventIdValue(v: ValueMatcher): number | null {
  if (v.kind !== 'pattern') return null;
  let text = '';
  for (const p of v.pattern.parts) {
    if (typeof p !== 'string') return null;
    text += p;
  }
  return /^(0|[1-9]\d{0,9})$/.test(text) ? Number(text) : null;
}

function intersect(sets: Array<Set<number> | null>): Set<number> | null {
  let out: Set<number> | null = null;
  for (const s of sets) {
    if (!s) continue;
    if (out === null) out = new Set(s);
    else for (const x of [...out]) if (!s.has(x)) out.delete(x);
  }
  return out;
}

function unite(sets: Array<Set<number> | null>): Set<number> | null {
  if (sets.length === 0) return null;
  const out = new Set<number>();
  for (const s of sets) {
    if (!s) return null;
    for (const x of s) out.add(x);
  }
  return out;
}

function itemEventIds(it: DetectionItem): Set<number> | null {
  if (it.field !== 'EventID' || it.negated || it.values.length === 0) return null;
  if (it.combine === 'and' && it.values.length > 1) {
    return intersect(it.values.map((v) => eventIdSet(eventIdValue(v))));
  }
  const out = new Set<number>();
  for (const v of it.values) {
    const id = eventIdValue(v);
    if (id === null) return null;
    out.add(id);
  }
  return out;
}

function eventIdSet(id: number | null): Set<number> | null {
  return id === null ? null : new Set([id]);
}

/**
 * The `EventID` values a rule can match at most, when its detection pins them (a necessary
 * condition, like the prefilter): the `EventID` field must equal one of them. Null when the rule
 * does not pin its EventIDs; empty when no event can satisfy it. Engines route rules by it.
 */
export function ruleEventIds(rule: Pick<SigmaRule, 'detection'>): number[] | null {
  const ids = foldRule(rule, itemEventIds, { and: intersect, or: unite });
  return ids ? [...ids].sort((a, b) => a - b) : null;
}
