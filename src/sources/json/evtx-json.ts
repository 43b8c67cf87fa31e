/**
 * @module sources/json/evtx-json
 * Nested evtx-JSON: the XML event rendered as JSON, `{"Event": {"System": {...}, "EventData": {...}}}`,
 * as `evtx_dump -o json|jsonl` (evtx-rs) writes it with `#attributes`/`#text`, and the xmltodict
 * variant (`@Name`, `#text`, `Data: [{"@Name": .., "#text": ..}]`) some Python tools write.
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

/** `{"Event": {"System": {...}}}` (or the bare `{"System": ...}` form). */
export function isNestedEvent(v: unknown): boolean {
  const e = eventRoot(v);
  return e !== undefined && isObject(e.System);
}

function eventRoot(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  if (isObject(v.Event)) return v.Event;
  if (isObject(v.System)) return v;
  return undefined;
}

/** An attribute of an element object: `#attributes.name` (evtx-rs) or `@name` (xmltodict). */
function attr(el: unknown, name: string): unknown {
  if (!isObject(el)) return undefined;
  const a = el['#attributes'];
  if (isObject(a) && name in a) return a[name];
  return el[`@${name}`];
}

/** Convert one nested event object; undefined when it has no `System`. */
export function nestedToEvent(v: unknown, source: Provenance): Event | undefined {
  const root = eventRoot(v);
  const sys = root?.System;
  if (!root || !isObject(sys)) return undefined;
  const id = eventIdParts(sys.EventID, attr(sys.EventID, 'Qualifiers'));
  const timeEl = sys.TimeCreated;
  const ev: Event = {
    kind: 'evtx-json',
    timestamp: normaliseTimestamp(attr(timeEl, 'SystemTime') ?? timeEl),
    channel: asText(sys.Channel) ?? '',
    provider: asText(attr(sys.Provider, 'Name')) ?? '',
    eventId: id?.eventId ?? 0,
    recordId: asInt(sys.EventRecordID) ?? null,
    computer: asText(sys.Computer) ?? '',
    fields: {},
    source,
  };
  const opt = <K extends keyof Event>(key: K, val: Event[K] | undefined): void => {
    if (val !== undefined) ev[key] = val;
  };
  opt('qualifiers', id?.qualifiers);
  opt('userSid', asText(attr(sys.Security, 'UserID')));
  opt('level', asInt(sys.Level));
  opt('task', asInt(sys.Task));
  opt('opcode', asInt(sys.Opcode));
  opt('keywords', keywordsHex(asText(sys.Keywords) ?? sys.Keywords));
  opt('version', asInt(sys.Version));
  opt('providerGuid', braceGuid(asText(attr(sys.Provider, 'Guid'))));
  opt('eventSourceName', asText(attr(sys.Provider, 'EventSourceName')));
  opt('processId', asInt(attr(sys.Execution, 'ProcessID')));
  opt('threadId', asInt(attr(sys.Execution, 'ThreadID')));
  opt('activityId', braceGuid(asText(attr(sys.Correlation, 'ActivityID'))));
  opt('relatedActivityId', braceGuid(asText(attr(sys.Correlation, 'RelatedActivityID'))));

  const repeated = new Set<string>();
  const data: FieldValue[] = [];
  const ed = root.EventData;
  if (isObject(ed)) eventData(ed, ev.fields, data, repeated);
  else if (ed !== undefined && ed !== null) data.push(rendered(ed));
  const ud = root.UserData;
  if (isObject(ud)) flattenLeaves(ud, ev.fields, repeated, rendered);
  if (data.length) ev.data = data;
  return ev;
}

const BARE_GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Header GUIDs as Windows renders them: evtx-rs drops the braces (`{…}`) of GUID-typed values. */
function braceGuid(g: string | undefined): string | undefined {
  return g !== undefined && BARE_GUID.test(g) ? `{${g}}` : g;
}

/**
 * Field values as Windows renders them, so an event reads the same from evtx-JSON as from the
 * EVTX it was dumped from: evtx-rs writes integer and boolean types as JSON numbers and booleans,
 * Windows renders them as text (`10048`, `true`).
 */
function rendered(v: unknown): FieldValue {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(rendered);
  return toFieldValue(v);
}

function eventData(
  ed: JsonObject,
  fields: Record<string, FieldValue>,
  data: FieldValue[],
  repeated: Set<string>,
): void {
  for (const [k, v] of Object.entries(ed)) {
    if (k === '#attributes' || k.startsWith('@')) continue;
    if (k === 'Data') {
      dataElements(v, fields, data, repeated);
      continue;
    }
    if (k === '#text') {
      for (const x of Array.isArray(v) ? v : [v]) data.push(rendered(x));
      continue;
    }
    putField(fields, k, rendered(v), repeated);
  }
}

/** `Data` as evtx-rs writes unnamed data (`{"#text": [..]}`) or xmltodict writes named data. */
function dataElements(
  v: unknown,
  fields: Record<string, FieldValue>,
  data: FieldValue[],
  repeated: Set<string>,
): void {
  for (const el of Array.isArray(v) ? v : [v]) {
    const name = asText(attr(el, 'Name'));
    if (name !== undefined) {
      const val = isObject(el) ? el['#text'] : undefined;
      putField(fields, name, val === undefined ? '' : rendered(val), repeated);
    } else if (isObject(el) && '#text' in el) {
      const t = el['#text'];
      for (const x of Array.isArray(t) ? t : [t]) data.push(rendered(x));
    } else if (!isObject(el)) {
      data.push(rendered(el));
    }
  }
}
