/**
 * @module sources/evtx/chunk
 * One 64 KiB chunk (`ElfChnk\0`): a 512-byte header (record numbers, free-space offset,
 * checksums, the string and template pointer tables) and the records after it. Checksums are
 * checked and reported as flags on every record of the chunk, never as failures. Pure: takes
 * the chunk's bytes, returns per-record results, so it can run on a worker thread.
 */

import { type Issue, issue } from '../../core/issue.js';
import { err, type Result } from '../../core/result.js';
import { ByteReader, tryRead } from '../binary/byte-reader.js';
import { crc32 } from '../binary/crc32.js';
import { ChunkBinXml } from './binxml/parser.js';
import {
  checkRecordHeader,
  type EvtxRecord,
  parseRecord,
  RECORD_MAGIC,
  RECORD_MIN_SIZE,
  sizeCopyMatches,
} from './record.js';
import { missingRecordIssues, RecordLedger, recordRange, resyncOffset } from './resync.js';

export const CHUNK_MAGIC = Uint8Array.of(0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00); // "ElfChnk\0"
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;

export interface ChunkContext {
  file: string;
  chunkIndex: number;
  /** Byte offset of the chunk in the file. */
  fileOffset: number;
  /** Carve records from the slack after the last record. */
  recover?: boolean;
  /** Flags added to every record (e.g. `file-header-crc-mismatch`). */
  extraFlags?: readonly string[];
}

export interface ChunkResult {
  items: Array<Result<EvtxRecord, Issue>>;
  issues: Issue[];
}

export interface ChunkHeaderInfo {
  firstRecordNumber: number;
  lastRecordNumber: number;
  firstRecordId: number;
  lastRecordId: number;
  headerSize: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  dataChecksum: number;
  headerChecksum: number;
}

function readHeader(r: ByteReader): Result<ChunkHeaderInfo, Issue> {
  return tryRead(() => {
    r.need(0, CHUNK_HEADER_SIZE, 'chunk.header');
    return {
      firstRecordNumber: r.u64(8, 'chunk.first-record-number'),
      lastRecordNumber: r.u64(16, 'chunk.last-record-number'),
      firstRecordId: r.u64(24, 'chunk.first-record-id'),
      lastRecordId: r.u64(32, 'chunk.last-record-id'),
      headerSize: r.u32(40, 'chunk.header-size'),
      lastRecordOffset: r.u32(44, 'chunk.last-record-offset'),
      freeSpaceOffset: r.u32(48, 'chunk.free-space-offset'),
      dataChecksum: r.u32(52, 'chunk.data-checksum'),
      headerChecksum: r.u32(124, 'chunk.header-checksum'),
    };
  });
}

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** Next `**\0\0` at or after `from` (and before `to`), or -1. */
function findRecordMagic(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 4 <= to; i++) {
    if (b[i] === 0x2a && b[i + 1] === 0x2a && b[i + 2] === 0 && b[i + 3] === 0) return i;
  }
  return -1;
}

/** Parse one chunk's records. Never throws on bad bytes. */
export function parseChunkBytes(chunk: Uint8Array, ctx: ChunkContext): ChunkResult {
  const items: Array<Result<EvtxRecord, Issue>> = [];
  const issues: Issue[] = [];
  const r = new ByteReader(chunk, { base: ctx.fileOffset, file: ctx.file });
  const where = { file: ctx.file, offset: ctx.fileOffset };
  if (!r.matches(0, CHUNK_MAGIC)) {
    issues.push(
      issue('evtx.chunk-bad-magic', `chunk ${ctx.chunkIndex} has no ElfChnk signature`, where, {
        chunk: ctx.chunkIndex,
      }),
    );
    return { items, issues };
  }
  const hr = readHeader(r);
  if (!hr.ok) {
    issues.push(...hr.issues);
    return { items, issues };
  }
  const h = hr.value;
  const flags: string[] = ctx.extraFlags ? [...ctx.extraFlags] : [];
  const headerCrc = crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120)));
  if (headerCrc !== h.headerChecksum) flags.push('chunk-header-crc-mismatch');
  // Free space offset: where records end. Out of range means a corrupt header: use the chunk end.
  let end = h.freeSpaceOffset;
  if (end < CHUNK_HEADER_SIZE || end > CHUNK_SIZE) {
    issues.push(
      issue(
        'evtx.chunk-bad-free-space',
        `chunk ${ctx.chunkIndex} free space offset ${end} is out of range`,
        where,
        {
          chunk: ctx.chunkIndex,
          freeSpaceOffset: end,
        },
        'warning',
      ),
    );
    flags.push('chunk-bad-free-space-offset');
    end = chunk.length;
  } else if (end > chunk.length) {
    // The file ends inside this chunk's used area (reported once per file as evtx.file-truncated):
    // read what is there; the records past the cut are counted as missing below.
    flags.push('chunk-truncated');
    end = chunk.length;
  } else if (crc32(chunk.subarray(CHUNK_HEADER_SIZE, end)) !== h.dataChecksum) {
    flags.push('chunk-data-crc-mismatch');
  }
  const range = recordRange(h.firstRecordId, h.lastRecordId, where, ctx.chunkIndex);
  if (range !== null && 'code' in range) issues.push(range);
  const ledger = range !== null && !('code' in range) ? new RecordLedger(range) : null;
  const bx = new ChunkBinXml(r);
  let pos = CHUNK_HEADER_SIZE;
  while (pos + RECORD_MIN_SIZE <= end) {
    const hdr = checkRecordHeader(r, pos, chunk.length);
    if (typeof hdr !== 'number') {
      // Zero fill after the last record: nothing more here (any record the header still promises
      // is counted as missing). Otherwise the chain is broken: report the broken record and
      // resynchronise on the next record of this chunk inside the used area.
      if (isZero(chunk, pos, end)) break;
      items.push(err(hdr));
      if (!ledger) break;
      ledger.broken();
      const next = resyncOffset(r, pos, end, ledger.range, ledger.high);
      if (next < 0) break;
      pos = next;
      continue;
    }
    const rflags = sizeCopyMatches(r, pos, hdr) ? flags : [...flags, 'record-size-copy-mismatch'];
    const res = parseRecord(bx, pos, hdr, ctx.chunkIndex, rflags);
    items.push(res);
    if (ledger) ledger.seen(res.ok ? res.value.recordNumber : r.u64(pos + 8, 'record.number'));
    pos += hdr;
  }
  if (ctx.recover) recoverSlack(bx, chunk, pos, ctx, flags, items, ledger);
  if (ledger) {
    const runs = ledger.missing();
    const stoppedAt = ctx.fileOffset + pos;
    for (const m of missingRecordIssues(runs, ledger.range, where, ctx.chunkIndex, stoppedAt)) {
      items.push(err(m));
    }
  }
  return { items, issues };
}

/** Carve records from the slack after the last record; each is flagged `recovered`. */
function recoverSlack(
  bx: ChunkBinXml,
  chunk: Uint8Array,
  from: number,
  ctx: ChunkContext,
  flags: readonly string[],
  items: Array<Result<EvtxRecord, Issue>>,
  ledger: RecordLedger | null,
): void {
  const rflags = [...flags, 'recovered'];
  let pos = findRecordMagic(chunk, from, chunk.length);
  while (pos >= 0) {
    const hdr = checkRecordHeader(bx.r, pos, chunk.length);
    let next = pos + RECORD_MAGIC.length;
    if (typeof hdr === 'number') {
      const res = parseRecord(bx, pos, hdr, ctx.chunkIndex, rflags);
      if (res.ok) {
        items.push(res);
        ledger?.seen(res.value.recordNumber);
        next = pos + hdr;
      }
    }
    pos = findRecordMagic(chunk, next, chunk.length);
  }
}
