/**
 * @module sources/evtx
 * Public surface of the EVTX reader (stub; the real parser lands in following commits).
 */
import type { Issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import type { Event } from '../../model/event.js';
import type { ReaderInput, ReadOptions, SourceDescriptor, SourceItem } from '../types.js';

export interface EvtxFileHeaderInfo {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  headerSize: number;
  minorVersion: number;
  majorVersion: number;
  chunkCount: number;
  flags: number;
  crcOk: boolean;
}

export interface EvtxRecord {
  recordNumber: number;
  offset: number;
  chunk: number;
  flags: string[];
}

export interface EvtxParseResult {
  header: EvtxFileHeaderInfo | null;
  items: Array<Result<EvtxRecord, Issue>>;
  issues: Issue[];
}

export function parseEvtxBytes(
  _bytes: Uint8Array,
  _opts?: { file?: string; recover?: boolean },
): EvtxParseResult {
  return { header: null, items: [], issues: [] };
}

export function parseChunk(
  _chunk: Uint8Array,
  _ctx: { file: string; chunkIndex: number; fileOffset: number; recover?: boolean },
): { items: Array<Result<EvtxRecord, Issue>>; issues: Issue[] } {
  return { items: [], issues: [] };
}

export async function* readEvtx(_input: ReaderInput, _opts?: ReadOptions): AsyncIterable<SourceItem> {}

export function recordToEvent(rec: EvtxRecord, file: string): Event {
  return {
    kind: 'evtx',
    timestamp: '',
    channel: '',
    provider: '',
    eventId: 0,
    recordId: null,
    computer: '',
    fields: {},
    source: { file, offset: rec.offset, chunk: rec.chunk, recordNumber: rec.recordNumber, flags: rec.flags },
  };
}

export function renderRecordXml(_rec: EvtxRecord): string {
  return '';
}

export const evtxSource: SourceDescriptor = {
  kind: 'evtx',
  description: 'Windows XML Event Log (.evtx)',
  sniff: () => 0,
  read: readEvtx,
};
