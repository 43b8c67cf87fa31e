/**
 * @module sources/json/flat
 * Flat Windows events: one JSON object whose System header and EventData share one level, as NXLog
 * (`im_msvistalog` → `to_json()`), Logstash pipelines and Azure Sentinel's `WindowsEvent` table
 * export them, and as Sigma rule tests write them (`Channel`, `EventID`, `Provider_Name`, ...).
 * Known header keys fill the event's typed header; every other key becomes a field. The mapping
 * is documented key by key in docs/formats/json-xml.md.
 */
import type { Event, FieldValue, Provenance } from '../../model/event.js';
import { normaliseTimestamp } from '../timestamp.js';
import type { JsonObject } from './values.js';
import {
  asInt,
  asText,
  eventIdParts,
  flattenLeaves,
  isObject,
  keywordsHex,
  putField,
  toFieldValue,
} from './values.js';

/** Header keys, first match wins. Keys are consumed only when their value maps. */
const EVENT_ID_KEYS = ['EventID', 'EventId', 'event_id'];
const CHANNEL_KEYS = ['Channel', 'LogName'];
// `SourceName` before `ProviderName`: the latter is also an EventData name (WFP events 5447...).
const PROVIDER_KEYS = ['Provider_Name', 'SourceName', 'ProviderName', 'Provider'];
const COMPUTER_KEYS = ['Computer', 'Hostname', 'ComputerName', 'MachineName'];
const RECORD_KEYS = ['EventRecordID', 'RecordNumber', 'RecordId', 'RecordID'];
/** Event time first; transport times (`@timestamp` is often the time a pipeline received it) last. */
const TIME_KEYS = [
  'TimeCreated_SystemTime',
  'TimeCreated',
  'SystemTime',
  'EventTime',
  'TimeGenerated',
  '@timestamp',
];
const LEVEL_KEYS = ['Level', 'EventLevel'];
const OPCODE_KEYS = ['OpcodeValue', 'Opcode'];
const GUID_KEYS = ['Provider_Guid', 'ProviderGuid'];
const SOURCE_NAME_KEYS = ['Provider_EventSourceName', 'EventSourceName'];
const PID_KEYS = ['Execution_ProcessID', 'ExecutionProcessID'];
const TID_KEYS = ['Execution_ThreadID', 'ExecutionThreadID', 'ThreadID'];
const SID_KEYS = ['Security_UserID', 'UserID'];
const ACTIVITY_KEYS = ['Correlation_ActivityID', 'ActivityID'];
const RELATED_KEYS = ['Correlation_RelatedActivityID', 'RelatedActivityID'];

/** Whether `obj` carries any EventID key the flat mapping understands. */
export function hasFlatEventId(obj: JsonObject): boolean {
  return EVENT_ID_KEYS.some((k) => eventIdParts(obj[k], obj.Qualifiers) !== undefined);
}

/**
 * Turn a flat object with Sigma-style or NXLog field names into an Event of kind `flat-json`.
 * Pure and total: a missing header value leaves the model's empty value (`''`, `0`, `null`).
 * An `EventData` (object, or a string holding a JSON object) and a `UserData` object are flattened
 * into the fields.
 *
 * @example
 * flatToEvent({ EventID: 4688, Channel: 'Security', CommandLine: 'whoami' }, { file: 't.yml', offset: 0 })
 * // → { eventId: 4688, channel: 'Security', fields: { CommandLine: 'whoami' }, ... }
 */
export function flatToEvent(obj: Record<string, unknown>, source: Provenance): Event {
  const used = new Set<string>();
  const take = <T>(keys: readonly string[], conv: (v: unknown) => T | undefined): T | undefined => {
    for (const k of keys) {
      if (!Object.hasOwn(obj, k)) continue;
      const v = conv(obj[k]);
      if (v !== undefined) {
        used.add(k);
        return v;
      }
    }
    return undefined;
  };

  let eventId = 0;
  let qualifiers: number | undefined;
  for (const k of EVENT_ID_KEYS) {
    if (!Object.hasOwn(obj, k)) continue;
    const p = eventIdParts(obj[k], obj.Qualifiers);
    if (!p) continue;
    used.add(k);
    eventId = p.eventId;
    qualifiers = p.qualifiers;
    if (asInt(obj.Qualifiers) !== undefined) used.add('Qualifiers');
    break;
  }

  const ev: Event = {
    kind: 'flat-json',
    timestamp: take(TIME_KEYS, (v) => normaliseTimestamp(v) || undefined) ?? '',
    channel: take(CHANNEL_KEYS, asText) ?? '',
    provider: take(PROVIDER_KEYS, asText) ?? '',
    eventId,
    recordId: take(RECORD_KEYS, asInt) ?? null,
    computer: take(COMPUTER_KEYS, asText) ?? '',
    fields: {},
    source,
  };
  const opt = <K extends keyof Event>(key: K, v: Event[K] | undefined): void => {
    if (v !== undefined) ev[key] = v;
  };
  opt('qualifiers', qualifiers);
  opt('userSid', take(SID_KEYS, asText));
  opt('level', take(LEVEL_KEYS, asInt));
  opt('task', take(['Task'], asInt));
  opt('opcode', take(OPCODE_KEYS, asInt));
  opt('keywords', take(['Keywords'], keywordsHex));
  opt('version', take(['Version'], asInt));
  opt('providerGuid', take(GUID_KEYS, asText));
  opt('eventSourceName', take(SOURCE_NAME_KEYS, asText));
  opt('processId', take(PID_KEYS, asInt));
  opt('threadId', take(TID_KEYS, asInt));
  opt('activityId', take(ACTIVITY_KEYS, asText));
  opt('relatedActivityId', take(RELATED_KEYS, asText));

  const repeated = new Set<string>();
  const fields: Record<string, FieldValue> = ev.fields;
  for (const [k, v] of Object.entries(obj)) {
    if (used.has(k)) continue;
    if (k === 'EventData' || k === 'UserData') {
      const inner = typeof v === 'string' ? parseObjectText(v) : v;
      if (isObject(inner)) {
        flattenLeaves(inner, fields, repeated);
        continue;
      }
    }
    putField(fields, k, toFieldValue(v), repeated);
  }
  return ev;
}

/** A JSON object held in a string (Sentinel's `EventData` column), or undefined. */
function parseObjectText(s: string): JsonObject | undefined {
  const t = s.trimStart();
  if (!t.startsWith('{') || t.length > 16 * 1024 * 1024) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
