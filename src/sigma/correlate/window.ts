/**
 * @module sigma/correlate/window
 * Sliding-window evaluation of one correlation over one group's matches, in event time.
 * Every match anchors a window reaching `timespan` forward (end − start ≤ timespan, inclusive);
 * aggregates are maintained incrementally as the window slides, so matches leaving the window
 * are evicted from the aggregate. See docs/correlations.md for each type's reading.
 */
import type { FieldValue } from '../../model/event.js';
import { evalExpr } from './expr.js';
import { compare } from './parse.js';
import type { BaseRuleMatch, CorrelationHit, SigmaCorrelation } from './types.js';
import { EVIDENCE_CAP } from './types.js';

/** One input of a correlation: a match, which `rules` entry it came through, its arrival order. */
export interface Item {
  m: BaseRuleMatch;
  /** `m.timeMs`, copied for the hot loops. */
  t: number;
  ref: number;
  /** The `rules` entry as written (alias maps are keyed by it). */
  refText: string;
  seq: number;
  /** value_* types: the aggregated field's value, read once (undefined: absent). */
  v?: string | number | undefined;
}

/** Stringify a field value for grouping and distinct counting. */
export function valueKey(v: FieldValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => valueKey(x) ?? '').join('\u001f');
  return String(v);
}

/** A number from a field value (decimal, float, 0x hex); undefined when not numeric. */
export function numeric(v: FieldValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
    if (/^0x[0-9a-f]{1,13}$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  }
  return undefined;
}

interface Agg {
  add(it: Item): void;
  remove(it: Item): void;
  /** The aggregate compared with the condition (NaN: no value yet). */
  value(): number;
  reset(): void;
}

function countAgg(): Agg {
  let n = 0;
  return {
    add() {
      n++;
    },
    remove() {
      n--;
    },
    value: () => n,
    reset() {
      n = 0;
    },
  };
}

function distinctAgg(): Agg {
  const counts = new Map<string | number, number>();
  return {
    add(it) {
      if (it.v === undefined) return;
      counts.set(it.v, (counts.get(it.v) ?? 0) + 1);
    },
    remove(it) {
      if (it.v === undefined) return;
      const c = (counts.get(it.v) ?? 0) - 1;
      if (c <= 0) counts.delete(it.v);
      else counts.set(it.v, c);
    },
    value: () => counts.size,
    reset: () => counts.clear(),
  };
}

function sumAgg(avg: boolean): Agg {
  let sum = 0;
  let n = 0;
  return {
    add(it) {
      if (typeof it.v !== 'number') return;
      sum += it.v;
      n++;
    },
    remove(it) {
      if (typeof it.v !== 'number') return;
      sum -= it.v;
      n--;
    },
    value: () => (avg ? (n ? sum / n : Number.NaN) : sum),
    reset() {
      sum = 0;
      n = 0;
    },
  };
}

/** Linear-interpolation percentile over a sorted multiset kept by binary insertion. */
function percentileAgg(p: number): Agg {
  const sorted: number[] = [];
  const find = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    add(it) {
      if (typeof it.v === 'number') sorted.splice(find(it.v), 0, it.v);
    },
    remove(it) {
      if (typeof it.v === 'number') sorted.splice(find(it.v), 1);
    },
    value() {
      if (!sorted.length) return Number.NaN;
      const rank = (p / 100) * (sorted.length - 1);
      const lo = Math.floor(rank);
      const hi = Math.ceil(rank);
      return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
    },
    reset() {
      sorted.length = 0;
    },
  };
}

/** temporal: how many distinct `rules` entries are present; also answers "is rule k present". */
function rulesAgg(n: number): Agg & { has(ref: number): boolean } {
  const counts = new Array<number>(n).fill(0);
  let distinct = 0;
  return {
    add(it) {
      if (counts[it.ref]!++ === 0) distinct++;
    },
    remove(it) {
      if (--counts[it.ref]! === 0) distinct--;
    },
    value: () => distinct,
    reset() {
      counts.fill(0);
      distinct = 0;
    },
    has: (ref) => (counts[ref] ?? 0) > 0,
  };
}

function makeAgg(c: SigmaCorrelation): Agg {
  switch (c.type) {
    case 'event_count':
      return countAgg();
    case 'value_count':
      return distinctAgg();
    case 'value_sum':
      return sumAgg(false);
    case 'value_avg':
      return sumAgg(true);
    case 'value_median':
      return percentileAgg(50);
    case 'value_percentile':
      return percentileAgg(c.condition.percentile ?? 50);
    default:
      return rulesAgg(c.rules.length);
  }
}

function temporalHolds(c: SigmaCorrelation, agg: Agg & { has?: (r: number) => boolean }): boolean {
  const cond = c.condition;
  if (cond.expression) {
    const has = agg.has!;
    return evalExpr(cond.expression, (name) => {
      const ref = c.rules.indexOf(name);
      return ref >= 0 && has(ref);
    });
  }
  if (cond.comparisons.length) return compare(agg.value(), cond.comparisons);
  return agg.value() === c.rules.length;
}

function holds(c: SigmaCorrelation, agg: Agg): boolean {
  if (c.type === 'temporal') return temporalHolds(c, agg);
  const v = agg.value();
  return !Number.isNaN(v) && compare(v, c.condition.comparisons);
}

function hit(
  c: SigmaCorrelation,
  group: Record<string, string>,
  items: readonly Item[],
  triggerMs: number,
  value: number,
): CorrelationHit {
  return {
    correlation: c,
    group,
    matches: items.slice(0, EVIDENCE_CAP).map((it) => it.m),
    matchCount: items.length,
    startMs: items[0]!.t,
    endMs: items[items.length - 1]!.t,
    triggerMs,
    value,
  };
}

/**
 * Hits of one correlation over one group's items (sorted by time, then arrival). Each item
 * anchors the window [t, t + timespan]; when the window's aggregate satisfies the condition a hit
 * is emitted for the whole window and scanning resumes after it, so one burst gives one hit.
 */
export function scanGroup(
  c: SigmaCorrelation,
  items: readonly Item[],
  group: Record<string, string>,
): CorrelationHit[] {
  if (c.type === 'temporal_ordered') return scanOrdered(c, items, group);
  if (c.type === 'value_percentile' && c.condition.percentile === undefined)
    return scanRarity(c, items, group);
  const out: CorrelationHit[] = [];
  const span = c.timespanMs;
  const agg = makeAgg(c);
  let j = -1; // last index inside the window
  for (let i = 0; i < items.length; i++) {
    const t0 = items[i]!.t;
    if (j < i) {
      agg.reset();
      j = i - 1;
    }
    while (j + 1 < items.length && items[j + 1]!.t - t0 <= span) agg.add(items[++j]!);
    if (holds(c, agg)) {
      const win = items.slice(i, j + 1);
      out.push(hit(c, group, win, triggerTime(c, win), agg.value()));
      agg.reset();
      i = j; // resume after the window (loop adds 1)
      continue;
    }
    agg.remove(items[i]!);
  }
  return out;
}

/** When the condition first held, growing the window from its anchor. */
function triggerTime(c: SigmaCorrelation, win: readonly Item[]): number {
  const agg = makeAgg(c);
  for (const it of win) {
    agg.add(it);
    if (holds(c, agg)) return it.t;
  }
  return win[win.length - 1]!.t;
}

/**
 * temporal_ordered: every step in order. Anchored at each match of the first rule, the earliest
 * match of step k+1 strictly after step k's (by time, then arrival) is taken, within the window.
 * Greedy earliest choice finds an ordered sequence whenever one exists in the window.
 */
function scanOrdered(
  c: SigmaCorrelation,
  items: readonly Item[],
  group: Record<string, string>,
): CorrelationHit[] {
  const out: CorrelationHit[] = [];
  const n = c.rules.length;
  const need = c.condition.comparisons;
  for (let i = 0; i < items.length; i++) {
    if (items[i]!.ref !== 0) continue;
    const t0 = items[i]!.t;
    const steps: Item[] = [items[i]!];
    for (let j = i + 1; j < items.length && steps.length < n; j++) {
      const it = items[j]!;
      if (it.t - t0 > c.timespanMs) break;
      if (it.ref === steps.length) steps.push(it);
    }
    const ok = need.length ? compare(steps.length, need) : steps.length === n;
    if (!ok) continue;
    const last = steps[steps.length - 1]!;
    out.push(hit(c, group, steps, last.t, steps.length));
    i = items.indexOf(last, i);
  }
  return out;
}

/**
 * value_percentile without `percentile` (the spec example's reading): within each window, each
 * distinct value's share of the window's values, in percent, is compared with the condition
 * ("lte: 1" = rarer than 1 %). A hit per (group, value), reported once, with the value in `group`.
 */
function scanRarity(
  c: SigmaCorrelation,
  items: readonly Item[],
  group: Record<string, string>,
): CorrelationHit[] {
  const out: CorrelationHit[] = [];
  const field = c.condition.field?.join(',') ?? 'value';
  const counts = new Map<string | number, number>();
  let total = 0;
  const reported = new Set<string | number>();
  let j = -1;
  for (let i = 0; i < items.length; i++) {
    const t0 = items[i]!.t;
    while (j + 1 < items.length && items[j + 1]!.t - t0 <= c.timespanMs) {
      const it = items[++j]!;
      if (it.v === undefined) continue;
      counts.set(it.v, (counts.get(it.v) ?? 0) + 1);
      total++;
    }
    for (const [v, n] of counts) {
      if (reported.has(v)) continue;
      const share = (n / total) * 100;
      if (!compare(share, c.condition.comparisons)) continue;
      reported.add(v);
      const win = items.slice(i, j + 1).filter((it) => it.v === v);
      out.push(hit(c, { ...group, [field]: String(v) }, win, win[win.length - 1]!.t, share));
    }
    const first = items[i]!;
    if (first.v !== undefined) {
      const n = (counts.get(first.v) ?? 0) - 1;
      if (n <= 0) counts.delete(first.v);
      else counts.set(first.v, n);
      total--;
    }
  }
  return out;
}
