/**
 * @module test/utils/evtx-defects
 * Defect injectors for the project's EVTX writer: each turns a clean built file into the dirty
 * file a responder meets (bad CRCs, bad magic, torn or truncated chunks, garbage records, bad
 * record sizes, chunks past the header count, template pointers into garbage, slack records).
 *
 * Order of application: structural defects first, then every CRC is recomputed (so a structural
 * defect is not also a CRC defect unless asked), then CRC defects and truncations.
 */
import { crc32 } from './evtx-binxml.js';
import type { EvtxLayout } from './evtx-builder.js';

export type Defect =
  /** Flip the file-header CRC. */
  | { kind: 'file-header-crc' }
  /** Overwrite the file-header signature. */
  | { kind: 'file-header-magic' }
  /** Set the file header's chunk count (lower than real = chunks beyond the header count). */
  | { kind: 'header-chunk-count'; count: number }
  /** Flip chunk `chunk`'s header CRC. */
  | { kind: 'chunk-header-crc'; chunk: number }
  /** Flip chunk `chunk`'s records-data CRC. */
  | { kind: 'chunk-data-crc'; chunk: number }
  /** Overwrite chunk `chunk`'s `ElfChnk\0` signature. */
  | { kind: 'chunk-magic'; chunk: number }
  /** Zero chunk `chunk` from byte `keep` (chunk-relative) to its end: a torn write; CRCs left stale. */
  | { kind: 'truncate-chunk'; chunk: number; keep: number }
  /** Cut the file to `length` bytes. */
  | { kind: 'truncate-file'; length: number }
  /** Replace record `record` of chunk `chunk` (whole record, header included) with PRNG bytes. */
  | { kind: 'garbage-record'; chunk: number; record: number; seed?: number }
  /** Set the record's size field (`copy: true` also sets the trailing size copy). */
  | { kind: 'record-size'; chunk: number; record: number; size: number; copy?: boolean }
  /** Overwrite the record's `**\0\0` signature. */
  | { kind: 'record-magic'; chunk: number; record: number }
  /**
   * Point the record's first template instance at garbage: by default at 64 bytes of PRNG bytes
   * written into the chunk header's unused area (chunk offset 56..120).
   */
  | { kind: 'template-pointer'; chunk: number; record: number; target?: number }
  /**
   * Move the last `count` records of chunk `chunk` into slack space: the chunk header's last
   * record and free-space offset end before them; their bytes stay intact (for `--recover`).
   */
  | { kind: 'slack'; chunk: number; count: number };

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fill(b: Uint8Array, from: number, to: number, seed: number): void {
  const r = prng(seed);
  for (let i = from; i < to; i++) b[i] = Math.floor(r() * 256);
}

function chunkHeaderCrc(b: Uint8Array, off: number): number {
  const hdr = new Uint8Array(120 + 384);
  hdr.set(b.subarray(off, off + 120), 0);
  hdr.set(b.subarray(off + 128, off + 512), 120);
  return crc32(hdr);
}

/** Recompute the file-header CRC and every chunk's header and data CRCs in place. */
export function recomputeCrcs(b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length >= 128) dv.setUint32(124, crc32(b.subarray(0, 120)), true);
  for (let off = 4096; off + 65536 <= b.length; off += 65536) {
    const free = dv.getUint32(off + 48, true);
    if (free >= 512 && free <= 65536) dv.setUint32(off + 52, crc32(b.subarray(off + 512, off + free)), true);
    dv.setUint32(off + 124, chunkHeaderCrc(b, off), true);
  }
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RangeError(`defect refers to a missing ${what}`);
  return v;
}

/** Apply defects to a copy of `bytes` (see the module notes for the order). */
export function applyDefects(bytes: Uint8Array, layout: EvtxLayout, defects: Defect[]): Uint8Array {
  let b = bytes.slice();
  const dv = new DataView(b.buffer);
  const chunkAt = (i: number) => need(layout.chunks[i], `chunk ${i}`);
  const recAt = (c: number, r: number) => need(chunkAt(c).records[r], `record ${r} of chunk ${c}`);
  for (const d of defects) {
    switch (d.kind) {
      case 'header-chunk-count':
        dv.setUint16(42, d.count, true);
        dv.setBigUint64(16, BigInt(Math.max(0, d.count - 1)), true);
        break;
      case 'chunk-magic':
        b.set(new TextEncoder().encode('ElfJunk\0'), chunkAt(d.chunk).offset);
        break;
      case 'garbage-record': {
        const r = recAt(d.chunk, d.record);
        fill(b, r.offset, r.offset + r.size, d.seed ?? 0x5eed);
        break;
      }
      case 'record-size': {
        const r = recAt(d.chunk, d.record);
        dv.setUint32(r.offset + 4, d.size >>> 0, true);
        if (d.copy) dv.setUint32(r.offset + r.size - 4, d.size >>> 0, true);
        break;
      }
      case 'record-magic':
        b.set([0x2b, 0x2b, 0x01, 0x00], recAt(d.chunk, d.record).offset);
        break;
      case 'template-pointer': {
        const c = chunkAt(d.chunk);
        const ref = need(recAt(d.chunk, d.record).templateRefs[0], 'template instance');
        let target = d.target;
        if (target === undefined) {
          fill(b, c.offset + 56, c.offset + 120, 0x7e57);
          target = 56;
        }
        dv.setUint32(ref, target >>> 0, true);
        break;
      }
      case 'slack': {
        const c = chunkAt(d.chunk);
        const keep = c.records.length - d.count;
        const last = need(c.records[keep - 1], `record ${keep - 1} of chunk ${d.chunk}`);
        const firstSlack = need(c.records[keep], `record ${keep} of chunk ${d.chunk}`);
        dv.setBigUint64(c.offset + 16, BigInt(last.recordNumber), true);
        dv.setBigUint64(c.offset + 32, BigInt(last.recordNumber), true);
        dv.setUint32(c.offset + 44, last.offset - c.offset, true);
        dv.setUint32(c.offset + 48, firstSlack.offset - c.offset, true);
        break;
      }
      default:
        break;
    }
  }
  recomputeCrcs(b);
  let cut: number | undefined;
  // The data CRC lies inside the header CRC's range: break it first and re-seal the header, so
  // that only the data CRC is wrong (unless a header-CRC defect follows).
  const late = [...defects].sort(
    (x, y) => Number(y.kind === 'chunk-data-crc') - Number(x.kind === 'chunk-data-crc'),
  );
  for (const d of late) {
    switch (d.kind) {
      case 'file-header-crc':
        dv.setUint32(124, dv.getUint32(124, true) ^ 0xdeadbeef, true);
        break;
      case 'file-header-magic':
        b.set(new TextEncoder().encode('ElfJunk\0'), 0);
        break;
      case 'chunk-header-crc': {
        const o = chunkAt(d.chunk).offset + 124;
        dv.setUint32(o, dv.getUint32(o, true) ^ 0xdeadbeef, true);
        break;
      }
      case 'chunk-data-crc': {
        const off = chunkAt(d.chunk).offset;
        dv.setUint32(off + 52, dv.getUint32(off + 52, true) ^ 0xdeadbeef, true);
        dv.setUint32(off + 124, chunkHeaderCrc(b, off), true);
        break;
      }
      case 'truncate-chunk': {
        const c = chunkAt(d.chunk);
        b.fill(0, c.offset + d.keep, c.offset + 65536);
        break;
      }
      case 'truncate-file':
        cut = Math.min(cut ?? d.length, d.length);
        break;
      default:
        break;
    }
  }
  if (cut !== undefined) b = b.slice(0, cut);
  return b;
}
