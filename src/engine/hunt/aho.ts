/**
 * @module engine/hunt/aho
 * Aho–Corasick multi-pattern search over UTF-16 code units: finds which of many lower-case
 * needles occur in a text in one pass, linear in the text length whatever the number of
 * needles. The hunt uses it to pick, per event, the few rules whose literal prefilter can hold.
 */

export class AhoCorasick {
  /** Per state: code unit → next state. */
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  /** Per state: ids of the needles that end here (including through failure links). */
  private readonly out: number[][] = [[]];

  constructor(needles: readonly string[]) {
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
        this.fail[t] = g !== undefined && g !== t ? g : 0;
        const inherited = this.out[this.fail[t] as number] as number[];
        if (inherited.length) (this.out[t] as number[]).push(...inherited);
      }
    }
  }

  /** Call `hit(id)` for every needle occurrence in `text` (an id may be reported many times). */
  search(text: string, hit: (id: number) => void): void {
    let s = 0;
    const next = this.next;
    const fail = this.fail;
    const out = this.out;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let t = (next[s] as Map<number, number>).get(c);
      while (t === undefined && s !== 0) {
        s = fail[s] as number;
        t = (next[s] as Map<number, number>).get(c);
      }
      s = t ?? 0;
      const o = out[s] as number[];
      for (let k = 0; k < o.length; k++) hit(o[k] as number);
    }
  }
}
