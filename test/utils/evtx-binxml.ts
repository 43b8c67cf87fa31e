/**
 * @module test/utils/evtx-binxml
 * The BinXml half of the project's EVTX writer (test utility): node and typed-value types,
 * value encodings for every BinXml value type (and arrays), and an encoder that writes
 * element trees, substitutions and template instances into one chunk, keeping the chunk's
 * name (string) table and template table. Written from libyal's EVTX notes and MS-EVEN6.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

/** BinXml value type codes (MS-EVEN6 / libyal "Value types"); arrays add 0x80. */
export const VALUE_TYPE = {
  null: 0x00,
  string: 0x01,
  ansi: 0x02,
  int8: 0x03,
  uint8: 0x04,
  int16: 0x05,
  uint16: 0x06,
  int32: 0x07,
  uint32: 0x08,
  int64: 0x09,
  uint64: 0x0a,
  real32: 0x0b,
  real64: 0x0c,
  bool: 0x0d,
  binary: 0x0e,
  guid: 0x0f,
  sizet: 0x10,
  filetime: 0x11,
  systemtime: 0x12,
  sid: 0x13,
  hex32: 0x14,
  hex64: 0x15,
  binxml: 0x21,
} as const;

export type ValueTypeName = keyof typeof VALUE_TYPE;
/** Types that may be put in an array (MSDN: not binary, not BinXml). */
export type ArrayItemType = Exclude<ValueTypeName, 'null' | 'binary' | 'binxml'>;
export type ArrayItem = string | number | bigint | boolean;

/** A typed value, as it is stored in template instance data. */
export type BuilderValue =
  | { type: 'null' }
  /** `nul: true` adds a terminating NUL inside the value size, as some Windows writers do. */
  | { type: 'string'; value: string; nul?: boolean }
  | { type: 'ansi'; value: string }
  | { type: 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'hex32'; value: number }
  | { type: 'int64' | 'uint64' | 'hex64'; value: bigint | number }
  | { type: 'real32' | 'real64'; value: number }
  | { type: 'bool'; value: boolean | number }
  | { type: 'binary'; value: Uint8Array }
  /** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` (braces optional, any case). */
  | { type: 'guid'; value: string }
  /** size_t: 4 or 8 bytes (default 8); renders as hex. */
  | { type: 'sizet'; value: bigint | number; width?: 4 | 8 }
  /** ISO UTC with up to 7 fractional digits, or raw 100 ns ticks since 1601. */
  | { type: 'filetime'; value: string | bigint }
  /** ISO UTC; milliseconds kept. */
  | { type: 'systemtime'; value: string }
  /** `S-1-5-21-...`. */
  | { type: 'sid'; value: string }
  /**
   * Nested BinXml: by default a fragment (fragment header, nodes, EOF). `bare: true` writes the
   * nodes alone, elements without the dependency identifier (the other form libyal describes).
   */
  | { type: 'binxml'; value: Node[]; bare?: boolean }
  | { type: 'array'; of: ArrayItemType; values: ArrayItem[] }
  /** Anything, byte for byte, with the given type code (for defects). */
  | { type: 'raw'; code: number; bytes: Uint8Array };

/** Content of an element or attribute. */
export type Node =
  | { kind: 'element'; name: string; attrs?: Attr[]; children?: Node[] }
  | { kind: 'text'; value: string; more?: boolean }
  | { kind: 'subst'; index: number; type: ValueTypeName | number; optional?: boolean }
  | { kind: 'cdata'; value: string }
  | { kind: 'charref'; code: number }
  | { kind: 'entityref'; name: string }
  | { kind: 'pi'; target: string; data: string }
  | { kind: 'template'; def: TemplateDef; values: BuilderValue[] }
  /** Raw bytes in the token stream (for defects). */
  | { kind: 'raw'; bytes: Uint8Array };

export interface Attr {
  name: string;
  value: Node[];
}

/** A template definition: a GUID (the cache key within a chunk) and its root element. */
export interface TemplateDef {
  guid: string;
  root: Node;
}

// ---------------------------------------------------------------------------------------
// Node helpers (terse tree construction for tests)

export function el(
  name: string,
  attrs: Record<string, Node | Node[] | string> = {},
  ...children: Node[]
): Node {
  const list: Attr[] = Object.entries(attrs).map(([n, v]) => ({
    name: n,
    value: typeof v === 'string' ? [text(v)] : Array.isArray(v) ? v : [v],
  }));
  return { kind: 'element', name, attrs: list, children };
}
export function text(value: string): Node {
  return { kind: 'text', value };
}
export function sub(index: number, type: ValueTypeName | number, optional = false): Node {
  return { kind: 'subst', index, type, optional };
}
export function tpl(def: TemplateDef, values: BuilderValue[]): Node {
  return { kind: 'template', def, values };
}
/** `depth` nested elements `<n><n>...</n></n>`. */
export function nested(depth: number, name = 'n', leaf?: Node): Node {
  let node: Node = { kind: 'element', name, children: leaf ? [leaf] : [] };
  for (let i = 1; i < depth; i++) node = { kind: 'element', name, children: [node] };
  return node;
}

// ---------------------------------------------------------------------------------------
// Low-level encodings

export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes) >>> 0;
}

const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** ISO UTC (`2024-01-02T03:04:05.1234567Z`, up to 7 fraction digits) → FILETIME ticks. */
export function isoToFiletime(iso: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?Z$/.exec(iso);
  if (!m?.[1]) throw new TypeError(`not an ISO UTC timestamp: ${iso}`);
  const secs = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  const frac = BigInt((m[2] ?? '').padEnd(7, '0'));
  return secs * 10_000_000n + frac + FILETIME_UNIX_EPOCH;
}

export function utf16(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i * 2] = c & 0xff;
    out[i * 2 + 1] = c >>> 8;
  }
  return out;
}

export function guidBytes(g: string): Uint8Array {
  const hex = g.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a GUID: ${g}`);
  const b = Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  // Data1 (u32), Data2 (u16), Data3 (u16) little-endian; Data4 as is.
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return Uint8Array.from(order, (i) => b[i] ?? 0);
}

export function sidBytes(sid: string): Uint8Array {
  const parts = sid.split('-');
  if (parts[0] !== 'S' || parts.length < 3) throw new TypeError(`not a SID: ${sid}`);
  const subs = parts.slice(3).map((p) => Number(p));
  const out = new Uint8Array(8 + subs.length * 4);
  const dv = new DataView(out.buffer);
  out[0] = Number(parts[1]);
  out[1] = subs.length;
  const auth = BigInt(parts[2] ?? '0');
  for (let i = 0; i < 6; i++) out[2 + i] = Number((auth >> BigInt(8 * (5 - i))) & 0xffn);
  subs.forEach((s, i) => {
    dv.setUint32(8 + i * 4, s >>> 0, true);
  });
  return out;
}

function systemtimeBytes(iso: string): Uint8Array {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new TypeError(`not a date: ${iso}`);
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  const f = [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDay(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ];
  f.forEach((v, i) => {
    dv.setUint16(i * 2, v, true);
  });
  return out;
}

/** Fixed-size scalar encodings; strings and SIDs are handled by the callers. */
function scalarBytes(type: ArrayItemType, v: ArrayItem, width: 4 | 8 = 8): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  const num = (): bigint =>
    typeof v === 'bigint' ? v : typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(Math.trunc(Number(v)));
  switch (type) {
    case 'int8':
    case 'uint8':
      dv.setUint8(0, Number(BigInt.asUintN(8, num())));
      return b.slice(0, 1);
    case 'int16':
    case 'uint16':
      dv.setUint16(0, Number(BigInt.asUintN(16, num())), true);
      return b.slice(0, 2);
    case 'int32':
    case 'uint32':
    case 'hex32':
    case 'bool':
      dv.setUint32(0, Number(BigInt.asUintN(32, num())), true);
      return b.slice(0, 4);
    case 'int64':
    case 'uint64':
    case 'hex64':
      dv.setBigUint64(0, BigInt.asUintN(64, num()), true);
      return b.slice(0, 8);
    case 'sizet':
      if (width === 4) {
        dv.setUint32(0, Number(BigInt.asUintN(32, num())), true);
        return b.slice(0, 4);
      }
      dv.setBigUint64(0, BigInt.asUintN(64, num()), true);
      return b.slice(0, 8);
    case 'real32':
      dv.setFloat32(0, Number(v), true);
      return b.slice(0, 4);
    case 'real64':
      dv.setFloat64(0, Number(v), true);
      return b.slice(0, 8);
    case 'guid':
      return guidBytes(String(v));
    case 'filetime':
      dv.setBigUint64(0, typeof v === 'string' ? isoToFiletime(v) : BigInt.asUintN(64, num()), true);
      return b.slice(0, 8);
    case 'systemtime':
      return systemtimeBytes(String(v));
    case 'sid':
      return sidBytes(String(v));
    case 'string':
      return utf16(`${String(v)}\0`);
    case 'ansi':
      return Uint8Array.from(`${String(v)}\0`, (c) => c.charCodeAt(0) & 0xff);
  }
}

/** The type code of a value (arrays with 0x80). */
export function valueTypeCode(v: BuilderValue): number {
  if (v.type === 'raw') return v.code;
  if (v.type === 'array') return VALUE_TYPE[v.of] | 0x80;
  return VALUE_TYPE[v.type];
}

/** A value's bytes, for every type except `binxml` (which needs chunk context). */
export function plainValueBytes(v: Exclude<BuilderValue, { type: 'binxml' }>): Uint8Array {
  switch (v.type) {
    case 'null':
      return new Uint8Array(0);
    case 'string':
      return utf16(v.nul ? `${v.value}\0` : v.value);
    case 'ansi':
      return Uint8Array.from(v.value, (c) => c.charCodeAt(0) & 0xff);
    case 'binary':
      return v.value;
    case 'raw':
      return v.bytes;
    case 'sizet':
      return scalarBytes('sizet', v.value, v.width ?? 8);
    case 'array':
      return concat(v.values.map((x) => scalarBytes(v.of, x)));
    default:
      return scalarBytes(v.type, v.value);
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The 16-bit name hash stored with each name (hash * 65599 + char, low 16 bits kept). */
export function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 65599) + name.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

// ---------------------------------------------------------------------------------------
// Growable writer positioned in a chunk

export class ByteSink {
  buf = new Uint8Array(256);
  len = 0;
  /** `base`: chunk-relative offset of byte 0 of this sink. */
  constructor(readonly base: number) {}
  here(): number {
    return this.base + this.len;
  }
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.len));
    this.buf = nb;
  }
  u8(v: number): void {
    this.grow(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.u8(v);
    this.u8(v >>> 8);
  }
  u32(v: number): void {
    this.u16(v & 0xffff);
    this.u16(v >>> 16);
  }
  u64(v: bigint): void {
    this.u32(Number(v & 0xffffffffn));
    this.u32(Number((v >> 32n) & 0xffffffffn));
  }
  bytes(b: Uint8Array): void {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** Reserve a u32 and return its position (sink-relative) for `patch32`. */
  reserve32(): number {
    const at = this.len;
    this.u32(0);
    return at;
  }
  patch32(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = (v >>> 16) & 0xff;
    this.buf[at + 3] = (v >>> 24) & 0xff;
  }
  patch16(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
  }
  out(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Per-chunk tables: names and template definitions already written (chunk-relative offsets). */
export interface ChunkTables {
  names: Map<string, number>;
  nameBuckets: number[];
  templates: Map<string, number>;
  templateBuckets: number[];
}

export function newTables(): ChunkTables {
  return {
    names: new Map(),
    nameBuckets: new Array(64).fill(0),
    templates: new Map(),
    templateBuckets: new Array(32).fill(0),
  };
}

export function cloneTables(t: ChunkTables): ChunkTables {
  return {
    names: new Map(t.names),
    nameBuckets: [...t.nameBuckets],
    templates: new Map(t.templates),
    templateBuckets: [...t.templateBuckets],
  };
}

/** Absolute-in-sink positions of template definition offset fields, for defect injection. */
export interface EncodeNotes {
  templateRefs: number[];
}

/**
 * Content pieces that continue a value: a text token before them carries the 0x40 "more" flag
 * (libevtx accepts the flag on value tokens only, so other tokens never get it).
 */
function isTextLike(n: Node | undefined): boolean {
  return n !== undefined && ['text', 'cdata', 'charref', 'entityref', 'subst'].includes(n.kind);
}

/** Writes BinXml into `w`, using and updating the chunk tables `t`. */
export class BinXmlEncoder {
  constructor(
    readonly w: ByteSink,
    readonly t: ChunkTables,
    readonly notes: EncodeNotes = { templateRefs: [] },
  ) {}

  fragmentHeader(): void {
    this.w.bytes(Uint8Array.of(0x0f, 0x01, 0x01, 0x00));
  }

  /** A name reference: the offset of an earlier copy, or the name inline right here. */
  name(name: string): void {
    const known = this.t.names.get(name);
    if (known !== undefined) {
      this.w.u32(known);
      return;
    }
    const at = this.w.here() + 4;
    this.w.u32(at);
    const hash = nameHash(name);
    const bucket = hash % 64;
    this.w.u32(this.t.nameBuckets[bucket] ?? 0);
    this.t.nameBuckets[bucket] = at;
    this.t.names.set(name, at);
    this.w.u16(hash);
    this.w.u16(name.length);
    this.w.bytes(utf16(name));
    this.w.u16(0);
  }

  /** `depId`: write the dependency identifier (absent for elements directly in a BinXml value). */
  node(n: Node, depId = true, more = false): void {
    const w = this.w;
    switch (n.kind) {
      case 'element': {
        const attrs = n.attrs ?? [];
        w.u8(attrs.length ? 0x41 : 0x01);
        if (depId) w.u16(0xffff);
        const sizeAt = w.reserve32();
        this.name(n.name);
        if (attrs.length) {
          const listAt = w.reserve32();
          attrs.forEach((a, i) => {
            w.u8(i < attrs.length - 1 ? 0x46 : 0x06);
            this.name(a.name);
            a.value.forEach((c, j) => {
              this.node(c, depId, j < a.value.length - 1);
            });
          });
          w.patch32(listAt, w.len - listAt - 4);
        }
        const kids = n.children ?? [];
        if (kids.length === 0) w.u8(0x03);
        else {
          w.u8(0x02);
          kids.forEach((c, j) => {
            this.node(c, depId, isTextLike(kids[j + 1]));
          });
          w.u8(0x04);
        }
        w.patch32(sizeAt, w.len - sizeAt - 4);
        return;
      }
      case 'text':
        w.u8((n.more ?? more) ? 0x45 : 0x05);
        w.u8(0x01);
        w.u16(n.value.length);
        w.bytes(utf16(n.value));
        return;
      case 'subst':
        w.u8(n.optional ? 0x0e : 0x0d);
        w.u16(n.index);
        w.u8(typeof n.type === 'number' ? n.type : VALUE_TYPE[n.type]);
        return;
      case 'cdata':
        w.u8(0x07);
        w.u16(n.value.length);
        w.bytes(utf16(n.value));
        return;
      case 'charref':
        w.u8(0x08);
        w.u16(n.code);
        return;
      case 'entityref':
        w.u8(0x09);
        this.name(n.name);
        return;
      case 'pi':
        w.u8(0x0a);
        this.name(n.target);
        w.u8(0x0b);
        w.u16(n.data.length);
        w.bytes(utf16(n.data));
        return;
      case 'template':
        this.templateInstance(n.def, n.values);
        return;
      case 'raw':
        w.bytes(n.bytes);
        return;
    }
  }

  templateInstance(def: TemplateDef, values: BuilderValue[]): void {
    const w = this.w;
    const gb = guidBytes(def.guid);
    const id = (gb[0] ?? 0) | ((gb[1] ?? 0) << 8) | ((gb[2] ?? 0) << 16) | ((gb[3] ?? 0) << 24);
    w.u8(0x0c);
    w.u8(0x01);
    w.u32(id >>> 0);
    this.notes.templateRefs.push(w.len);
    const known = this.t.templates.get(def.guid.toUpperCase());
    if (known !== undefined) w.u32(known);
    else {
      const at = w.here() + 4;
      w.u32(at);
      const bucket = (id >>> 0) % 32;
      w.u32(this.t.templateBuckets[bucket] ?? 0);
      this.t.templateBuckets[bucket] = at;
      this.t.templates.set(def.guid.toUpperCase(), at);
      w.bytes(gb);
      const sizeAt = w.reserve32();
      this.fragmentHeader();
      this.node(def.root, true);
      w.u8(0x00);
      w.patch32(sizeAt, w.len - sizeAt - 4);
    }
    // Instance data: count, descriptors (size, type, 0), then the values.
    w.u32(values.length);
    const descAt = w.len;
    for (let i = 0; i < values.length; i++) w.u32(0);
    values.forEach((v, i) => {
      const start = w.len;
      if (v.type === 'binxml' && v.bare) for (const c of v.value) this.node(c, false);
      else if (v.type === 'binxml') {
        this.fragmentHeader();
        for (const c of v.value) this.node(c, true);
        w.u8(0x00);
      } else w.bytes(plainValueBytes(v));
      const size = w.len - start;
      if (size > 0xffff)
        throw new RangeError(`value ${i} is ${size} bytes; a descriptor holds at most 65535`);
      w.patch16(descAt + i * 4, size);
      w.buf[descAt + i * 4 + 2] = valueTypeCode(v);
      w.buf[descAt + i * 4 + 3] = 0;
    });
  }
}
