/**
 * @module core/text-memo
 * Answers remembered by text, for work that recurs with the same values (event logs repeat the
 * same images, paths and command lines). Bounded by characters: each text counts its length plus
 * a fixed cost per entry, and when the next one would pass the budget the memo starts over, so
 * evidence of endless distinct values cannot grow it. Callers decide which texts are worth
 * remembering (very long ones rarely recur).
 */
export class TextMemo<V> {
  private readonly map = new Map<string, V>();
  private chars = 0;

  /**
   * @param maxChars characters of texts (plus `entryCost` per entry) kept before starting over
   * @param entryCost what one entry counts beyond its text's length
   */
  constructor(
    private readonly maxChars: number,
    private readonly entryCost: number,
  ) {}

  get(text: string): V | undefined {
    return this.map.get(text);
  }

  set(text: string, value: V): void {
    const cost = text.length + this.entryCost;
    if (this.chars + cost > this.maxChars) this.clear();
    this.map.set(text, value);
    this.chars += cost;
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }

  get size(): number {
    return this.map.size;
  }
}
