/**
 * @module sources/evtx/file
 * Whole-file parsing: the file header, then every 64 KiB position after it scanned for a
 * chunk, whatever the header's chunk count says (files carry chunks past it). All-zero chunks
 * are skipped silently; anything else without the chunk magic is one issue with its offset.
 */

import { Buffer } from 'node:buffer';
import { type Issue, issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { ByteReader } from '../binary/byte-reader.js';
import { CHUNK_HEADER_SIZE, CHUNK_MAGIC, CHUNK_SIZE, parseChunkBytes } from './chunk.js';
import { type EvtxFileHeaderInfo, FILE_HEADER_BLOCK, FILE_MAGIC, parseFileHeader } from './file-header.js';
import type { EvtxRecord } from './record.js';

export interface EvtxParseResult {
  header: EvtxFileHeaderInfo | null;
  items: Array<Result<EvtxRecord, Issue>>;
  /** File- and chunk-level issues (bad header, bad chunk magic, ...). Record issues are in `items`. */
  issues: Issue[];
}

export interface ParseOptions {
  file?: string;
  recover?: boolean;
}

function hasMagic(b: Uint8Array, off: number, magic: Uint8Array): boolean {
  if (off + magic.length > b.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[off + i] !== magic[i]) return false;
  return true;
}

const ZERO = new Uint8Array(CHUNK_SIZE);

function allZero(b: Uint8Array): boolean {
  if (b.length <= ZERO.length)
    return Buffer.from(b.buffer, b.byteOffset, b.length).equals(ZERO.subarray(0, b.length));
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** What the first bytes say: a file with header, a bare chunk, or neither. */
export function layoutOf(head: Uint8Array): 'file' | 'chunk' | null {
  if (hasMagic(head, 0, FILE_MAGIC)) return 'file';
  if (hasMagic(head, 0, CHUNK_MAGIC)) return 'chunk';
  return null;
}

/** Parse the file header block; returns the header (or null) and flags for every record. */
export function readHeaderBlock(
  head: Uint8Array,
  file: string,
): { header: EvtxFileHeaderInfo | null; flags: string[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const flags: string[] = [];
  const res = parseFileHeader(new ByteReader(head, { file }));
  if (!res.ok) return { header: null, flags, issues: [...res.issues] };
  const header = res.value;
  if (!header.crcOk) flags.push('file-header-crc-mismatch');
  if (header.majorVersion !== 3) {
    issues.push(
      issue(
        'evtx.unknown-version',
        `format version ${header.majorVersion}.${header.minorVersion}`,
        { file, offset: 36 },
        {},
        'warning',
      ),
    );
  }
  return { header, flags, issues };
}

/** One chunk-sized block at `offset`: parsed when it is a chunk, skipped when zero, else an issue. */
export function parseBlock(
  block: Uint8Array,
  file: string,
  chunkIndex: number,
  offset: number,
  flags: readonly string[],
  recover: boolean,
): { items: Array<Result<EvtxRecord, Issue>>; issues: Issue[] } {
  if (!hasMagic(block, 0, CHUNK_MAGIC)) {
    if (allZero(block)) return { items: [], issues: [] };
    const why =
      block.length < CHUNK_HEADER_SIZE
        ? issue(
            'truncated',
            `trailing ${block.length} bytes are too short for a chunk`,
            { file, offset },
            {
              what: 'chunk.header',
              offset,
              need: CHUNK_HEADER_SIZE,
              have: block.length,
            },
          )
        : issue(
            'evtx.chunk-bad-magic',
            `chunk ${chunkIndex} has no ElfChnk signature`,
            { file, offset },
            { chunk: chunkIndex },
          );
    return { items: [], issues: [why] };
  }
  return parseChunkBytes(block, { file, chunkIndex, fileOffset: offset, recover, extraFlags: flags });
}

/**
 * `evtx.file-truncated` when a file with a header ends before the chunks its header promises, or
 * inside a chunk; `null` when it is whole. `length` is the number of bytes the file holds.
 */
export function fileTruncation(header: EvtxFileHeaderInfo, length: number, file: string): Issue | null {
  const data = Math.max(0, length - FILE_HEADER_BLOCK);
  const whole = Math.floor(data / CHUNK_SIZE);
  const partial = data % CHUNK_SIZE;
  const promised = header.chunkCount;
  if (length >= FILE_HEADER_BLOCK && partial === 0 && whole >= promised) return null;
  const where =
    length < FILE_HEADER_BLOCK
      ? 'inside the file header block'
      : partial > 0
        ? `inside chunk ${whole} (${partial} of ${CHUNK_SIZE} bytes)`
        : 'at a chunk boundary';
  return issue(
    'evtx.file-truncated',
    `file ends at offset ${length}, ${where}: the header promises ${promised} chunks, ${whole} complete`,
    { file, offset: length },
    { end: length, promisedChunks: promised, completeChunks: whole, partialChunkBytes: partial },
  );
}

/** Bad-signature chunks reported one by one per file; the rest are counted in one summary issue. */
export const MAX_BAD_CHUNK_ISSUES = 16;

/**
 * Caps `evtx.chunk-bad-magic` issues per file (a large non-EVTX or wiped file would otherwise
 * give one per 64 KiB) while scanning goes on: `admit` says whether to report one, `summary`
 * gives the closing issue for the ones held back.
 */
export class BadChunkCounter {
  private seen = 0;
  constructor(private readonly file: string) {}

  admit(i: Issue): boolean {
    if (i.code !== 'evtx.chunk-bad-magic') return true;
    return ++this.seen <= MAX_BAD_CHUNK_ISSUES;
  }

  summary(): Issue | null {
    const extra = this.seen - MAX_BAD_CHUNK_ISSUES;
    if (extra <= 0) return null;
    return issue(
      'evtx.chunk-bad-magic',
      `${extra} more chunks without an ElfChnk signature (${this.seen} in all; only the first ${MAX_BAD_CHUNK_ISSUES} are listed)`,
      { file: this.file },
      { more: extra, total: this.seen },
    );
  }
}

/** Parse a whole EVTX file (or a bare chunk) held in memory. Never throws on bad bytes. */
export function parseEvtxBytes(bytes: Uint8Array, opts: ParseOptions = {}): EvtxParseResult {
  const file = opts.file ?? '<memory>';
  const recover = opts.recover ?? false;
  const items: Array<Result<EvtxRecord, Issue>> = [];
  const issues: Issue[] = [];
  const layout = layoutOf(bytes);
  let header: EvtxFileHeaderInfo | null = null;
  let flags: string[] = [];
  let start = 0;
  if (layout === 'file') {
    const h = readHeaderBlock(bytes.subarray(0, FILE_HEADER_BLOCK), file);
    header = h.header;
    flags = h.flags;
    issues.push(...h.issues);
    start = FILE_HEADER_BLOCK;
  } else if (layout === null) {
    issues.push(
      issue('evtx.bad-magic', 'not an EVTX file (no ElfFile or ElfChnk signature)', { file, offset: 0 }),
    );
    start = FILE_HEADER_BLOCK;
  }
  const bad = new BadChunkCounter(file);
  for (let off = start, idx = 0; off < bytes.length; off += CHUNK_SIZE, idx++) {
    const res = parseBlock(
      bytes.subarray(off, Math.min(off + CHUNK_SIZE, bytes.length)),
      file,
      idx,
      off,
      flags,
      recover,
    );
    for (const it of res.items) items.push(it);
    for (const i of res.issues) if (bad.admit(i)) issues.push(i);
  }
  const more = bad.summary();
  if (more) issues.push(more);
  const cut = header ? fileTruncation(header, bytes.length, file) : null;
  if (cut) issues.push(cut);
  return { header, items, issues };
}
