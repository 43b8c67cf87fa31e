/**
 * @module sources/evtx
 * Public surface of the EVTX reader: whole-file and per-chunk parsing (pure, worker-safe),
 * the streaming reader, the event mapping, Windows-style XML, and the source descriptor.
 */
import type { Issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import type { SniffInput, SourceDescriptor } from '../types.js';
import type { ChunkContext } from './chunk.js';
import { layoutOf, parseBlock } from './file.js';
import type { EvtxRecord } from './record.js';
import { renderNodesXml } from './render-xml.js';
import { readEvtx, readEvtxBatches } from './stream.js';

export { LIMITS as EVTX_LIMITS } from './binxml/tokens.js';
export type { ChunkContext, ChunkHeaderInfo } from './chunk.js';
export { CHUNK_SIZE } from './chunk.js';
export type { EvtxParseResult, ParseOptions } from './file.js';
export { fileTruncation, layoutOf, parseEvtxBytes, readHeaderBlock } from './file.js';
export type { EvtxFileHeaderInfo } from './file-header.js';
export { FILE_HEADER_BLOCK } from './file-header.js';
export type { EvtxRecord } from './record.js';
export { MAX_RECORDS_PER_CHUNK } from './resync.js';
export { readEvtx, readEvtxBatches, recordItem } from './stream.js';
export { recordToEvent } from './to-event.js';

/**
 * Parse one 64 KiB chunk given its bytes and where it sits in the file. Pure (worker-safe).
 * An all-zero block (a preallocated, never used chunk) yields nothing; any other block without
 * the chunk signature is one `evtx.chunk-bad-magic` issue. Records reference `chunk` lazily
 * (XML is rendered on demand): map or render them before reusing the buffer. Pass the file
 * header's flags (e.g. `file-header-crc-mismatch`) in `ctx.extraFlags` to carry them.
 * After a broken record the chain resynchronises on the next record of the chunk; every record
 * the chunk header promises that does not come back is one `evtx.records-missing` error item.
 * A block shorter than 64 KiB is a truncated chunk: callers that read a whole file should also
 * report `fileTruncation(header, fileLength, file)`.
 */
export function parseChunk(
  chunk: Uint8Array,
  ctx: ChunkContext,
): { items: Array<Result<EvtxRecord, Issue>>; issues: Issue[] } {
  return parseBlock(
    chunk,
    ctx.file,
    ctx.chunkIndex,
    ctx.fileOffset,
    ctx.extraFlags ?? [],
    ctx.recover ?? false,
  );
}

/** Windows-style XML of one record. */
export function renderRecordXml(rec: EvtxRecord): string {
  return renderNodesXml(rec.nodes);
}

function sniff(input: SniffInput): number {
  const l = layoutOf(input.head);
  return l === 'file' ? 1 : l === 'chunk' ? 0.6 : 0;
}

export const evtxSource: SourceDescriptor = {
  kind: 'evtx',
  description: 'Windows XML Event Log (.evtx): file header, 64 KiB chunks, BinXml records',
  sniff,
  read: readEvtx,
  readBatches: readEvtxBatches,
};
