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
import type { Transform } from './transforms.js';
import { TRANSFORMS } from './transforms.js';
import type { FieldMapEntry, FieldValueOrAbsent, LogsourceTarget } from './types.js';

/**
 * Per target, its compiled translation and the view of the event being processed. Hunts handle
 * one event at a time (every rule of every target looks at it, then the next event comes), so one
 * slot per target gives "translate once per event" with nothing allocated per event but the view.
 * The map is keyed by the few, long-lived targets, never by events (V8 WeakMaps slow down badly
 * with millions of short-lived keys).
 */
const slots = new WeakMap<
  LogsourceTarget,
  { readonly c: Compiled; event: Event | undefined; view: EventView | undefined }
>();

/** A target's translation, compiled once: transform functions bound, value maps lower-cased. */
interface Compiled {
  empty: boolean;
  /** Only fields with a map entry or a value map; others read the event directly. */
  fields: Map<
    string,
    { entry: FieldMapEntry | undefined; fn: Transform | undefined; vm: Map<string, string> | undefined }
  >;
  unavailable: Set<string>;
  mapped: string[];
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/** Compile a target's translation (once per target: `makeView` keeps it in the target's slot). */
function compileTarget(t: LogsourceTarget): Compiled {
  const fields: Compiled['fields'] = new Map();
  for (const [name, entry] of Object.entries(t.fieldMap)) {
    fields.set(name, {
      entry,
      fn: entry.transform ? TRANSFORMS[entry.transform] : undefined,
      vm: undefined,
    });
  }
  for (const [name, m] of Object.entries(t.valueMaps)) {
    const vm = new Map(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]));
    const slot = fields.get(name);
    if (slot) slot.vm = vm;
    else fields.set(name, { entry: undefined, fn: undefined, vm });
  }
  return {
    empty: fields.size === 0 && t.unavailableFields.length === 0,
    fields,
    unavailable: new Set(t.unavailableFields),
    mapped: Object.keys(t.fieldMap),
  };
}

function applyValueMap(v: FieldValueOrAbsent, m: Map<string, string>): FieldValueOrAbsent {
  if (v === undefined || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => applyValueMap(x, m) ?? null);
  const hit = m.get(typeof v === 'string' ? v.trim().toLowerCase() : String(v));
  return hit ?? v;
}

/**
 * The event as a rule of `target`'s logsource sees it. Fields in `fieldMap` are computed,
 * `unavailableFields` read as absent, anything else reads the event's own field. A view caches
 * what it translated; asking again for the same (event, target) while that event is the current
 * one returns the same view.
 * @example makeView(event4688, target).get('ParentProcessId') // '632' from ProcessId 0x278
 */
export function makeView(event: Event, target: LogsourceTarget): EventView {
  let last = slots.get(target);
  if (last === undefined) {
    last = { c: compileTarget(target), event: undefined, view: undefined };
    slots.set(target, last);
  }
  if (last.event === event && last.view !== undefined) return last.view;
  const view = last.c.empty ? plainView(event) : new TranslatedView(event, last.c);
  last.event = event;
  last.view = view;
  return view;
}

class TranslatedView implements EventView {
  private cache: Map<string, FieldValueOrAbsent> | undefined;
  private all: FieldValue[] | undefined;
  constructor(
    readonly event: Event,
    private readonly c: Compiled,
  ) {}

  get(name: string): FieldValueOrAbsent {
    const slot = this.c.fields.get(name);
    if (!slot) return this.c.unavailable.has(name) ? undefined : getField(this.event, name);
    if (this.cache?.has(name)) return this.cache.get(name);
    const { entry, fn, vm } = slot;
    let v: FieldValueOrAbsent;
    if (!entry) v = getField(this.event, name);
    else if (!fn) v = getField(this.event, entry.from[0]!);
    else {
      const values: FieldValueOrAbsent[] = [];
      for (const f of entry.from) values.push(getField(this.event, f));
      v = fn({ values, event: this.event, params: entry.params ?? NO_PARAMS });
    }
    if (vm) v = applyValueMap(v, vm);
    if (!this.cache) this.cache = new Map();
    this.cache.set(name, v);
    return v;
  }

  allValues(): FieldValue[] {
    if (!this.all) {
      const all = [...plainView(this.event).allValues()];
      for (const name of this.c.mapped) {
        const v = this.get(name);
        if (v !== undefined) all.push(v);
      }
      this.all = all;
    }
    return this.all;
  }
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
