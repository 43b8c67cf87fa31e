/**
 * @module sigma/pipeline/view
 * Translated event views: a rule written with Sysmon field names reads a Security 4688 (or
 * 5156, 4657, ...) event through its target's field map, lazily (a field is translated only
 * when a rule asks for it) and cached per event. Also the event → target precondition test.
 */
import type { Event, FieldValue } from '../../model/event.js';
import { getField } from '../../model/event.js';
import type { EventView } from '../view.js';
import { plainView } from '../view.js';
import { TRANSFORMS } from './transforms.js';
import type { FieldMapEntry, FieldValueOrAbsent, LogsourceTarget } from './types.js';

const viewCache = new WeakMap<Event, Map<string, EventView>>();

function isEmptyTranslation(t: LogsourceTarget): boolean {
  return (
    Object.keys(t.fieldMap).length === 0 &&
    Object.keys(t.valueMaps).length === 0 &&
    t.unavailableFields.length === 0
  );
}

/** Lower-cased lookup tables per target, built once. */
const lowerValueMaps = new WeakMap<LogsourceTarget, Map<string, Map<string, string>>>();
const unavailableSets = new WeakMap<LogsourceTarget, Set<string>>();

function valueMapFor(t: LogsourceTarget, field: string): Map<string, string> | undefined {
  let all = lowerValueMaps.get(t);
  if (!all) {
    all = new Map();
    for (const [f, m] of Object.entries(t.valueMaps)) {
      all.set(f, new Map(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v])));
    }
    lowerValueMaps.set(t, all);
  }
  return all.get(field);
}

function unavailableFor(t: LogsourceTarget): Set<string> {
  let s = unavailableSets.get(t);
  if (!s) {
    s = new Set(t.unavailableFields);
    unavailableSets.set(t, s);
  }
  return s;
}

function applyValueMap(v: FieldValueOrAbsent, m: Map<string, string>): FieldValueOrAbsent {
  if (v === undefined || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => applyValueMap(x, m) ?? null);
  const hit = m.get(String(v).trim().toLowerCase());
  return hit ?? v;
}

function compute(event: Event, entry: FieldMapEntry): FieldValueOrAbsent {
  const values = entry.from.map((f) => getField(event, f));
  if (!entry.transform) return values[0];
  const fn = TRANSFORMS[entry.transform];
  if (!fn) return undefined; // the loader refuses unknown transforms; defensive only
  return fn({ values, event, params: entry.params ?? {} });
}

/**
 * The event as a rule of `target`'s logsource sees it. Fields in `fieldMap` are computed,
 * `unavailableFields` read as absent, anything else reads the event's own field. Views are
 * cached per (event, target id).
 * @example makeView(event4688, target).get('ParentProcessId') // '632' from ProcessId 0x278
 */
export function makeView(event: Event, target: LogsourceTarget): EventView {
  let perEvent = viewCache.get(event);
  if (!perEvent) {
    perEvent = new Map();
    viewCache.set(event, perEvent);
  }
  const cached = perEvent.get(target.id);
  if (cached) return cached;
  const view = isEmptyTranslation(target) ? plainView(event) : translatedView(event, target);
  perEvent.set(target.id, view);
  return view;
}

function translatedView(event: Event, target: LogsourceTarget): EventView {
  const cache = new Map<string, FieldValueOrAbsent>();
  const unavailable = unavailableFor(target);
  const base = plainView(event);
  let all: FieldValue[] | undefined;
  const get = (name: string): FieldValueOrAbsent => {
    if (cache.has(name)) return cache.get(name);
    let v: FieldValueOrAbsent;
    const entry = target.fieldMap[name];
    if (entry) v = compute(event, entry);
    else if (unavailable.has(name)) v = undefined;
    else v = getField(event, name);
    const vm = valueMapFor(target, name);
    if (vm) v = applyValueMap(v, vm);
    cache.set(name, v);
    return v;
  };
  return {
    event,
    get,
    allValues() {
      if (!all) {
        all = [...base.allValues()];
        for (const name of Object.keys(target.fieldMap)) {
          const v = get(name);
          if (v !== undefined) all.push(v);
        }
      }
      return all;
    },
  };
}

/** Lower-cased channel/provider sets per target, built once. */
const matchSets = new WeakMap<
  LogsourceTarget,
  {
    channels: Set<string> | null;
    anyChannel: boolean;
    providers: Set<string> | null;
    ids: Set<number> | null;
  }
>();

function setsFor(t: LogsourceTarget) {
  let s = matchSets.get(t);
  if (!s) {
    const anyChannel = t.channels.includes('*');
    s = {
      anyChannel,
      channels: t.channels.length && !anyChannel ? new Set(t.channels.map((c) => c.toLowerCase())) : null,
      providers: t.providers ? new Set(t.providers.map((p) => p.toLowerCase())) : null,
      ids: t.eventIds ? new Set(t.eventIds) : null,
    };
    matchSets.set(t, s);
  }
  return s;
}

/**
 * Does this event belong to the target? Decided by the event's own Channel, EventID,
 * Provider, source kind and `where` preconditions, never by the file it came from.
 */
export function matchesTarget(target: LogsourceTarget, event: Event): boolean {
  const s = setsFor(target);
  if (s.anyChannel && !event.channel) return false;
  if (s.channels && !s.channels.has(event.channel.toLowerCase())) return false;
  if (s.ids && !s.ids.has(event.eventId)) return false;
  if (s.providers && !s.providers.has(event.provider.toLowerCase())) return false;
  if (target.kinds && !target.kinds.includes(event.kind)) return false;
  if (target.where) {
    for (const cond of target.where) {
      const v = getField(event, cond.field);
      if (v === undefined || v === null || Array.isArray(v)) return false;
      const sv = String(v).trim().toLowerCase();
      if (!cond.values.some((x) => x.toLowerCase() === sv)) return false;
    }
  }
  return true;
}
