/**
 * @module sources/evtx/record
 * One event record: `**\0\0` magic, size (u32), record number (u64), written time
 * (FILETIME), BinXml, and a copy of the size at the end. A record is parsed into its node
 * tree; a bad record becomes one issue with its byte offset and never stops the chunk.
 */

import { type Issue, issue } from '../../core/issue.js';
import { err, ok, type Result } from '../../core/result.js';
import { type ByteReader, ReadFault } from '../binary/byte-reader.js';
import type { Node } from './binxml/nodes.js';
import type { ChunkBinXml } from './binxml/parser.js';

export const RECORD_MAGIC = Uint8Array.of(0x2a, 0x2a, 0x00, 0x00);
/** Header (24 bytes) plus the trailing size copy. */
export const RECORD_MIN_SIZE = 28;

/** One parsed record: its header and its BinXml tree (rendered lazily). */
export interface EvtxRecord {
  /** The record number in the record header (exported logs renumber it). */
  recordNumber: number;
  /** Byte offset of the record in the file. */
  offset: number;
  /** Index of its chunk in the file, by position. */
  chunk: number;
  /** Integrity notes that did not stop parsing (`chunk-data-crc-mismatch`, `recovered`, ...). */
  flags: string[];
  /** Record size in bytes. */
  size: number;
  /** The record header's written time (ISO 8601 UTC, 7 fractional digits). */
  writtenTime: string;
  /** The BinXml tree: usually one template instance of an `Event` element. */
  nodes: Node[];
}

function loc(r: ByteReader, off: number): { file?: string; offset: number } {
  const at = r.base + off;
  return r.file === undefined ? { offset: at } : { file: r.file, offset: at };
}

/** True when the trailing size copy agrees with the header (a mismatch is a flag, not a failure). */
export function sizeCopyMatches(r: ByteReader, pos: number, size: number): boolean {
  return r.u32(pos + size - 4, 'record.size-copy') === size;
}

/** Why the record header at `pos` is unusable, or its size when it is sane. */
export function checkRecordHeader(r: ByteReader, pos: number, limit: number): Issue | number {
  if (!r.matches(pos, RECORD_MAGIC)) {
    return issue('evtx.record-bad-magic', 'record signature is not **\\0\\0', loc(r, pos));
  }
  if (pos + 8 > limit) return r.truncated(pos, 8, 'record.header');
  const size = r.u32(pos + 4, 'record.size');
  if (size < RECORD_MIN_SIZE || pos + size > limit) {
    return issue('evtx.record-bad-size', `invalid record data size ${size}`, loc(r, pos), {
      size,
      room: limit - pos,
    });
  }
  return size;
}

/** Parse the record at chunk offset `pos` whose header `checkRecordHeader` accepted. */
export function parseRecord(
  bx: ChunkBinXml,
  pos: number,
  size: number,
  chunk: number,
  flags: string[],
): Result<EvtxRecord, Issue> {
  const r = bx.r;
  try {
    const recordNumber = r.u64(pos + 8, 'record.number');
    const writtenTime = r.filetime(pos + 16, 'record.written-time');
    const nodes = bx.parseRecord(pos + 24, pos + size - 4);
    return ok({ recordNumber, offset: r.base + pos, chunk, flags, size, writtenTime, nodes });
  } catch (e) {
    if (!(e instanceof ReadFault)) throw e;
    const i = e.issue;
    // Name the record in the issue so a reader can find it (the fault's own offset is kept in details).
    return err(
      issue(i.code, `record at offset ${r.base + pos}: ${i.message}`, loc(r, pos), {
        ...(i.details ?? {}),
        faultOffset: i.location?.offset,
      }),
    );
  }
}
