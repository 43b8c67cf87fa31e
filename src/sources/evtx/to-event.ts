/**
 * @module sources/evtx/to-event
 * Maps one parsed record onto Fathom's event model: the System header into typed fields,
 * EventData `<Data Name=X>` into `fields[X]` (unnamed Data into `data[]`, `Binary` into
 * `fields.Binary`), UserData and other sections flattened to their leaves (`Elem` for text,
 * `Elem_Attr` for attributes, repeated names as arrays). Values are the strings Windows shows.
 */
import type { Event, FieldValue } from '../../model/event.js';
import type { ElementNode, Scope } from './binxml/nodes.js';
import {
  attrValue,
  elementText,
  forEachElement,
  hasChildElements,
  textOf,
  withRenderBudget,
} from './binxml/walk.js';
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

function put(fields: Record<string, FieldValue>, key: string, value: FieldValue): void {
  const prev = fields[key];
  if (prev === undefined) fields[key] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[key] = [prev, value];
}

function system(ev: Event, sys: ElementNode, scope: Scope): void {
  forEachElement(sys.children, scope, (el, sc, item) => {
    switch (el.name) {
      case 'Provider': {
        const name = attrValue(el, 'Name', sc);
        if (name !== undefined) ev.provider = name;
        const guid = attrValue(el, 'Guid', sc);
        if (guid) ev.providerGuid = guid;
        const esn = attrValue(el, 'EventSourceName', sc);
        if (esn) ev.eventSourceName = esn;
        break;
      }
      case 'EventID': {
        ev.eventId = toInt(elementText(el, sc, item)) ?? 0;
        const q = toInt(attrValue(el, 'Qualifiers', sc));
        if (q !== undefined) ev.qualifiers = q;
        break;
      }
      case 'Version':
      case 'Level':
      case 'Task':
      case 'Opcode': {
        const v = toInt(elementText(el, sc, item));
        if (v !== undefined) {
          const key =
            el.name === 'Version'
              ? 'version'
              : el.name === 'Level'
                ? 'level'
                : el.name === 'Task'
                  ? 'task'
                  : 'opcode';
          ev[key] = v;
        }
        break;
      }
      case 'Keywords': {
        const k = elementText(el, sc, item);
        if (k) ev.keywords = k;
        break;
      }
      case 'TimeCreated': {
        const t = attrValue(el, 'SystemTime', sc);
        if (t) ev.timestamp = normTime(t);
        break;
      }
      case 'EventRecordID': {
        const id = toInt(elementText(el, sc, item));
        ev.recordId = id ?? null;
        break;
      }
      case 'Correlation': {
        const a = attrValue(el, 'ActivityID', sc);
        if (a) ev.activityId = a;
        const ra = attrValue(el, 'RelatedActivityID', sc);
        if (ra) ev.relatedActivityId = ra;
        break;
      }
      case 'Execution': {
        const p = toInt(attrValue(el, 'ProcessID', sc));
        if (p !== undefined) ev.processId = p;
        const t = toInt(attrValue(el, 'ThreadID', sc));
        if (t !== undefined) ev.threadId = t;
        break;
      }
      case 'Channel':
        ev.channel = elementText(el, sc, item);
        break;
      case 'Computer':
        ev.computer = elementText(el, sc, item);
        break;
      case 'Security': {
        const u = attrValue(el, 'UserID', sc);
        if (u) ev.userSid = u;
        break;
      }
      default:
        break;
    }
  });
}

function attrsFlat(fields: Record<string, FieldValue>, el: ElementNode, scope: Scope): void {
  for (const a of el.attrs) {
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    const v = attrValue(el, a.name, scope);
    if (v !== undefined) put(fields, `${el.name}_${a.name}`, v);
  }
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
  attrsFlat(ev.fields, el, scope);
  if (item !== undefined || depth > 64 || !hasChildElements(el, scope)) {
    put(ev.fields, el.name, elementText(el, scope, item));
    return;
  }
  forEachElement(el.children, scope, (c, sc, it) => flatten(ev, c, sc, it, depth + 1));
}

function eventData(ev: Event, ed: ElementNode, scope: Scope): void {
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
  let seenRoot = false;
  const { exceeded } = withRenderBudget(() =>
    forEachElement(rec.nodes, null, (root, rootScope) => {
      if (seenRoot) return;
      seenRoot = true;
      forEachElement(root.children, rootScope, (sec, sc, item) => {
        if (sec.name === 'System') system(ev, sec, sc);
        else if (sec.name === 'EventData') eventData(ev, sec, sc);
        else if (sec.name === 'RenderingInfo') return;
        else if (sec.name === 'UserData') {
          forEachElement(sec.children, sc, (c, s2, it) => flatten(ev, c, s2, it, 0));
        } else flatten(ev, sec, sc, item, 0);
      });
    }),
  );
  if (exceeded) ev.source.flags = [...(ev.source.flags ?? []), 'render-budget-exceeded'];
  if (!ev.timestamp) ev.timestamp = rec.writtenTime;
  return ev;
}
