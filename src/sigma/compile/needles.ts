/**
 * @module sigma/compile/needles
 * A multi-pattern substring index over the (lower-case) needles of every compiled rule, per
 * field: each field's text is scanned once per event, case-insensitively, and a rule's `contains`
 * test or prefilter then costs a few array reads instead of one `includes` per needle. Results are
 * stamped with the memo's event generation, so nothing is cleared per event; recurring texts take
 * their needles from a small per-field cache.
 *
 * The scanner is an Aho–Corasick automaton in typed arrays. States are numbered breadth-first;
 * the shallow ones (where a scan spends nearly all its time) have dense rows over the ASCII
 * characters the needles use, with failure transitions folded in, so one array read moves the
 * scan. Deeper states, and characters outside ASCII, keep only their trie edges and follow
 * failure links. Memory is bounded per field by `DENSE_CELLS`.
 */
import { serialize } from 'node:v8';
import { pruneCacheEntries, readCachedValue, writeCacheEntry } from '../../core/disk-cache.js';
import { TextMemo } from '../../core/text-memo.js';
import { cacheKey } from '../cache-key.js';
import type { EventView } from '../view.js';
import type { FieldText } from './memo.js';
import { allTexts, fieldText, memoGeneration } from './memo.js';

/** Upper bound on dense-row cells (Int32) per field: 1 MiB. */
const DENSE_CELLS = 1 << 18;

/** An automaton's tables as plain data (for the on-disk cache). */
interface AutomatonParts {
  ascii: Uint8Array;
  wide: Map<number, number>;
  denseWidth: number;
  denseStates: number;
  dense: Int32Array;
  edgeStart: Int32Array;
  edgeClass: Int32Array;
  edgeTarget: Int32Array;
  fail: Int32Array;
  outStart: Int32Array;
  outIds: Int32Array;
}

/** The automaton of one field's needles (immutable once built). */
class Automaton {
  /** ASCII code → dense class (0: a character no needle uses; at most 129 classes). */
  readonly ascii: Uint8Array = new Uint8Array(128);
  /** Other characters the needles use → class (≥ `denseWidth`). */
  readonly wide = new Map<number, number>();
  readonly denseWidth: number;
  /** States `0 .. denseStates - 1` have rows in `dense` (`denseWidth` cells each). */
  readonly denseStates: number;
  readonly dense: Int32Array;
  /** Trie edges of state s: `edgeClass/edgeTarget[edgeStart[s] .. edgeStart[s + 1])`. */
  readonly edgeStart: Int32Array;
  readonly edgeClass: Int32Array;
  readonly edgeTarget: Int32Array;
  readonly fail: Int32Array;
  /** Needle ids ending at state s (via failure links too): `outIds[outStart[s] .. outStart[s + 1])`. */
  readonly outStart: Int32Array;
  readonly outIds: Int32Array;

  /** Build the automaton of `needles`, or take the tables `from` a cached build of the same needles. */
  constructor(needles: readonly string[], denseCells: number, from?: AutomatonParts) {
    if (from) {
      this.ascii = from.ascii;
      this.wide = from.wide;
      this.denseWidth = from.denseWidth;
      this.denseStates = from.denseStates;
      this.dense = from.dense;
      this.edgeStart = from.edgeStart;
      this.edgeClass = from.edgeClass;
      this.edgeTarget = from.edgeTarget;
      this.fail = from.fail;
      this.outStart = from.outStart;
      this.outIds = from.outIds;
      return;
    }
    // Classes: ASCII characters first (dense), then the rest.
    let width = 1;
    for (const n of needles)
      for (let i = 0; i < n.length; i++) {
        const c = n.charCodeAt(i);
        if (c < 128 && this.ascii[c] === 0) this.ascii[c] = width++;
      }
    this.denseWidth = width;
    // ASCII upper case reads as lower case (needles are lower-case): ASCII text is scanned as it
    // is, without a lower-cased copy.
    for (let c = 65; c <= 90; c++) this.ascii[c] = this.ascii[c + 32] as number;
    let next = width;
    for (const n of needles)
      for (let i = 0; i < n.length; i++) {
        const c = n.charCodeAt(i);
        if (c >= 128 && !this.wide.has(c)) this.wide.set(c, next++);
      }
    // The trie, built from the needles in sorted order: a needle shares its path with the one
    // before it up to their common prefix (classes map characters one to one, as needles are
    // lower-case), so no lookup by (state, class) is needed. Edges are kept in creation order.
    const edgeFrom: number[] = [];
    const edgeCls: number[] = [];
    const edgeTo: number[] = [];
    const endState = new Int32Array(needles.length);
    const sorted = needles.map((_, id) => id);
    sorted.sort((a, b) => {
      const x = needles[a] as string;
      const y = needles[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    /** `path[d]`: the state after the first `d` characters of the previous needle. */
    const path = [0];
    let prev = '';
    let states = 1;
    for (const id of sorted) {
      const needle = needles[id] as string;
      const common = Math.min(prev.length, needle.length);
      let d = 0;
      while (d < common && prev.charCodeAt(d) === needle.charCodeAt(d)) d++;
      let st = path[d] as number;
      for (let i = d; i < needle.length; i++) {
        const t = states++;
        edgeFrom.push(st);
        edgeCls.push(this.classOf(needle.charCodeAt(i)));
        edgeTo.push(t);
        st = t;
        path[i + 1] = t;
      }
      endState[id] = st;
      prev = needle;
    }
    const n = states;
    // Children per state (creation numbering), then a breadth-first renumbering.
    const firstKid = new Int32Array(n + 1);
    for (const f of edgeFrom) (firstKid[f + 1] as number)++;
    for (let i = 0; i < n; i++) firstKid[i + 1] = (firstKid[i + 1] as number) + (firstKid[i] as number);
    const kidAt = new Int32Array(edgeFrom.length);
    const fillAt = firstKid.slice(0, n);
    for (let e = 0; e < edgeFrom.length; e++) {
      const f = edgeFrom[e] as number;
      kidAt[fillAt[f] as number] = e;
      fillAt[f] = (fillAt[f] as number) + 1;
    }
    const order = new Int32Array(n);
    const renum = new Int32Array(n);
    let tail = 1;
    for (let q = 0; q < n; q++) {
      const old = order[q] as number;
      renum[old] = q;
      for (let j = firstKid[old] as number; j < (firstKid[old + 1] as number); j++) {
        order[tail++] = edgeTo[kidAt[j] as number] as number;
      }
    }
    this.edgeStart = new Int32Array(n + 1);
    this.edgeClass = new Int32Array(edgeFrom.length);
    this.edgeTarget = new Int32Array(edgeFrom.length);
    let edges = 0;
    for (let s2 = 0; s2 < n; s2++) {
      this.edgeStart[s2] = edges;
      const old = order[s2] as number;
      for (let j = firstKid[old] as number; j < (firstKid[old + 1] as number); j++) {
        const e = kidAt[j] as number;
        this.edgeClass[edges] = edgeCls[e] as number;
        this.edgeTarget[edges] = renum[edgeTo[e] as number] as number;
        edges++;
      }
    }
    this.edgeStart[n] = edges;
    // Failure links and dense rows in one breadth-first pass: a state's failure state is
    // shallower, so numbered lower and complete (link and row) by the time it is needed. A dense
    // row is its failure state's row with the state's own edges written over it.
    this.fail = new Int32Array(n);
    this.denseStates = Math.max(1, Math.min(n, Math.floor(denseCells / width)));
    const dense = new Int32Array(this.denseStates * width);
    this.dense = dense;
    const { edgeStart, edgeClass, edgeTarget, fail } = this;
    const denseStates = this.denseStates;
    for (let st = 0; st < n; st++) {
      if (st < denseStates) {
        const row = st * width;
        if (st > 0) {
          const from = (fail[st] as number) * width;
          dense.copyWithin(row, from, from + width);
        }
        for (let e = edgeStart[st] as number; e < (edgeStart[st + 1] as number); e++) {
          const k = edgeClass[e] as number;
          if (k < width) dense[row + k] = edgeTarget[e] as number;
        }
      }
      if (st === 0) continue; // the root's children fail to the root
      for (let e = edgeStart[st] as number; e < (edgeStart[st + 1] as number); e++) {
        const k = edgeClass[e] as number;
        let f = fail[st] as number;
        let g = -1;
        for (;;) {
          if (k < width && f < denseStates) {
            g = dense[f * width + k] as number;
            break;
          }
          g = this.edge(f, k);
          if (g >= 0 || f === 0) break;
          f = fail[f] as number;
        }
        fail[edgeTarget[e] as number] = Math.max(g, 0);
      }
    }
    // Outputs: a state's own needles, then its failure state's (already complete).
    const own = new Int32Array(n + 1);
    for (let id = 0; id < needles.length; id++) {
      const st = renum[endState[id] as number] as number;
      own[st] = (own[st] as number) + 1;
    }
    this.outStart = new Int32Array(n + 1);
    for (let st = 0; st < n; st++) {
      const inherited =
        st === 0
          ? 0
          : (this.outStart[(this.fail[st] as number) + 1] as number) -
            (this.outStart[this.fail[st] as number] as number);
      this.outStart[st + 1] = (this.outStart[st] as number) + (own[st] as number) + inherited;
    }
    this.outIds = new Int32Array(this.outStart[n] as number);
    const ownFill = this.outStart.slice(0, n);
    for (let id = 0; id < needles.length; id++) {
      const st = renum[endState[id] as number] as number;
      this.outIds[ownFill[st] as number] = id;
      ownFill[st] = (ownFill[st] as number) + 1;
    }
    for (let st = 1; st < n; st++) {
      const f = this.fail[st] as number;
      const from = this.outStart[f] as number;
      const to = this.outStart[f + 1] as number;
      if (to > from) this.outIds.copyWithin(ownFill[st] as number, from, to);
    }
    // Dense entries carry whether needles end in the state they lead to (see `encode`).
    for (let i = 0; i < dense.length; i++) dense[i] = this.encode(dense[i] as number);
  }

  /** The tables as plain data (they are shared, not copied: the automaton never changes them). */
  parts(): AutomatonParts {
    const { ascii, wide, denseWidth, denseStates, dense, edgeStart, edgeClass, edgeTarget } = this;
    const { fail, outStart, outIds } = this;
    return {
      ascii,
      wide,
      denseWidth,
      denseStates,
      dense,
      edgeStart,
      edgeClass,
      edgeTarget,
      fail,
      outStart,
      outIds,
    };
  }

  /** A dense entry: the state, bitwise negated when needles end there (the scan checks the sign). */
  private encode(st: number): number {
    return this.outStart[st] === this.outStart[st + 1] ? st : ~st;
  }

  classOf(c: number): number {
    return c < 128 ? (this.ascii[c] as number) : (this.wide.get(c) ?? 0);
  }

  /** The trie edge of `s` on class `k`, or -1. */
  edge(s: number, k: number): number {
    const end = this.edgeStart[s + 1] as number;
    for (let e = this.edgeStart[s] as number; e < end; e++) {
      if (this.edgeClass[e] === k) return this.edgeTarget[e] as number;
    }
    return -1;
  }

  /** The state after reading class `k` in state `s`. */
  step(s: number, k: number): number {
    if (k === 0) return 0;
    const w = this.denseWidth;
    for (;;) {
      if (k < w && s < this.denseStates) {
        const v = this.dense[s * w + k] as number;
        return v < 0 ? ~v : v;
      }
      const t = this.edge(s, k);
      if (t >= 0) return t;
      if (s === 0) return 0;
      s = this.fail[s] as number;
    }
  }
}

/** Whether every index in `a` lies in `[0, limit)`. */
function inRange(a: Int32Array, limit: number): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v < 0 || v >= limit) return false;
  }
  return true;
}

/** Whether `a` is a non-decreasing offset table from 0 to `end` (`count + 1` entries). */
function offsets(a: unknown, count: number, end: number): a is Int32Array {
  if (!(a instanceof Int32Array) || a.length !== count + 1 || a[0] !== 0 || a[count] !== end) return false;
  for (let i = 0; i < count; i++) if ((a[i] as number) > (a[i + 1] as number)) return false;
  return true;
}

/**
 * Whether cached tables are a well-formed automaton over `needles` needles: every table has the
 * size the others imply and every state, class and needle id is in range, so a damaged cache file
 * can neither crash a scan nor send it out of its tables.
 */
function validParts(v: unknown, needles: number): v is AutomatonParts {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<AutomatonParts>;
  const { ascii, wide, denseWidth, denseStates, dense, edgeClass, edgeTarget, fail, outIds } = p;
  if (!(ascii instanceof Uint8Array) || ascii.length !== 128 || !(wide instanceof Map)) return false;
  if (!(fail instanceof Int32Array) || !(dense instanceof Int32Array)) return false;
  if (
    !(edgeClass instanceof Int32Array) ||
    !(edgeTarget instanceof Int32Array) ||
    !(outIds instanceof Int32Array)
  )
    return false;
  const n = fail.length;
  if (!Number.isInteger(denseWidth) || !Number.isInteger(denseStates)) return false;
  const w = denseWidth as number;
  const ds = denseStates as number;
  if (n < 1 || w < 1 || w > 129 || ds < 1 || ds > n || dense.length !== ds * w) return false;
  if (edgeClass.length !== edgeTarget.length || !offsets(p.edgeStart, n, edgeClass.length)) return false;
  if (!offsets(p.outStart, n, outIds.length)) return false;
  let classes = w;
  for (const [c, k] of wide) {
    if (!Number.isInteger(c) || !Number.isInteger(k) || k < w) return false;
    classes = Math.max(classes, k + 1);
  }
  for (let c = 0; c < 128; c++) if ((ascii[c] as number) >= w) return false;
  for (let i = 0; i < dense.length; i++) {
    const v = dense[i] as number;
    if ((v < 0 ? ~v : v) >= n) return false;
  }
  return (
    inRange(edgeClass, classes) && inRange(edgeTarget, n) && inRange(fail, n) && inRange(outIds, needles)
  );
}

const AUTOMATON_PREFIX = 'needles-';
/** Automata kept: a rule set has about 150 fields (SigmaHQ Windows: 134, ~24 MB), so about two sets. */
const AUTOMATON_KEEP = 300;

/** The cache key of the automaton of `needles` (in order) built by this build of Fathom. */
function automatonKey(needles: readonly string[], denseCells: number): string {
  return cacheKey(['needles 1', String(denseCells), JSON.stringify(needles)]);
}

/** A copy of `a` with twice the room. */
function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Texts shorter or longer than these are scanned every time, never cached. */
const CACHE_TEXT_MIN = 24;
const CACHE_TEXT_MAX = 1024;
/** Characters of cached texts per field before the cache starts over (bounds its memory). */
const CACHE_CHARS_MAX = 1 << 18;
const NONE = new Int32Array(0);

export class FieldNeedles {
  /** @param denseCells bound on the dense rows (tests lower it to exercise the sparse states). */
  constructor(private readonly denseCells = DENSE_CELLS) {}
  readonly needles: string[] = [];
  readonly ids = new Map<string, number>();
  private automaton: Automaton | null = null;
  private stamp = new Int32Array(0);
  private scannedGen = -1;
  /** Ids found by the last scan (the first `foundCount` entries). */
  found = new Int32Array(16);
  foundCount = 0;
  /** Distinct ids found in one text (`scanText`), deduplicated with `textStamp`/`textGen`. */
  private textIds = new Int32Array(16);
  private textCount = 0;
  private textStamp = new Int32Array(0);
  private textGen = 0;
  /**
   * The ids found in a raw text, by text. Field values recur heavily in event logs (the same
   * images, users, command lines, directories), so most texts are looked up, not scanned.
   */
  private readonly cache = new TextMemo<Int32Array>(CACHE_CHARS_MAX, 16);

  /** Register a lower-case needle (ASCII upper case in it could never be found). */
  add(needle: string): number {
    if (/[A-Z]/.test(needle)) throw new Error(`needle must be lower-case: ${JSON.stringify(needle)}`);
    let id = this.ids.get(needle);
    if (id === undefined) {
      id = this.needles.length;
      this.needles.push(needle);
      this.ids.set(needle, id);
      this.automaton = null;
    }
    return id;
  }

  /**
   * Build the automaton now (else the first scan does); with `cacheDir`, take it from the cache
   * there when these needles were built before, else store it there (`NeedleIndex.prepareAll`
   * keeps the cache bounded).
   */
  prepare(cacheDir?: string): void {
    if (!this.automaton) this.build(cacheDir);
  }

  /** How the current automaton was made: built here, read from the cache, or built and stored. */
  automatonSource: 'built' | 'cache' | 'stored' | null = null;

  /** The automaton of the current needles, from the cache in `cacheDir` when it has them. */
  private compile(cacheDir: string | undefined): Automaton {
    this.automatonSource = 'built';
    if (!cacheDir) return new Automaton(this.needles, this.denseCells);
    const key = automatonKey(this.needles, this.denseCells);
    const needles = this.needles.length;
    const cached = readCachedValue(cacheDir, AUTOMATON_PREFIX, key, (v): v is AutomatonParts =>
      validParts(v, needles),
    );
    if (cached) {
      this.automatonSource = 'cache';
      return new Automaton(this.needles, this.denseCells, cached.value);
    }
    const a = new Automaton(this.needles, this.denseCells);
    if (writeCacheEntry(cacheDir, AUTOMATON_PREFIX, key, serialize(a.parts())) === null)
      this.automatonSource = 'stored';
    return a;
  }

  private build(cacheDir?: string): Automaton {
    const a = this.compile(cacheDir);
    const n = this.needles.length;
    const stamp = new Int32Array(n).fill(-1);
    stamp.set(this.stamp.subarray(0, Math.min(this.stamp.length, n)));
    this.stamp = stamp;
    this.textStamp = new Int32Array(n);
    this.textGen = 0;
    this.automaton = a;
    this.scannedGen = -1;
    this.cache.clear();
    return a;
  }

  /**
   * Scan a field's texts for the current event (once per event generation), case-insensitively.
   * Long texts are looked up in a cache of recent texts first: hashing a text costs far less than
   * scanning it, and field values recur heavily in event logs (images, command lines, paths).
   */
  scanField(f: FieldText, gen: number): void {
    if (this.scannedGen === gen) return;
    const a = this.automaton ?? this.build();
    this.scannedGen = gen;
    this.foundCount = 0;
    const texts = f.texts;
    for (let t = 0; t < texts.length; t++) {
      const raw = texts[t] as string;
      if (raw.length < CACHE_TEXT_MIN || raw.length > CACHE_TEXT_MAX) {
        this.scanRaw(a, raw);
        this.merge(this.textIds, this.textCount, gen);
        continue;
      }
      let ids = this.cache.get(raw);
      if (ids === undefined) {
        this.scanRaw(a, raw);
        ids = this.textCount === 0 ? NONE : this.textIds.slice(0, this.textCount);
        this.cache.set(raw, ids);
      }
      if (ids.length) this.merge(ids, ids.length, gen);
    }
  }

  /**
   * The distinct needles of `s` read case-insensitively (as in `s.toLowerCase()`) into
   * `textIds[0 .. textCount)`. ASCII text is scanned as it is; text with other characters is
   * lower-cased first, since their lower case can differ in length or depend on context.
   */
  private scanRaw(a: Automaton, s: string): void {
    if (!this.scanText(a, s, true)) this.scanText(a, s.toLowerCase(), false);
  }

  /**
   * Scan one text into `textIds`. With `asciiOnly`, stop (returning false) at the first character
   * outside ASCII.
   */
  private scanText(a: Automaton, s: string, asciiOnly: boolean): boolean {
    this.textCount = 0;
    if (++this.textGen === 0x7fffffff) {
      this.textStamp.fill(0);
      this.textGen = 1;
    }
    const { ascii, dense, denseWidth: w, denseStates, outStart } = a;
    const len = s.length;
    let st = 0;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c < 128 && st < denseStates) {
        // ASCII in a dense state: one read; a negative entry says needles end in that state
        // (class 0, a character no needle has, leads back to the root).
        const v = dense[st * w + (ascii[c] as number)] as number;
        if (v >= 0) {
          st = v;
          continue;
        }
        st = ~v;
      } else {
        if (c >= 128 && asciiOnly) return false;
        st = a.step(st, c < 128 ? (ascii[c] as number) : a.classOf(c));
        if (outStart[st] === outStart[st + 1]) continue;
      }
      this.report(a, st);
    }
    return true;
  }

  private report(a: Automaton, st: number): void {
    const { outStart, outIds } = a;
    const stamp = this.textStamp;
    const g = this.textGen;
    for (let j = outStart[st] as number; j < (outStart[st + 1] as number); j++) {
      const id = outIds[j] as number;
      if (stamp[id] !== g) {
        stamp[id] = g;
        if (this.textCount === this.textIds.length) this.textIds = doubled(this.textIds);
        this.textIds[this.textCount++] = id;
      }
    }
  }

  /** Add ids to the event's found list (each once per generation). */
  private merge(ids: Int32Array, count: number, gen: number): void {
    const stamp = this.stamp;
    for (let k = 0; k < count; k++) {
      const id = ids[k] as number;
      if (stamp[id] === gen) continue;
      stamp[id] = gen;
      if (this.foundCount === this.found.length) this.found = doubled(this.found);
      this.found[this.foundCount++] = id;
    }
  }

  scannedFor(gen: number): boolean {
    return this.scannedGen === gen && this.automaton !== null;
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
  /** @internal The ids as a set, built on first use for large sets. */
  members?: Set<number>;
}

/** From this many needles, a set is checked against the needles found rather than id by id. */
const MEMBER_SET_MIN = 16;

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
    const gen = this.ensureScanned(view, set);
    const f = set.table;
    const ids = set.ids;
    if (ids.length >= MEMBER_SET_MIN && f.foundCount < ids.length) {
      // Few needles found, many in the set: look the found ones up.
      set.members ??= new Set(ids);
      const { found, foundCount } = f;
      for (let k = 0; k < foundCount; k++) if (set.members.has(found[k] as number)) return true;
      return false;
    }
    for (let i = 0; i < ids.length; i++) if (f.has(ids[i] as number, gen)) return true;
    return false;
  }

  /** Make sure the set's field is scanned for the view's event; returns the event generation. */
  ensureScanned(view: EventView, set: NeedleSet): number {
    const gen = memoGeneration(view);
    if (!set.table.scannedFor(gen)) {
      set.table.scanField(set.field === null ? allTexts(view) : fieldText(view, set.field), gen);
    }
    return gen;
  }

  /**
   * Build every field's automaton now, so the first events scanned do not pay for it; with
   * `cacheDir`, through the automaton cache there.
   */
  prepareAll(cacheDir?: string): void {
    let stored = false;
    for (const f of this.fields.values()) {
      f.prepare(cacheDir);
      stored ||= f.automatonSource === 'stored';
    }
    if (cacheDir && stored) pruneCacheEntries(cacheDir, AUTOMATON_PREFIX, AUTOMATON_KEEP);
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
