/**
 * @module sources/evtx
 * Public surface of the EVTX reader: whole-file and per-chunk parsing (pure, worker-safe),
 * the streaming reader, the event mapping, Windows-style XML, and the source descriptor.
 */
import type { Issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import type { SniffInput, SourceDescriptor } from '../types.js';
import { type ChunkContext, parseChunkBytes } from './chunk.js';
import { layoutOf } from './file.js';
import type { EvtxRecord } from './record.js';
import { renderNodesXml } from './render-xml.js';
import { readEvtx } from './stream.js';

export { LIMITS as EVTX_LIMITS } from './binxml/tokens.js';
export type { ChunkContext, ChunkHeaderInfo } from './chunk.js';
export { CHUNK_SIZE } from './chunk.js';
export type { EvtxParseResult, ParseOptions } from './file.js';
export { parseEvtxBytes } from './file.js';
export type { EvtxFileHeaderInfo } from './file-header.js';
export { FILE_HEADER_BLOCK } from './file-header.js';
export type { EvtxRecord } from './record.js';
export { readEvtx } from './stream.js';
export { recordToEvent } from './to-event.js';

/** Parse one 64 KiB chunk given its bytes and where it sits in the file. Pure (worker-safe). */
export function parseChunk(
  chunk: Uint8Array,
  ctx: ChunkContext,
): { items: Array<Result<EvtxRecord, Issue>>; issues: Issue[] } {
  return parseChunkBytes(chunk, ctx);
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
};
