/**
 * @module sources/text
 * Byte-level helpers shared by the text readers (JSON, XML): encoding detection from the head,
 * a UTF-8 view of UTF-16 input, and a growable byte buffer with amortised appends so a reader can
 * hold one record of bounded size without quadratic copying.
 *
 * Offsets: for UTF-8 input every offset is a byte offset in the (decompressed) stream. UTF-16 input
 * (as PowerShell's `>` writes it) is re-encoded to UTF-8 on the fly, so offsets count bytes of that
 * UTF-8 view; line numbers are exact either way.
 */

export type TextEncodingName = 'utf8' | 'utf16le' | 'utf16be';

/** Encoding by byte-order mark, else by the zero-byte pattern of ASCII text in UTF-16. */
export function detectEncoding(head: Uint8Array): TextEncodingName {
  const b0 = head[0];
  const b1 = head[1];
  if (b0 === 0xff && b1 === 0xfe) return 'utf16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf16be';
  if (b0 === 0xef && b1 === 0xbb && head[2] === 0xbf) return 'utf8';
  if (head.length >= 4 && b0 !== 0 && b1 === 0 && head[2] !== 0 && head[3] === 0) return 'utf16le';
  if (head.length >= 4 && b0 === 0 && b1 !== 0 && head[2] === 0 && head[3] !== 0) return 'utf16be';
  return 'utf8';
}

/** The head decoded as text, byte-order mark removed (a partial character at the end is dropped). */
export function headText(head: Uint8Array, maxChars = 65536): string {
  const enc = detectEncoding(head);
  const label = enc === 'utf8' ? 'utf-8' : enc === 'utf16le' ? 'utf-16le' : 'utf-16be';
  const text = new TextDecoder(label, { fatal: false }).decode(head, { stream: true });
  return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/**
 * The stream as UTF-8 bytes: UTF-8 passes through untouched (a UTF-8 BOM is kept; readers skip it),
 * UTF-16 is decoded and re-encoded (its BOM dropped).
 */
export async function* utf8View(stream: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let decoder: InstanceType<typeof TextDecoder> | null = null;
  let first = true;
  let carry: Uint8Array | null = null;
  for await (const chunk0 of stream) {
    let chunk = chunk0;
    if (first) {
      // Decide on at least 4 bytes so the zero-byte heuristic has something to look at.
      if (chunk.length < 4 && carry === null) {
        carry = chunk;
        continue;
      }
      if (carry) {
        chunk = concatBytes(carry, chunk);
        carry = null;
      }
      first = false;
      const enc = detectEncoding(chunk);
      if (enc !== 'utf8') decoder = new TextDecoder(enc === 'utf16le' ? 'utf-16le' : 'utf-16be');
    }
    if (decoder) {
      const s = decoder.decode(chunk, { stream: true });
      if (s) yield Buffer.from(s, 'utf8');
    } else if (chunk.length) {
      yield chunk;
    }
  }
  // A stream under 4 bytes never chose an encoding: pass it through as it is.
  if (carry?.length) yield carry;
  if (decoder) {
    const s = decoder.decode();
    if (s) yield Buffer.from(s, 'utf8');
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Length of a UTF-8 byte-order mark at the start, or 0. */
export function utf8BomLength(b: Uint8Array): number {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
}

/**
 * A byte buffer holding the unconsumed tail of a stream. `base` is the absolute stream offset of
 * `view()[0]`. Appends are amortised O(1) per byte; consumed bytes are reclaimed on compaction.
 */
export class ByteWindow {
  private data: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Absolute offset of the first unconsumed byte. */
  base = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    const need = this.length + chunk.length;
    if (this.end + chunk.length > this.data.length) {
      if (need <= this.data.length && this.start > 0) {
        this.data.copy(this.data, 0, this.start, this.end);
      } else {
        const next = Buffer.allocUnsafe(Math.max(need, this.data.length * 2, 65536));
        this.data.copy(next, 0, this.start, this.end);
        this.data = next;
      }
      this.end = this.length;
      this.start = 0;
    }
    this.data.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The unconsumed bytes (a view; valid until the next `append`). */
  view(): Buffer {
    return this.data.subarray(this.start, this.end);
  }

  /** Drop `n` bytes from the front. */
  consume(n: number): void {
    const k = Math.min(n, this.length);
    this.start += k;
    this.base += k;
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      if (this.data.length > 1 << 20) this.data = Buffer.alloc(0);
    }
  }
}

/** Count of `\n` bytes in `b[from, to)`. */
export function countNewlines(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (b[i] === 0x0a) n++;
  return n;
}

/** A short printable description of bytes, for messages: `7b 22 61 … "{"a…"`. */
export function describeBytes(b: Uint8Array, max = 16): string {
  const n = Math.min(b.length, max);
  const hex: string[] = [];
  let text = '';
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    hex.push(c.toString(16).padStart(2, '0'));
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
  }
  if (n === 0) return '(empty)';
  return `${hex.join(' ')}${b.length > n ? ' …' : ''} "${text}"`;
}
