/**
 * @module sources/binary/byte-reader
 * The one labelled, bounds-checked reader every binary source uses (style rule 2). Each read
 * names what it reads (`r.u32(off, 'record.size')`); a read past the end raises a `ReadFault`
 * carrying a `truncated` issue `{what, offset, need, have}`, which parsers catch at the
 * record/chunk boundary and return as a typed issue, so it never escapes a parser. `check()`
 * and `tryRead()` give the non-throwing form.
 */
import { Buffer } from 'node:buffer';
import { type Issue, issue } from '../../core/issue.js';
import { err, ok, type Result } from '../../core/result.js';

/** Thrown by `ByteReader` reads only; carries the typed issue. Catch it with `tryRead`. */
export class ReadFault {
  readonly issue: Issue;
  constructor(i: Issue) {
    this.issue = i;
  }
}

/** Run `fn`; a `ReadFault` becomes an `Err`. Other exceptions are programming errors and propagate. */
export function tryRead<T>(fn: () => T): Result<T, Issue> {
  try {
    return ok(fn());
  } catch (e) {
    if (e instanceof ReadFault) return err(e.issue);
    throw e;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase());

/**
 * Scratch for fixed-width ASCII renderings (GUIDs, times): written byte by byte and decoded once,
 * so each rendering allocates its one string and no intermediate ones (a record has several).
 */
const ASCII = Buffer.alloc(64);
const HEX_DIGIT = Buffer.from('0123456789ABCDEF', 'latin1');
/** Byte order of a GUID's text; -1 is a dash. */
const GUID_ORDER = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];

/** Write `n` (0 ≤ n < 10^width) as `width` decimal digits at `at`; returns the position after. */
function putDigits(at: number, n: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) {
    ASCII[at + i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + width;
}

const FILETIME_UNIX_EPOCH_S = 11644473600;

export interface ByteReaderOptions {
  /** Absolute offset of `bytes[0]` in the evidence file, used in issue locations. */
  base?: number;
  /** Evidence file name for issue locations. */
  file?: string;
}

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly base: number;
  readonly file: string | undefined;
  private readonly buf: Buffer;

  constructor(bytes: Uint8Array, opts: ByteReaderOptions = {}) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.base = opts.base ?? 0;
    this.file = opts.file;
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The issue a read of `need` bytes at `off` would raise, or null when it fits. */
  check(off: number, need: number, what: string): Issue | null {
    if (off >= 0 && need >= 0 && off + need <= this.length) return null;
    return this.truncated(off, need, what);
  }

  /** A `truncated` issue for a read of `need` bytes at `off` (absolute offset in the location). */
  truncated(off: number, need: number, what: string): Issue {
    const have = Math.max(0, this.length - Math.max(0, off));
    const at = this.base + off;
    return issue(
      'truncated',
      `buffer too small for ${what} at offset ${at} (need ${need} bytes, have ${have})`,
      this.file === undefined ? { offset: at } : { file: this.file, offset: at },
      { what, offset: at, need, have },
    );
  }

  /** Raise a `ReadFault` unless `need` bytes are readable at `off`. */
  need(off: number, need: number, what: string): void {
    if (off < 0 || need < 0 || off + need > this.length) throw new ReadFault(this.truncated(off, need, what));
  }

  u8(off: number, what: string): number {
    if (off < 0 || off >= this.length) throw new ReadFault(this.truncated(off, 1, what));
    return this.bytes[off] as number;
  }

  u16(off: number, what: string): number {
    if (off < 0 || off + 2 > this.length) throw new ReadFault(this.truncated(off, 2, what));
    const b = this.bytes;
    return (b[off] as number) | ((b[off + 1] as number) << 8);
  }

  i16(off: number, what: string): number {
    const v = this.u16(off, what);
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  u32(off: number, what: string): number {
    if (off < 0 || off + 4 > this.length) throw new ReadFault(this.truncated(off, 4, what));
    const b = this.bytes;
    return (
      ((b[off] as number) | ((b[off + 1] as number) << 8) | ((b[off + 2] as number) << 16)) +
      (b[off + 3] as number) * 0x1000000
    );
  }

  i32(off: number, what: string): number {
    return this.u32(off, what) | 0;
  }

  /** Unsigned 64-bit as a number (exact below 2^53; record numbers and offsets stay far below). */
  u64(off: number, what: string): number {
    this.need(off, 8, what);
    return this.u32(off + 4, what) * 0x100000000 + this.u32(off, what);
  }

  /** Unsigned 64-bit, exact. */
  u64big(off: number, what: string): bigint {
    this.need(off, 8, what);
    return (BigInt(this.u32(off + 4, what)) << 32n) | BigInt(this.u32(off, what));
  }

  /** Signed 64-bit, exact. */
  i64big(off: number, what: string): bigint {
    return BigInt.asIntN(64, this.u64big(off, what));
  }

  f32(off: number, what: string): number {
    this.need(off, 4, what);
    return this.buf.readFloatLE(off);
  }

  f64(off: number, what: string): number {
    this.need(off, 8, what);
    return this.buf.readDoubleLE(off);
  }

  /** True when the bytes at `off` equal `magic` (false, not a fault, when out of range). */
  matches(off: number, magic: Uint8Array): boolean {
    if (off < 0 || off + magic.length > this.length) return false;
    for (let i = 0; i < magic.length; i++) if (this.bytes[off + i] !== magic[i]) return false;
    return true;
  }

  /** A view of `len` bytes at `off` (no copy). */
  slice(off: number, len: number, what: string): Uint8Array {
    this.need(off, len, what);
    return this.bytes.subarray(off, off + len);
  }

  /** `chars` UTF-16LE code units at `off`; lone surrogates are kept as they are. */
  utf16(off: number, chars: number, what: string): string {
    const n = chars * 2;
    this.need(off, n, what);
    if (chars <= 10) {
      const b = this.bytes;
      let s = '';
      for (let i = off, e = off + n; i < e; i += 2)
        s += String.fromCharCode((b[i] as number) | ((b[i + 1] as number) << 8));
      return s;
    }
    return this.buf.toString('utf16le', off, off + n);
  }

  /** Single-byte text (code page assumed Windows-1252/Latin-1). */
  latin1(off: number, len: number, what: string): string {
    this.need(off, len, what);
    return this.buf.toString('latin1', off, off + len);
  }

  /** Upper-case hex of `len` bytes. */
  hex(off: number, len: number, what: string): string {
    this.need(off, len, what);
    if (len > 64) return this.buf.toString('hex', off, off + len).toUpperCase();
    let s = '';
    for (let i = off, e = off + len; i < e; i++) s += HEX[this.bytes[i] as number];
    return s;
  }

  /** FILETIME (100 ns ticks since 1601) as ISO 8601 UTC with all 7 fractional digits. */
  filetime(off: number, what: string): string {
    this.need(off, 8, what);
    return filetimeToIso(this.u32(off, what), this.u32(off + 4, what));
  }

  /** SYSTEMTIME (8 × u16) as ISO 8601 UTC with 7 fractional digits (milliseconds + 0000). */
  systemtime(off: number, what: string): string {
    this.need(off, 16, what);
    const y = this.u16(off, what);
    const mo = this.u16(off + 2, what);
    const d = this.u16(off + 6, what);
    const h = this.u16(off + 8, what);
    const mi = this.u16(off + 10, what);
    const s = this.u16(off + 12, what);
    const ms = this.u16(off + 14, what);
    return `${p(y, 4)}-${p(mo, 2)}-${p(d, 2)}T${p(h, 2)}:${p(mi, 2)}:${p(s, 2)}.${p(ms, 3)}0000Z`;
  }

  /** GUID as Windows renders it: `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`, upper case. */
  guid(off: number, what: string): string {
    this.need(off, 16, what);
    const b = this.bytes;
    let at = 0;
    ASCII[at++] = 0x7b; // {
    for (const i of GUID_ORDER) {
      if (i < 0) {
        ASCII[at++] = 0x2d; // -
        continue;
      }
      const v = b[off + i] as number;
      ASCII[at++] = HEX_DIGIT[v >> 4] as number;
      ASCII[at++] = HEX_DIGIT[v & 15] as number;
    }
    ASCII[at++] = 0x7d; // }
    return ASCII.toString('latin1', 0, at);
  }

  /**
   * SID as `S-R-A-S1-S2...`, reading at most `max` bytes. The sub-authority count is capped by
   * what fits in `max` (a SID cut short renders the sub-authorities that are there).
   */
  sid(off: number, max: number, what: string): string {
    this.need(off, 8, what);
    const rev = this.u8(off, what);
    const count = this.u8(off + 1, what);
    let auth = 0;
    for (let i = 2; i < 8; i++) auth = auth * 256 + (this.bytes[off + i] as number);
    let s = `S-${rev}-${auth}`;
    const fit = Math.min(count, Math.floor((Math.min(max, this.length - off) - 8) / 4));
    for (let i = 0; i < fit; i++) s += `-${this.u32(off + 8 + i * 4, what)}`;
    return s;
  }
}

function p(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** FILETIME halves to ISO 8601 UTC with 7 fractional digits. Exact (no float rounding). */
export function filetimeToIso(lo: number, hi: number): string {
  let secs: number;
  let frac: number;
  if (hi < 0x40000000) {
    // hi * 2^32 = hi * 429 * 1e7 + hi * 4967296; keeps every intermediate below 2^53.
    const units = hi * 4967296 + lo;
    secs = hi * 429 + Math.floor(units / 1e7);
    frac = units % 1e7;
  } else {
    const t = (BigInt(hi) << 32n) | BigInt(lo);
    secs = Number(t / 10000000n);
    frac = Number(t % 10000000n);
  }
  const at = putCivil(secs - FILETIME_UNIX_EPOCH_S);
  if (at < 0) return `${civil(secs - FILETIME_UNIX_EPOCH_S)}.${String(frac).padStart(7, '0')}Z`;
  ASCII[at] = 0x2e; // .
  putDigits(at + 1, frac, 7);
  ASCII[at + 8] = 0x5a; // Z
  return ASCII.toString('latin1', 0, at + 9);
}

const P2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** `YYYY-MM-DDTHH:MM:SS` of Unix seconds into the scratch; -1 (nothing written) outside years 0–9999. */
function putCivil(t: number): number {
  const c = civilParts(t);
  const y = c[0] as number;
  if (!(y >= 0 && y <= 9999)) return -1;
  let at = putDigits(0, y, 4);
  for (let i = 1; i < 6; i++) {
    ASCII[at++] = i === 3 ? 0x54 : i < 3 ? 0x2d : 0x3a; // T, -, :
    at = putDigits(at, c[i] as number, 2);
  }
  return at;
}

const PARTS = [0, 0, 0, 0, 0, 0];

/** Year, month, day, hour, minute, second of Unix seconds (a shared array, valid until the next call). */
function civilParts(t: number): number[] {
  let days = Math.floor(t / 86400);
  const sod = t - days * 86400;
  // Days since 1970-01-01 to a proleptic Gregorian date, shifting the year to start in March.
  days += 719468;
  const era = Math.floor(days / 146097);
  const doe = days - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(sod / 3600);
  const mi = Math.floor((sod % 3600) / 60);
  const ss = sod % 60;
  PARTS[0] = y;
  PARTS[1] = m;
  PARTS[2] = d;
  PARTS[3] = hh;
  PARTS[4] = mi;
  PARTS[5] = ss;
  return PARTS;
}

/** `YYYY-MM-DDTHH:MM:SS` of Unix seconds, by integer calendar arithmetic (no Date). */
function civil(t: number): string {
  const [y, m, d, hh, mi, ss] = civilParts(t) as [number, number, number, number, number, number];
  const ys = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  return `${ys}-${P2[m]}-${P2[d]}T${P2[hh]}:${P2[mi]}:${P2[ss]}`;
}
