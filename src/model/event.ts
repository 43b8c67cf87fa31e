/**
 * @module model/event
 * The normalised event every reader produces and every detector consumes. This is one of
 * Fathom's stable interfaces (JSON Schema: docs/schema/event.schema.json): change it deliberately.
 */

/** A field value as the event carries it. EVTX values are rendered as Windows renders them (strings). */
export type FieldValue = string | number | boolean | null | FieldValue[];

/** Where an event came from: enough to find the bytes again. */
export interface Provenance {
  /** The evidence file path as given on the command line (or inside an archive: `outer!inner`). */
  file: string;
  /** Byte offset of the record (EVTX: record start in the file; text: start of the line, in the decompressed stream). */
  offset: number;
  /** EVTX: index of the chunk in the file (0-based, by position, not by header count). */
  chunk?: number;
  /** EVTX: the record number from the record header (exported logs renumber it; `recordId` is the inner one). */
  recordNumber?: number;
  /** Text sources: 1-based line number. */
  line?: number;
  /** Integrity notes that did not stop parsing: `record-crc-mismatch`, `chunk-header-crc-mismatch`, `chunk-data-crc-mismatch`, `recovered`, ... */
  flags?: string[];
}

/** Source kinds Fathom reads into this model. */
export type SourceKind = 'evtx' | 'evtx-json' | 'evtx-xml' | 'ecs' | 'flat-json' | (string & {});

export interface Event {
  /** Which reader produced it. */
  kind: SourceKind;
  /** ISO 8601 UTC with the full 100 ns precision kept: `2019-03-19T23:34:25.1234567Z`. Empty when unknown. */
  timestamp: string;
  channel: string;
  provider: string;
  eventId: number;
  /** `EventRecordID` inside the event (what Windows shows); null when the event has none. */
  recordId: number | null;
  computer: string;
  userSid?: string;
  level?: number;
  task?: number;
  opcode?: number;
  /** Hex string as Windows renders it, e.g. `0x8020000000000000`. */
  keywords?: string;
  version?: number;
  qualifiers?: number;
  providerGuid?: string;
  eventSourceName?: string;
  processId?: number;
  threadId?: number;
  activityId?: string;
  relatedActivityId?: string;
  /** EventData `<Data Name=..>` pairs and UserData leaves, flattened. Repeated names become arrays. */
  fields: Record<string, FieldValue>;
  /** Unnamed `<Data>` values, in document order. */
  data?: FieldValue[];
  source: Provenance;
}

/**
 * Names of the `System` header as Sigma rules address them ("Field Usage" in the Sigma spec:
 * element and attribute joined with `_`). Values are taken from the event's typed header.
 */
export const SYSTEM_FIELDS: Readonly<Record<string, (e: Event) => FieldValue | undefined>> = {
  EventID: (e) => e.eventId,
  Channel: (e) => e.channel,
  Provider_Name: (e) => e.provider,
  Provider: (e) => e.provider,
  Provider_Guid: (e) => e.providerGuid,
  Provider_EventSourceName: (e) => e.eventSourceName,
  Computer: (e) => e.computer,
  EventRecordID: (e) => e.recordId,
  Level: (e) => e.level,
  Task: (e) => e.task,
  Opcode: (e) => e.opcode,
  Keywords: (e) => e.keywords,
  Version: (e) => e.version,
  Qualifiers: (e) => e.qualifiers,
  Security_UserID: (e) => e.userSid,
  UserID: (e) => e.userSid,
  Execution_ProcessID: (e) => e.processId,
  Execution_ThreadID: (e) => e.threadId,
  Correlation_ActivityID: (e) => e.activityId,
  Correlation_RelatedActivityID: (e) => e.relatedActivityId,
  TimeCreated_SystemTime: (e) => e.timestamp,
  TimeCreated: (e) => e.timestamp,
};

/**
 * Look a field up by the name a rule uses: EventData/UserData first (they win on a clash, as
 * `EventData.Channel` would in a flattened view), then the System header.
 */
export function getField(e: Event, name: string): FieldValue | undefined {
  const fields = e.fields;
  // Own properties only: evidence may name a field `constructor` or `__proto__`.
  if (Object.hasOwn(fields, name)) return fields[name];
  if (Object.hasOwn(SYSTEM_FIELDS, name))
    return (SYSTEM_FIELDS[name] as (e: Event) => FieldValue | undefined)(e);
  // Sigma "Field Usage": details-view names with spaces stripped (`Threat Name` -> `ThreatName`).
  const spaced = compactNames(fields).get(name);
  return spaced === undefined ? undefined : fields[spaced];
}

const NO_COMPACT: ReadonlyMap<string, string> = new Map();
// One-slot cache: matching reads one event at a time, so this is built once per event at most.
let compactFor: object | undefined;
let compactMap: ReadonlyMap<string, string> = NO_COMPACT;

/** Field names that contain spaces, keyed by the name with the spaces removed. */
function compactNames(fields: Event['fields']): ReadonlyMap<string, string> {
  if (compactFor === fields) return compactMap;
  let m: Map<string, string> | undefined;
  for (const k in fields) {
    if (k.includes(' ') && Object.hasOwn(fields, k)) {
      const c = k.replace(/ /g, '');
      if (!Object.hasOwn(fields, c)) {
        m ??= new Map();
        m.set(c, k);
      }
    }
  }
  compactFor = fields;
  compactMap = m ?? NO_COMPACT;
  return compactMap;
}

/** Milliseconds since the epoch (fractional part keeps sub-ms digits), or NaN when unknown. */
export function eventTimeMs(e: Event): number {
  return timestampToMs(e.timestamp);
}

/** Parse Fathom's ISO timestamp (up to 7 fractional digits) to fractional epoch milliseconds. */
export function timestampToMs(ts: string): number {
  if (!ts) return Number.NaN;
  const dot = ts.indexOf('.');
  if (dot < 0) return Date.parse(ts);
  let end = dot + 1;
  while (end < ts.length && ts.charCodeAt(end) >= 48 && ts.charCodeAt(end) <= 57) end++;
  const frac = ts.slice(dot + 1, end);
  const base = Date.parse(ts.slice(0, dot) + ts.slice(end));
  return base + Number(`0.${frac}`) * 1000;
}
