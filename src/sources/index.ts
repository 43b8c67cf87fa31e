/**
 * @module sources
 * Public surface of the sources layer: the reader registry, opening evidence (gzip-transparent),
 * the directory walker, and each format's reader and converters.
 */

export {
  evtxSource,
  parseChunk,
  parseEvtxBytes,
  readEvtx,
  recordToEvent,
  renderRecordXml,
} from './evtx/index.js';
export {
  ecsSource,
  ecsToEvent,
  evtxJsonSource,
  flatJsonSource,
  flatToEvent,
  JSON_SOURCES,
  nestedToEvent,
  scanJson,
} from './json/index.js';
export type { EvidenceInput } from './open.js';
export { openEvidence, readHead } from './open.js';
export type { Detection, ReadEvidenceOptions } from './registry.js';
export { detectFromHead, detectSource, readEvidenceFile, SNIFF_BYTES, SOURCES } from './registry.js';
export { describeBytes, detectEncoding } from './text.js';
export { normaliseTimestamp } from './timestamp.js';
export type {
  EventWithXml,
  ReaderInput,
  ReadOptions,
  SniffInput,
  SourceDescriptor,
  SourceItem,
} from './types.js';
export type { WalkItem, WalkOptions } from './walk.js';
export { DEFAULT_MAX_DEPTH, walkEvidence } from './walk.js';
export { readXmlEvents, splitEvents, xmlEventsSource, xmlEventToEvent } from './xml/index.js';
