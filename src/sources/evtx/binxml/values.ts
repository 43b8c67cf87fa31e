/**
 * @module sources/evtx/binxml/values
 * Rendering of substitution values to strings exactly as Windows shows them: integers in
 * decimal, HexInt32/HexInt64/size_t as `0x%x`, GUIDs upper case in braces, FILETIME and
 * SYSTEMTIME as ISO 8601 UTC with 7 fractional digits, binary as upper-case hex, booleans
 * `true`/`false`, strings without their trailing NULs. Arrays (type | 0x80) render per item.
 */
import type { ByteReader } from '../../binary/byte-reader.js';
import {
  fixedSize,
  VT_ANSI,
  VT_ARRAY,
  VT_BINARY,
  VT_BINXML,
  VT_BOOL,
  VT_FILETIME,
  VT_GUID,
  VT_HEX32,
  VT_HEX64,
  VT_INT8,
  VT_INT16,
  VT_INT32,
  VT_INT64,
  VT_NULL,
  VT_REAL32,
  VT_REAL64,
  VT_SID,
  VT_SIZET,
  VT_STRING,
  VT_SYSTIME,
  VT_UINT8,
  VT_UINT16,
  VT_UINT32,
  VT_UINT64,
} from './value-types.js';

const W = 'value';

function stripNuls(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0) e--;
  return e === s.length ? s : s.slice(0, e);
}

function hexOf(r: ByteReader, off: number, size: number): string {
  if (size === 4) return `0x${r.u32(off, 'value.hex32').toString(16)}`;
  if (size === 8) {
    const lo = r.u32(off, 'value.hex64');
    const hi = r.u32(off + 4, 'value.hex64');
    return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
  }
  return `0x${r.hex(off, size, 'value.hex')}`;
}

function real32(v: number): string {
  if (Number.isNaN(v)) return '-1.#IND';
  if (!Number.isFinite(v)) return v > 0 ? '1.#INF' : '-1.#INF';
  // The shortest decimal that reads back as the same single-precision value.
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}

function real64(v: number): string {
  if (Number.isNaN(v)) return '-1.#IND';
  if (!Number.isFinite(v)) return v > 0 ? '1.#INF' : '-1.#INF';
  return String(v);
}

/** One item of a fixed-size type at `off` (the caller checked the size). */
function scalar(r: ByteReader, t: number, off: number, size: number): string {
  switch (t) {
    case VT_NULL:
      return '';
    case VT_STRING:
      return stripNuls(r.utf16(off, size >>> 1, W));
    case VT_ANSI:
      return stripNuls(r.latin1(off, size, W));
    case VT_INT8: {
      const v = r.u8(off, W);
      return String(v >= 0x80 ? v - 0x100 : v);
    }
    case VT_UINT8:
      return String(r.u8(off, W));
    case VT_INT16:
      return String(r.i16(off, W));
    case VT_UINT16:
      return String(r.u16(off, W));
    case VT_INT32:
      return String(r.i32(off, W));
    case VT_UINT32:
      return String(r.u32(off, W));
    case VT_INT64: {
      const hi = r.i32(off + 4, W);
      // Exact as a double while |v| < 2^53.
      if (hi >= -0x200000 && hi < 0x200000) return String(hi * 0x100000000 + r.u32(off, W));
      return r.i64big(off, W).toString();
    }
    case VT_UINT64: {
      const hi = r.u32(off + 4, W);
      if (hi < 0x200000) return String(hi * 0x100000000 + r.u32(off, W));
      return r.u64big(off, W).toString();
    }
    case VT_REAL32:
      return real32(r.f32(off, W));
    case VT_REAL64:
      return real64(r.f64(off, W));
    case VT_BOOL:
      // Irregular values (neither 0 nor 1) are seen in the wild; any non-zero reads as true.
      if (size >= 4) return r.u32(off, W) !== 0 ? 'true' : 'false';
      if (size === 2) return r.u16(off, W) !== 0 ? 'true' : 'false';
      return size === 1 && r.u8(off, W) !== 0 ? 'true' : 'false';
    case VT_GUID:
      return r.guid(off, W);
    case VT_SIZET:
    case VT_HEX32:
    case VT_HEX64:
      return hexOf(r, off, size);
    case VT_FILETIME:
      return r.filetime(off, W);
    case VT_SYSTIME:
      return r.systemtime(off, W);
    case VT_SID:
      return r.sid(off, size, W);
    default:
      // Binary, EvtHandle, EvtXml and unknown types: the bytes in hex.
      return r.hex(off, size, W);
  }
}

/** True when a value of `type` and `size` renders as nothing (NullType, or no bytes). */
export function isEmptyValue(type: number, size: number): boolean {
  return type === VT_NULL || size === 0;
}

/** The items of an array value (type has 0x80). An empty array has no items. */
export function renderItems(r: ByteReader, type: number, off: number, size: number): string[] {
  const t = type & 0x7f;
  const out: string[] = [];
  if (size === 0) return out;
  if (t === VT_STRING) {
    const s = r.utf16(off, size >>> 1, W);
    const parts = s.split('\u0000');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  if (t === VT_ANSI) {
    const parts = r.latin1(off, size, W).split('\u0000');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  if (t === VT_SID) {
    let p = off;
    const end = off + size;
    while (p + 8 <= end) {
      const n = 8 + 4 * r.u8(p + 1, 'value.sid.count');
      out.push(r.sid(p, Math.min(n, end - p), W));
      p += n;
    }
    return out;
  }
  let item = fixedSize(t);
  if (t === VT_SIZET) item = size % 8 === 0 ? 8 : 4;
  if (item === 0 || t === VT_BINARY || t === VT_BINXML) return [scalar(r, t, off, size)];
  for (let p = off; p + item <= off + size; p += item) out.push(scalar(r, t, p, item));
  return out;
}

/** The value as one string. Arrays join their items with a comma (only seen in attributes). */
export function renderValue(r: ByteReader, type: number, off: number, size: number): string {
  if (type & VT_ARRAY) return renderItems(r, type, off, size).join(',');
  const t = type;
  const fs = fixedSize(t);
  if (fs !== 0 && size < fs && t !== VT_BOOL) {
    // A short fixed-size value renders what it can: hex of the bytes that are there.
    return size === 0 ? '' : r.hex(off, size, W);
  }
  return scalar(r, t, off, t === VT_BOOL ? Math.min(size, 4) : fs !== 0 ? fs : size);
}
