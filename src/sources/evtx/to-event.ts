/**
 * @module sources/evtx/to-event
 * Maps one parsed record onto Fathom's event model: the System header into typed fields,
 * EventData `<Data Name=X>` into `fields[X]` (unnamed Data into `data[]`, `Binary` into
 * `fields.Binary`), UserData and other sections flattened to their leaves (`Elem` for text,
 * `Elem_Attr` for attributes, repeated names as arrays). Values are the strings Windows shows.
 */
import type { Event, FieldValue } from '../../model/event.js';
import { type ElementNode, N_ELEMENT, N_SUBST, N_TEMPLATE, type Node, type Scope } from './binxml/nodes.js';
import { VT_ARRAY } from './binxml/value-types.js';
import {
  attrValue,
  elementText,
  forEachElement,
  hasChildElements,
  substType,
  textOf,
  withRenderBudget,
} from './binxml/walk.js';
import {
  D_UNNAMED,
  eventDataPlan,
  F_ACTIVITY,
  F_CHANNEL,
  F_COMPUTER,
  F_EVENT_ID,
  F_EVENT_SOURCE,
  F_KEYWORDS,
  F_LEVEL,
  F_OPCODE,
  F_PROCESS,
  F_PROVIDER,
  F_PROVIDER_GUID,
  F_QUALIFIERS,
  F_RECORD_ID,
  F_RELATED_ACTIVITY,
  F_TASK,
  F_THREAD,
  F_TIME,
  F_USER,
  F_VERSION,
  type FieldOp,
  opDropped,
  opValue,
  planApplies,
  SYSTEM_ATTR_FIELDS,
  SYSTEM_ELEMENT_FIELDS,
  systemPlan,
} from './plan.js';
import type { EvtxRecord } from './record.js';

function toInt(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0) return undefined;
  let v = 0;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === s.length) return undefined;
  if (s.length > 2 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120) {
    const n = Number.parseInt(s.slice(2), 16);
    return Number.isNaN(n) ? undefined : n;
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return s.charCodeAt(0) === 45 ? -v : v;
}

/** 9-digit (nanosecond) timestamps from text are cut to Windows' 7 digits of 100 ns. */
function normTime(s: string): string {
  if (s.length <= 28) return s;
  const m = /^(.*\.\d{7})\d*Z$/.exec(s);
  return m ? `${m[1]}Z` : s;
}

function pushData(ev: Event, v: FieldValue): void {
  if (ev.data === undefined) ev.data = [v];
  else ev.data.push(v);
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Set an own field; names from evidence such as `__proto__` or `constructor` stay plain fields. */
function setOwn(fields: Record<string, FieldValue>, key: string, value: FieldValue): void {
  if (key === '__proto__')
    Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
  else fields[key] = value;
}

function put(fields: Record<string, FieldValue>, key: string, value: FieldValue): void {
  const prev = Object.hasOwn(fields, key) ? fields[key] : undefined;
  if (prev === undefined) setOwn(fields, key, value);
  else if (Array.isArray(prev)) prev.push(value);
  else setOwn(fields, key, [prev, value]);
}

/** Set one System field from its rendered text (undefined: its element or attribute is absent). */
function setField(ev: Event, f: number, v: string | undefined): void {
  if (v === undefined) return;
  switch (f) {
    case F_PROVIDER:
      ev.provider = v;
      break;
    case F_PROVIDER_GUID:
      if (v) ev.providerGuid = v;
      break;
    case F_EVENT_SOURCE:
      if (v) ev.eventSourceName = v;
      break;
    case F_EVENT_ID:
      ev.eventId = toInt(v) ?? 0;
      break;
    case F_RECORD_ID:
      ev.recordId = toInt(v) ?? null;
      break;
    case F_KEYWORDS:
      if (v) ev.keywords = v;
      break;
    case F_TIME:
      if (v) ev.timestamp = normTime(v);
      break;
    case F_ACTIVITY:
      if (v) ev.activityId = v;
      break;
    case F_RELATED_ACTIVITY:
      if (v) ev.relatedActivityId = v;
      break;
    case F_USER:
      if (v) ev.userSid = v;
      break;
    case F_CHANNEL:
      ev.channel = v;
      break;
    case F_COMPUTER:
      ev.computer = v;
      break;
    default: {
      const n = toInt(v);
      if (n === undefined) break;
      if (f === F_QUALIFIERS) ev.qualifiers = n;
      else if (f === F_VERSION) ev.version = n;
      else if (f === F_LEVEL) ev.level = n;
      else if (f === F_TASK) ev.task = n;
      else if (f === F_OPCODE) ev.opcode = n;
      else if (f === F_PROCESS) ev.processId = n;
      else if (f === F_THREAD) ev.threadId = n;
    }
  }
}

function system(ev: Event, sys: ElementNode, scope: Scope): void {
  const plan = systemPlan(sys);
  if (plan !== null && planApplies(plan, scope)) {
    for (const op of plan.ops) setField(ev, op.field, opValue(op, scope));
    return;
  }
  // Generic walk: the same fields, for System elements a plan cannot model.
  forEachElement(sys.children, scope, (el, sc, item) => {
    const f = SYSTEM_ELEMENT_FIELDS[el.name];
    if (f !== undefined) setField(ev, f, elementText(el, sc, item));
    const attrs = SYSTEM_ATTR_FIELDS[el.name];
    if (attrs) for (const an in attrs) setField(ev, attrs[an] as number, attrValue(el, an, sc));
  });
}

/** Put `Elem_Attr` for each attribute (xmlns skipped); true when any was put. */
function attrsFlat(fields: Record<string, FieldValue>, el: ElementNode, scope: Scope): boolean {
  let any = false;
  for (const a of el.attrs) {
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    const v = attrValue(el, a.name, scope);
    if (v !== undefined) {
      put(fields, `${el.name}_${a.name}`, v);
      any = true;
    }
  }
  return any;
}

/** Flatten the leaves under `nodes` (UserData and other sections). `Data Name=X` still maps to X. */
function flatten(ev: Event, el: ElementNode, scope: Scope, item: string | undefined, depth: number): void {
  if (el.name === 'Data') {
    const name = attrValue(el, 'Name', scope);
    if (name) {
      put(ev.fields, name, elementText(el, scope, item));
      return;
    }
  }
  const withAttrs = attrsFlat(ev.fields, el, scope);
  if (item !== undefined || depth > 64 || !hasChildElements(el, scope)) {
    // An empty leaf that has attributes says everything through them (`<Object type=".."/>`).
    const text = elementText(el, scope, item);
    if (text !== '' || !withAttrs) put(ev.fields, el.name, text);
    return;
  }
  forEachElement(el.children, scope, (c, sc, it) => flatten(ev, c, sc, it, depth + 1));
}

/**
 * Fill `fields` from a copy of the plan's shape when every named op has a value (the usual case);
 * false, with the event unchanged, when one is dropped (its key must then be absent).
 */
function shapedData(
  ev: Event,
  shape: Readonly<Record<string, string>>,
  ops: readonly FieldOp[],
  scope: Scope,
): boolean {
  for (const op of ops) if (op.field !== D_UNNAMED && opDropped(op, scope)) return false;
  const fields: Record<string, FieldValue> = { ...shape };
  for (const op of ops) {
    if (op.field !== D_UNNAMED) fields[op.name] = textOf(op.nodes, scope);
    else if (!opDropped(op, scope)) pushData(ev, textOf(op.nodes, scope));
  }
  ev.fields = fields;
  return true;
}

function eventData(ev: Event, ed: ElementNode, scope: Scope): void {
  const plan = eventDataPlan(ed);
  if (plan !== null && planApplies(plan, scope)) {
    // With distinct names and no field set yet, plain stores are enough (no merge lookups).
    const direct = plan.uniqueNames === true && !hasKeys(ev.fields);
    if (direct && plan.shape !== undefined && shapedData(ev, plan.shape, plan.ops, scope)) return;
    for (const op of plan.ops) {
      const v = opValue(op, scope);
      if (v === undefined) continue;
      if (op.field === D_UNNAMED) pushData(ev, v);
      else if (direct) setOwn(ev.fields, op.name, v);
      else put(ev.fields, op.name, v);
    }
    return;
  }
  forEachElement(ed.children, scope, (el, sc, item) => {
    if (el.name === 'Data') {
      const name = attrValue(el, 'Name', sc);
      const text = elementText(el, sc, item);
      if (name) put(ev.fields, name, text);
      else pushData(ev, text);
    } else if (el.name === 'Binary') {
      put(ev.fields, 'Binary', elementText(el, sc, item));
    } else {
      flatten(ev, el, sc, item, 0);
    }
  });
  // EventData that is plain text (no elements) is kept as one unnamed value.
  if (ed.children.length > 0 && !hasChildElements(ed, scope)) {
    const t = textOf(ed.children, scope);
    if (t) pushData(ev, t);
  }
}

function section(ev: Event, sec: ElementNode, sc: Scope, item: string | undefined): void {
  if (sec.name === 'System') system(ev, sec, sc);
  else if (sec.name === 'EventData') eventData(ev, sec, sc);
  else if (sec.name === 'RenderingInfo') return;
  else if (sec.name === 'UserData')
    forEachElement(sec.children, sc, (c, s2, it) => flatten(ev, c, s2, it, 0));
  else flatten(ev, sec, sc, item, 0);
}

/** True when `el` is visited once, as itself (not dropped, not repeated per array item). */
function plainElement(el: ElementNode, scope: Scope): boolean {
  if (el.children.length !== 1) return true;
  const n = el.children[0] as Node;
  return n.k !== N_SUBST || (!n.optional && (substType(scope, n.index) & VT_ARRAY) === 0);
}

/** Map the first element of the record (the `Event`) section by section. */
function mapRoot(ev: Event, nodes: readonly Node[]): void {
  // Fast path for the usual shape: one template instance whose root is the Event element.
  const only = nodes.length === 1 ? (nodes[0] as Node) : undefined;
  if (only !== undefined && only.k === N_TEMPLATE) {
    const tn = only.template.nodes;
    const root = tn.length === 1 ? (tn[0] as Node) : undefined;
    if (root !== undefined && root.k === N_ELEMENT) {
      const scope = only.values;
      for (const c of root.children) {
        if (c.k === N_ELEMENT && plainElement(c, scope)) section(ev, c, scope, undefined);
        else forEachElement([c], scope, (sec, sc, item) => section(ev, sec, sc, item));
      }
      return;
    }
  }
  let seenRoot = false;
  forEachElement(nodes, null, (root, rootScope) => {
    if (seenRoot) return;
    seenRoot = true;
    forEachElement(root.children, rootScope, (sec, sc, item) => section(ev, sec, sc, item));
  });
}

/** The event of one record (kind `evtx`). Missing header fields keep their empty defaults. */
export function recordToEvent(rec: EvtxRecord, file: string): Event {
  const ev: Event = {
    kind: 'evtx',
    timestamp: '',
    channel: '',
    provider: '',
    eventId: 0,
    recordId: null,
    computer: '',
    fields: {},
    source: { file, offset: rec.offset, chunk: rec.chunk, recordNumber: rec.recordNumber },
  };
  if (rec.flags.length > 0) ev.source.flags = [...rec.flags];
  const { exceeded } = withRenderBudget(() => mapRoot(ev, rec.nodes));
  if (exceeded) ev.source.flags = [...(ev.source.flags ?? []), 'render-budget-exceeded'];
  if (!ev.timestamp) ev.timestamp = rec.writtenTime;
  return ev;
}
