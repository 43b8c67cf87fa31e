/**
 * @module sources/json/ecs
 * Winlogbeat / Elastic Common Schema documents: the Windows header under `winlog.*` (`channel`,
 * `event_id`, `record_id`, `computer_name`, `provider_name`, ...), the event's own data under
 * `winlog.event_data` / `winlog.user_data`, the event time in `@timestamp`. Documents may be nested
 * or use dotted keys (`"winlog.channel": ...`), and may be wrapped in an Elasticsearch hit (`_source`).
 */
import type { Event, Provenance } from '../../model/event.js';
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

/** ECS `log.level` names → Windows level numbers. */
const LEVELS: Readonly<Record<string, number>> = {
  critical: 1,
  error: 2,
  warning: 3,
  information: 4,
  verbose: 5,
};

const DOTTED_DATA = ['winlog.event_data.', 'winlog.user_data.'];

/** Value at a dotted path, whether the document nests it or spells the dots in its keys. */
export function pathGet(obj: unknown, path: string): unknown {
  return getParts(obj, path.split('.'), 0);
}

function getParts(obj: unknown, parts: readonly string[], depth: number): unknown {
  if (parts.length === 0) return obj;
  if (!isObject(obj) || depth > 8) return undefined;
  for (let n = parts.length; n >= 1; n--) {
    const key = parts.slice(0, n).join('.');
    if (!Object.hasOwn(obj, key)) continue;
    const r = getParts(obj[key], parts.slice(n), depth + 1);
    if (r !== undefined) return r;
  }
  return undefined;
}

function docOf(v: unknown): JsonObject | undefined {
  if (!isObject(v)) return undefined;
  return isObject(v._source) ? v._source : v;
}

/** A Winlogbeat document: has `winlog` with a channel or an event id. */
export function isEcsDoc(v: unknown): boolean {
  const d = docOf(v);
  if (!d) return false;
  return pathGet(d, 'winlog.channel') !== undefined || pathGet(d, 'winlog.event_id') !== undefined;
}

/** Convert one Winlogbeat/ECS document; undefined when it is not one. */
export function ecsToEvent(v: unknown, source: Provenance): Event | undefined {
  const d = docOf(v);
  if (!d || !isEcsDoc(d)) return undefined;
  const g = (p: string): unknown => pathGet(d, p);
  const id = eventIdParts(g('winlog.event_id') ?? g('event.code'), undefined);
  const ev: Event = {
    kind: 'ecs',
    timestamp: normaliseTimestamp(g('@timestamp')) || normaliseTimestamp(g('winlog.time_created')),
    channel: asText(g('winlog.channel')) ?? '',
    provider: asText(g('winlog.provider_name')) ?? asText(g('event.provider')) ?? '',
    eventId: id?.eventId ?? 0,
    recordId: asInt(g('winlog.record_id')) ?? null,
    computer: asText(g('winlog.computer_name')) ?? asText(g('host.name')) ?? '',
    fields: {},
    source,
  };
  const opt = <K extends keyof Event>(key: K, val: Event[K] | undefined): void => {
    if (val !== undefined) ev[key] = val;
  };
  opt('qualifiers', id?.qualifiers);
  opt('userSid', asText(g('winlog.user.identifier')));
  const levelName = asText(g('log.level'))?.toLowerCase();
  opt('level', asInt(g('winlog.level')) ?? (levelName ? LEVELS[levelName] : undefined));
  opt('task', asInt(g('winlog.task')));
  opt('opcode', asInt(g('winlog.opcode')));
  opt('keywords', keywordsHex(g('winlog.keywords')));
  opt('version', asInt(g('winlog.version')));
  opt('providerGuid', asText(g('winlog.provider_guid')));
  opt('eventSourceName', asText(g('winlog.event_source_name')));
  opt('processId', asInt(g('winlog.process.pid')));
  opt('threadId', asInt(g('winlog.process.thread.id')));
  opt('activityId', asText(g('winlog.activity_id')));
  opt('relatedActivityId', asText(g('winlog.related_activity_id')));

  const repeated = new Set<string>();
  const ed = g('winlog.event_data');
  if (isObject(ed)) {
    for (const [k, val] of Object.entries(ed)) putField(ev.fields, k, toFieldValue(val), repeated);
  }
  const ud = g('winlog.user_data');
  if (isObject(ud)) flattenLeaves(ud, ev.fields, repeated);
  // Dotted exports spell the data as `"winlog.event_data.CommandLine": ...` at the top level.
  for (const [k, val] of Object.entries(d)) {
    for (const prefix of DOTTED_DATA) {
      if (k.startsWith(prefix) && k.length > prefix.length) {
        putField(ev.fields, k.slice(prefix.length), toFieldValue(val), repeated);
      }
    }
  }
  return ev;
}
