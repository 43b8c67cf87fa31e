/**
 * @module sigma/compile/needles
 * A multi-pattern substring index over the prefilter needles of every compiled rule, per field:
 * each field's lower-case text is scanned once per event (a bigram table locates candidate
 * needles, each confirmed with `startsWith`), and a rule's prefilter then costs a few array reads
 * instead of one `includes` per needle. Results are stamped with the memo's event generation, so
 * nothing is cleared or allocated per event.
 */
import type { EventView } from '../view.js';
import { allTexts, fieldText, lowers, memoGeneration } from './memo.js';

const TABLE = 1 << 16;
const COMMON = new Set([
  ' ',
  '\\',
  '/',
  '.',
  '-',
  ':',
  '_',
  'e',
  'a',
  'i',
  'o',
  's',
  't',
  'n',
  'r',
  'c',
  'l',
  'x',
]);

const hash2 = (a: number, b: number): number => ((a & 0xff) << 8) | (b & 0xff);
const hash3 = (a: number, b: number, c: number): number => (a * 961 + b * 31 + c) & (TABLE - 1);

export class FieldNeedles {
  readonly needles: string[] = [];
  readonly ids = new Map<string, number>();
  private built = 0;
  private heads2 = new Int32Array(0);
  private heads3 = new Int32Array(0);
  private has2 = false;
  private next = new Int32Array(0);
  private offs = new Int32Array(0);
  private stamp = new Int32Array(0);
  private scannedGen = -1;
  /** Ids found by the last scan (the first `foundCount` entries). */
  found = new Int32Array(16);
  foundCount = 0;

  add(needle: string): number {
    let id = this.ids.get(needle);
    if (id === undefined) {
      id = this.needles.length;
      this.needles.push(needle);
      this.ids.set(needle, id);
    }
    return id;
  }

  private build(): void {
    const n = this.needles.length;
    // Needles of 3+ characters are keyed by their least loaded trigram, 2-character ones by
    // their bigram; every candidate is confirmed with startsWith.
    this.heads3 = new Int32Array(TABLE).fill(-1);
    this.heads2 = new Int32Array(TABLE).fill(-1);
    this.has2 = false;
    this.next = new Int32Array(n).fill(-1);
    this.offs = new Int32Array(n);
    const stamp = new Int32Array(n).fill(-1);
    stamp.set(this.stamp.subarray(0, Math.min(this.stamp.length, n)));
    this.stamp = stamp;
    const load = new Uint16Array(TABLE);
    for (let id = 0; id < n; id++) {
      const s = this.needles[id] as string;
      if (s.length === 2) {
        const h = hash2(s.charCodeAt(0), s.charCodeAt(1));
        this.next[id] = this.heads2[h] as number;
        this.heads2[h] = id;
        this.has2 = true;
        continue;
      }
      let best = 0;
      let bestCost = Number.POSITIVE_INFINITY;
      for (let k = 0; k + 2 < s.length; k++) {
        const h = hash3(s.charCodeAt(k), s.charCodeAt(k + 1), s.charCodeAt(k + 2));
        let cost = (load[h] as number) * 8;
        for (let j = k; j < k + 3; j++) if (COMMON.has(s[j] as string)) cost++;
        if (cost < bestCost) {
          bestCost = cost;
          best = k;
        }
      }
      const h = hash3(s.charCodeAt(best), s.charCodeAt(best + 1), s.charCodeAt(best + 2));
      load[h] = Math.min(0xffff, (load[h] as number) + 1);
      this.offs[id] = best;
      this.next[id] = this.heads3[h] as number;
      this.heads3[h] = id;
    }
    this.built = n;
    this.scannedGen = -1;
  }

  /** Scan the field's texts for the current event (once per event generation). */
  scan(texts: readonly string[], gen: number): void {
    if (this.scannedGen === gen) return;
    if (this.built !== this.needles.length) this.build();
    this.scannedGen = gen;
    this.foundCount = 0;
    const { heads2, heads3, has2, next, offs, stamp, needles } = this;
    for (const s of texts) {
      const len = s.length;
      for (let i = 0; i + 1 < len; i++) {
        const a = s.charCodeAt(i);
        const b = s.charCodeAt(i + 1);
        if (has2) {
          for (let k = heads2[hash2(a, b)] as number; k >= 0; k = next[k] as number) {
            if (stamp[k] !== gen && s.startsWith(needles[k] as string, i)) this.mark(k, gen);
          }
        }
        if (i + 2 >= len) continue;
        for (let k = heads3[hash3(a, b, s.charCodeAt(i + 2))] as number; k >= 0; k = next[k] as number) {
          if (stamp[k] === gen) continue;
          const start = i - (offs[k] as number);
          const nd = needles[k] as string;
          if (start >= 0 && start + nd.length <= len && s.startsWith(nd, start)) this.mark(k, gen);
        }
      }
    }
  }

  private mark(id: number, gen: number): void {
    this.stamp[id] = gen;
    if (this.foundCount === this.found.length) {
      const bigger = new Int32Array(this.found.length * 2);
      bigger.set(this.found);
      this.found = bigger;
    }
    this.found[this.foundCount++] = id;
  }

  scannedFor(gen: number): boolean {
    return this.scannedGen === gen && this.built === this.needles.length;
  }

  has(id: number, gen: number): boolean {
    return this.stamp[id] === gen;
  }
}

/** A registered group of needles: which field they belong to and their ids. */
export interface NeedleSet {
  readonly field: string | null;
  readonly ids: Int32Array;
  /** @internal */
  readonly table: FieldNeedles;
}

/** Needles of many rules, per field; `null` field = every value (keywords). */
export class NeedleIndex {
  private readonly fields = new Map<string | null, FieldNeedles>();

  /** Register needles for a field. */
  register(field: string | null, needles: readonly string[]): NeedleSet {
    let f = this.fields.get(field);
    if (!f) {
      f = new FieldNeedles();
      this.fields.set(field, f);
    }
    const table = f;
    return { field, ids: Int32Array.from(needles.map((n) => table.add(n))), table };
  }

  /** Whether the field's text (lower-cased) contains any of the set's needles, for the view's event. */
  anyFound(view: EventView, set: NeedleSet): boolean {
    const f = set.table;
    const gen = memoGeneration(view);
    if (!f.scannedFor(gen))
      f.scan(lowers(set.field === null ? allTexts(view) : fieldText(view, set.field)), gen);
    const ids = set.ids;
    for (let i = 0; i < ids.length; i++) if (f.has(ids[i] as number, gen)) return true;
    return false;
  }

  /** Make sure the set's field is scanned for the view's event; returns the event generation. */
  ensureScanned(view: EventView, set: NeedleSet): number {
    const gen = memoGeneration(view);
    if (!set.table.scannedFor(gen)) {
      set.table.scan(lowers(set.field === null ? allTexts(view) : fieldText(view, set.field)), gen);
    }
    return gen;
  }

  /** Number of distinct needles per field (for reports and tests). */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.fields) out[k ?? '(keywords)'] = v.needles.length;
    return out;
  }
}

/** The index compiled rules share unless given their own. */
export const defaultNeedleIndex = new NeedleIndex();
