/**
 * @module test/utils/evtx-builder
 * The project's EVTX writer (test utility): builds valid `.evtx` bytes — file header, 64 KiB
 * chunks with string and template tables and CRCs, records, BinXml with templates and every
 * value type — and dirty ones through defect injectors (`./evtx-defects.ts`).
 *
 * Two levels:
 * - `buildEvtx(events)`: Windows-shaped `Event/System/EventData` records, one template per
 *   provider + event shape, defined in the first record of each chunk and referenced after.
 * - `buildEvtxRecords(records)`: arbitrary BinXml node trees (`./evtx-binxml.ts`).
 *
 * Written from libyal's EVTX notes and MS-EVEN6; checked against libevtx's `evtxexport`.
 */
import { createHash } from 'node:crypto';
import {
  BinXmlEncoder,
  type BuilderValue,
  ByteSink,
  type ChunkTables,
  cloneTables,
  crc32,
  type EncodeNotes,
  isoToFiletime,
  type Node,
  newTables,
  type TemplateDef,
  VALUE_TYPE,
  valueTypeCode,
} from './evtx-binxml.js';
import { applyDefects, type Defect } from './evtx-defects.js';

export * from './evtx-binxml.js';
export type { Defect } from './evtx-defects.js';
export { applyDefects, recomputeCrcs } from './evtx-defects.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

/** One record for the low-level API. */
export interface RecordSpec {
  recordNumber: number | bigint;
  /** Record-header written time: ISO UTC or FILETIME ticks. */
  written: string | bigint;
  /** BinXml after the fragment header and before EOF (usually one element or one template instance). */
  body: Node[];
  /** Start a new chunk with this record. */
  newChunk?: boolean;
}

export interface BuildOptions {
  /** Most records per chunk (chunks also close when 64 KiB is full). Default: unbounded. */
  chunkCapacity?: number;
  /** File-header flags (0x1 dirty, 0x2 full). Default 0. */
  fileFlags?: number;
  /** Format minor version (1 or 2). Default 1. */
  minorVersion?: number;
  /** Defects applied after building (see `Defect`). */
  dirty?: Defect[];
  /** Pad every record with zeros to a multiple of 8 bytes, as Windows writes them. Default false. */
  alignRecords?: boolean;
}

export interface RecordLayout {
  /** Absolute file offset of the record. */
  offset: number;
  size: number;
  recordNumber: number;
  /** Absolute file offsets of each template instance's definition-offset field. */
  templateRefs: number[];
}

export interface ChunkLayout {
  /** Absolute file offset of the chunk. */
  offset: number;
  records: RecordLayout[];
}

export interface EvtxLayout {
  chunks: ChunkLayout[];
}

export interface BuiltEvtx {
  bytes: Uint8Array;
  /** Where everything is, before defects (defects never move chunks or records). */
  layout: EvtxLayout;
}

interface OpenChunk {
  buf: Uint8Array;
  pos: number;
  tables: ChunkTables;
  records: Array<RecordLayout & { recordNumber: number }>;
}

function ticks(v: string | bigint): bigint {
  return typeof v === 'bigint' ? v : isoToFiletime(v);
}

function encodeRecord(
  rec: RecordSpec,
  pos: number,
  tables: ChunkTables,
  align: boolean,
): { bytes: Uint8Array; refs: number[] } {
  const w = new ByteSink(pos);
  const notes: EncodeNotes = { templateRefs: [] };
  const enc = new BinXmlEncoder(w, tables, notes);
  w.bytes(Uint8Array.of(0x2a, 0x2a, 0x00, 0x00));
  const sizeAt = w.reserve32();
  w.u64(BigInt(rec.recordNumber));
  w.u64(ticks(rec.written));
  enc.fragmentHeader();
  for (const n of rec.body) enc.node(n, true);
  w.u8(0x00);
  if (align) while ((w.len + 4) % 8 !== 0) w.u8(0x00);
  const size = w.len + 4;
  w.patch32(sizeAt, size);
  w.u32(size);
  return { bytes: w.out(), refs: notes.templateRefs };
}

function sealChunk(c: OpenChunk): Uint8Array {
  const b = c.buf;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  b.set(new TextEncoder().encode('ElfChnk\0'), 0);
  const first = c.records[0];
  const last = c.records[c.records.length - 1];
  const firstN = BigInt(first?.recordNumber ?? 0);
  const lastN = BigInt(last?.recordNumber ?? 0);
  dv.setBigUint64(8, firstN, true);
  dv.setBigUint64(16, lastN, true);
  dv.setBigUint64(24, firstN, true);
  dv.setBigUint64(32, lastN, true);
  dv.setUint32(40, 128, true);
  dv.setUint32(44, last ? last.offset : 0, true);
  dv.setUint32(48, c.pos, true);
  c.tables.nameBuckets.forEach((o, i) => {
    dv.setUint32(128 + i * 4, o, true);
  });
  c.tables.templateBuckets.forEach((o, i) => {
    dv.setUint32(384 + i * 4, o, true);
  });
  dv.setUint32(52, crc32(b.subarray(CHUNK_HEADER_SIZE, c.pos)), true);
  dv.setUint32(124, crc32(Buffer.concat([b.subarray(0, 120), b.subarray(128, 512)])), true);
  return b;
}

function fileHeader(chunkCount: number, nextRecordId: bigint, opts: BuildOptions): Uint8Array {
  const h = new Uint8Array(FILE_HEADER_SIZE);
  const dv = new DataView(h.buffer);
  h.set(new TextEncoder().encode('ElfFile\0'), 0);
  dv.setBigUint64(8, 0n, true);
  dv.setBigUint64(16, BigInt(Math.max(0, chunkCount - 1)), true);
  dv.setBigUint64(24, nextRecordId, true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, opts.minorVersion ?? 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(40, FILE_HEADER_SIZE, true);
  dv.setUint16(42, chunkCount, true);
  dv.setUint32(120, opts.fileFlags ?? 0, true);
  dv.setUint32(124, crc32(h.subarray(0, 120)), true);
  return h;
}

/**
 * Low-level: records of arbitrary BinXml, packed into chunks in order.
 * Throws `RangeError` for a record that cannot fit an empty chunk (a builder misuse, not a defect).
 */
export function buildEvtxRecords(records: RecordSpec[], opts: BuildOptions = {}): BuiltEvtx {
  const cap = opts.chunkCapacity ?? Number.POSITIVE_INFINITY;
  const sealed: Uint8Array[] = [];
  const layout: EvtxLayout = { chunks: [] };
  const fresh = (): OpenChunk => ({
    buf: new Uint8Array(CHUNK_SIZE),
    pos: CHUNK_HEADER_SIZE,
    tables: newTables(),
    records: [],
  });
  let cur = fresh();
  let maxNumber = 0n;
  const close = (): void => {
    const base = FILE_HEADER_SIZE + sealed.length * CHUNK_SIZE;
    layout.chunks.push({
      offset: base,
      records: cur.records.map((r) => ({
        ...r,
        offset: base + r.offset,
        templateRefs: r.templateRefs.map((t) => base + t),
      })),
    });
    sealed.push(sealChunk(cur));
    cur = fresh();
  };
  for (const rec of records) {
    if (cur.records.length > 0 && (rec.newChunk || cur.records.length >= cap)) close();
    for (let attempt = 0; ; attempt++) {
      const tables = cloneTables(cur.tables);
      const { bytes, refs } = encodeRecord(rec, cur.pos, tables, opts.alignRecords ?? false);
      if (cur.pos + bytes.length <= CHUNK_SIZE) {
        cur.buf.set(bytes, cur.pos);
        cur.records.push({
          offset: cur.pos,
          size: bytes.length,
          recordNumber: Number(rec.recordNumber),
          templateRefs: refs.map((r) => cur.pos + r),
        });
        cur.tables = tables;
        cur.pos += bytes.length;
        break;
      }
      if (cur.records.length === 0 || attempt > 0) {
        throw new RangeError(
          `record ${rec.recordNumber} is ${bytes.length} bytes and does not fit in a chunk`,
        );
      }
      close();
    }
    const n = BigInt(rec.recordNumber);
    if (n > maxNumber) maxNumber = n;
  }
  if (cur.records.length > 0) close();
  const bytes = new Uint8Array(FILE_HEADER_SIZE + sealed.length * CHUNK_SIZE);
  bytes.set(fileHeader(sealed.length, records.length ? maxNumber + 1n : 1n, opts), 0);
  sealed.forEach((c, i) => {
    bytes.set(c, FILE_HEADER_SIZE + i * CHUNK_SIZE);
  });
  return { bytes: opts.dirty?.length ? applyDefects(bytes, layout, opts.dirty) : bytes, layout };
}

// ---------------------------------------------------------------------------------------
// High level: Windows-shaped events

export type BuilderScalar = string | number | boolean | null;

export interface BuilderEvent {
  channel: string;
  provider: string;
  providerGuid?: string;
  eventId: number;
  /** ISO UTC, up to 7 fractional digits. */
  timestamp: string;
  computer: string;
  /** The `EventRecordID` inside the event and the record-header number. */
  recordId: number;
  userSid?: string;
  level?: number;
  task?: number;
  opcode?: number;
  /** Hex, e.g. `0x8020000000000000`. Default `0x8000000000000000`. */
  keywords?: string;
  version?: number;
  processId?: number;
  threadId?: number;
  /** `<Data Name=k>v</Data>`: strings, numbers (uint32/uint64/int64/real64), booleans, null, or typed values. */
  data: Record<string, BuilderScalar | BuilderValue>;
}

function isBuilderValue(v: unknown): v is BuilderValue {
  return typeof v === 'object' && v !== null && 'type' in v;
}

/** The typed value a high-level data entry becomes. */
export function toBuilderValue(v: BuilderScalar | BuilderValue): BuilderValue {
  if (isBuilderValue(v)) return v;
  if (v === null) return { type: 'null' };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  if (!Number.isInteger(v)) return { type: 'real64', value: v };
  if (v < 0) return { type: 'int64', value: BigInt(v) };
  return v <= 0xffffffff ? { type: 'uint32', value: v } : { type: 'uint64', value: BigInt(v) };
}

/** Substitution indices of the System part of the standard template. */
export const SYSTEM_SUBST = {
  level: 0,
  opcode: 1,
  task: 2,
  eventId: 3,
  version: 4,
  keywords: 5,
  timeCreated: 6,
  eventRecordId: 7,
  processId: 8,
  threadId: 9,
  channel: 10,
  computer: 11,
  userSid: 12,
  providerGuid: 13,
} as const;
const FIRST_DATA_SUBST = 14;

const s = (index: number, type: keyof typeof VALUE_TYPE | number, optional = false): Node => ({
  kind: 'subst',
  index,
  type,
  optional,
});
const e = (name: string, attrs: Array<[string, Node[]]>, children: Node[] = []): Node => ({
  kind: 'element',
  name,
  attrs: attrs.map(([n, value]) => ({ name: n, value })),
  children,
});

function guidFromKey(key: string): string {
  const h = createHash('sha256').update(key).digest('hex').toUpperCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}}`;
}

/**
 * The template Windows would use for this event's shape: the provider name is literal, every
 * other System value and each `Data` value a substitution (optional ones for Guid, ProcessID,
 * ThreadID and UserID, which disappear when null).
 */
export function eventTemplate(ev: BuilderEvent): TemplateDef {
  const names = Object.keys(ev.data);
  const types = names.map((n) => {
    const v = ev.data[n];
    const bv = toBuilderValue(v === undefined ? null : v);
    return bv.type === 'null' ? VALUE_TYPE.string : valueTypeCode(bv);
  });
  const key = JSON.stringify([ev.provider, ev.eventId, names, types]);
  const dataNodes = names.map((n, i) =>
    e(
      'Data',
      [['Name', [{ kind: 'text', value: n }]]],
      [s(FIRST_DATA_SUBST + i, types[i] ?? VALUE_TYPE.string, true)],
    ),
  );
  const S = SYSTEM_SUBST;
  const root = e(
    'Event',
    [['xmlns', [{ kind: 'text', value: EVENT_NS }]]],
    [
      e(
        'System',
        [],
        [
          e('Provider', [
            ['Name', [{ kind: 'text', value: ev.provider }]],
            ['Guid', [s(S.providerGuid, 'guid', true)]],
          ]),
          e('EventID', [], [s(S.eventId, 'uint16')]),
          e('Version', [], [s(S.version, 'uint8')]),
          e('Level', [], [s(S.level, 'uint8')]),
          e('Task', [], [s(S.task, 'uint16')]),
          e('Opcode', [], [s(S.opcode, 'uint8')]),
          e('Keywords', [], [s(S.keywords, 'hex64')]),
          e('TimeCreated', [['SystemTime', [s(S.timeCreated, 'filetime')]]]),
          e('EventRecordID', [], [s(S.eventRecordId, 'uint64')]),
          e('Correlation', []),
          e('Execution', [
            ['ProcessID', [s(S.processId, 'uint32', true)]],
            ['ThreadID', [s(S.threadId, 'uint32', true)]],
          ]),
          e('Channel', [], [s(S.channel, 'string')]),
          e('Computer', [], [s(S.computer, 'string')]),
          e('Security', [['UserID', [s(S.userSid, 'sid', true)]]]),
        ],
      ),
      e('EventData', [], dataNodes),
    ],
  );
  return { guid: guidFromKey(key), root };
}

/** The substitution values of an event for `eventTemplate(ev)`. */
export function eventValues(ev: BuilderEvent): BuilderValue[] {
  const opt = <T>(v: T | undefined, f: (x: T) => BuilderValue): BuilderValue =>
    v === undefined ? { type: 'null' } : f(v);
  const sys: BuilderValue[] = [
    { type: 'uint8', value: ev.level ?? 4 },
    { type: 'uint8', value: ev.opcode ?? 0 },
    { type: 'uint16', value: ev.task ?? 0 },
    { type: 'uint16', value: ev.eventId },
    { type: 'uint8', value: ev.version ?? 0 },
    { type: 'hex64', value: BigInt(ev.keywords ?? '0x8000000000000000') },
    { type: 'filetime', value: ev.timestamp },
    { type: 'uint64', value: BigInt(ev.recordId) },
    opt(ev.processId, (v) => ({ type: 'uint32', value: v })),
    opt(ev.threadId, (v) => ({ type: 'uint32', value: v })),
    { type: 'string', value: ev.channel },
    { type: 'string', value: ev.computer },
    opt(ev.userSid, (v) => ({ type: 'sid', value: v })),
    opt(ev.providerGuid, (v) => ({ type: 'guid', value: v })),
  ];
  return [...sys, ...Object.values(ev.data).map((v) => toBuilderValue(v))];
}

/** One high-level event as a low-level record (a template instance). */
export function eventToRecord(ev: BuilderEvent): RecordSpec {
  return {
    recordNumber: ev.recordId,
    written: ev.timestamp,
    body: [{ kind: 'template', def: eventTemplate(ev), values: eventValues(ev) }],
  };
}

/** High level, with the layout (for tests that inject defects by position). */
export function buildEvtxDetailed(events: BuilderEvent[], opts: BuildOptions = {}): BuiltEvtx {
  return buildEvtxRecords(events.map(eventToRecord), opts);
}

/** High level: Windows-shaped events → `.evtx` bytes. */
export function buildEvtx(events: BuilderEvent[], opts: BuildOptions = {}): Uint8Array {
  return buildEvtxDetailed(events, opts).bytes;
}
