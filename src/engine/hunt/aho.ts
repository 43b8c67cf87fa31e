/**
 * @module engine/hunt/aho
 * Aho–Corasick multi-pattern search over UTF-16 code units: finds which of many lower-case
 * needles occur in a text in one pass, linear in the text length whatever the number of
 * needles. The hunt uses it to pick, per event, the few rules whose literal prefilter can hold.
 * Large automata keep the root's transitions in a dense table (most characters of a text leave
 * the root); small ones and the other states keep maps, so memory stays proportional.
 */

/** Needle count from which the root gets a dense 256 KiB table. */
const DENSE_ROOT_MIN_NEEDLES = 128;

export class AhoCorasick {
  /** Root transitions by code unit (0 = stay at the root), for large automata; else null. */
  private readonly root: Int32Array | null;
  /** Per state: code unit → next state (state 0's row is also mirrored in `root`). */
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  /** Per state: ids of the needles that end here (including through failure links). */
  private readonly out: number[][] = [[]];
  readonly size: number;

  constructor(needles: readonly string[]) {
    this.size = needles.length;
    this.root = needles.length >= DENSE_ROOT_MIN_NEEDLES ? new Int32Array(65536) : null;
    const root = this.root;
    needles.forEach((needle, id) => {
      let s = 0;
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        const row = this.next[s] as Map<number, number>;
        let t = row.get(c);
        if (t === undefined) {
          t = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.out.push([]);
          row.set(c, t);
          if (s === 0 && root) root[c] = t;
        }
        s = t;
      }
      (this.out[s] as number[]).push(id);
    });
    // Breadth-first failure links; outputs inherit their failure state's outputs.
    const queue: number[] = [];
    for (const t of (this.next[0] as Map<number, number>).values()) queue.push(t);
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q] as number;
      for (const [c, t] of this.next[s] as Map<number, number>) {
        queue.push(t);
        let f = this.fail[s] as number;
        while (f !== 0 && !(this.next[f] as Map<number, number>).has(c)) f = this.fail[f] as number;
        const g = (this.next[f] as Map<number, number>).get(c);
        this.fail[t] = g !== undefined && g !== 0 && g !== t ? g : 0;
        const inherited = this.out[this.fail[t] as number] as number[];
        if (inherited.length) (this.out[t] as number[]).push(...inherited);
      }
    }
  }

  /** Append the id of every needle occurrence in `text` to `hits` (an id may repeat). */
  searchInto(text: string, hits: number[]): void {
    let s = 0;
    const root = this.root;
    const rootRow = this.next[0] as Map<number, number>;
    const next = this.next;
    const fail = this.fail;
    const out = this.out;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (s === 0) {
        s = root ? (root[c] as number) : (rootRow.get(c) ?? 0);
      } else {
        let t = (next[s] as Map<number, number>).get(c);
        while (t === undefined) {
          s = fail[s] as number;
          if (s === 0) {
            t = root ? (root[c] as number) : (rootRow.get(c) ?? 0);
            break;
          }
          t = (next[s] as Map<number, number>).get(c);
        }
        s = t;
      }
      if (s !== 0) {
        const o = out[s] as number[];
        for (let k = 0; k < o.length; k++) hits.push(o[k] as number);
      }
    }
  }

  /** Call `hit(id)` for every needle occurrence in `text`. */
  search(text: string, hit: (id: number) => void): void {
    const hits: number[] = [];
    this.searchInto(text, hits);
    for (const id of hits) hit(id);
  }
}
