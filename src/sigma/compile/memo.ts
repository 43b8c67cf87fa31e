/**
 * @module sigma/compile/memo
 * The per-event memo compiled matchers share: each field's text (and its lower-case form) is
 * computed at most once per event and view, whatever the number of rules that read it. A few
 * slots keyed by the identity of the view and its event let an engine alternate between the views
 * of one event (e.g. a Sysmon view and a translated 4688 view) without losing the memo; a slot is
 * reused when another event arrives, and its entries are refilled in place (stamped with the
 * slot's generation), so reading a field allocates nothing beyond its texts. What `fieldText`
 * returns is valid until the slot moves to another event. A view must not be mutated while it is
 * being matched.
 */
import type { FieldValue } from '../../model/event.js';
import type { EventView } from '../view.js';

export interface FieldText {
  /** The raw value (for numeric and presence checks). */
  readonly raw: FieldValue | undefined;
  /** Text of each scalar member (null/absent members left out). */
  readonly texts: readonly string[];
  /** Lower-case forms, computed on first use. */
  lowers: string[] | null;
}

/** A slot's memo of one field, valid while `generation` is the slot's (then refilled in place). */
interface Entry extends FieldText {
  raw: FieldValue | undefined;
  readonly texts: string[];
  generation: number;
}

interface Slot {
  view: EventView | null;
  event: unknown;
  /** Unique per (slot, event): stamps derived results such as needle scans. */
  generation: number;
  /** Entries by field name, kept from event to event (no allocation per event and field). */
  readonly fields: Map<string, Entry>;
  readonly keyword: Entry;
}

/** Field names a slot keeps entries for before it starts over (rules read a bounded set). */
const MAX_ENTRIES = 4096;

const newEntry = (): Entry => ({ raw: undefined, texts: [], lowers: null, generation: -1 });

const SLOTS = 4;
const slots: Slot[] = Array.from({ length: SLOTS }, () => ({
  view: null,
  event: null,
  generation: 0,
  fields: new Map<string, Entry>(),
  keyword: newEntry(),
}));
let current = slots[0] as Slot;
let nextVictim = 0;
let generations = 0;

function slotOf(view: EventView): Slot {
  if (current.view === view && current.event === view.event) return current;
  for (const s of slots) {
    if (s.view === view && s.event === view.event) {
      current = s;
      return s;
    }
  }
  const s = slots[nextVictim] as Slot;
  nextVictim = (nextVictim + 1) % SLOTS;
  s.view = view;
  s.event = view.event;
  s.generation = ++generations;
  if (s.fields.size > MAX_ENTRIES) s.fields.clear();
  current = s;
  return s;
}

/**
 * Put the text of each scalar member of `v` into `out` (null/absent members left out). The array
 * is overwritten in place: emptying it with `length = 0` would drop its storage every event.
 */
function fillTexts(out: string[], v: FieldValue | undefined): void {
  const n = v === undefined || v === null ? 0 : putTexts(out, 0, v);
  if (out.length !== n) out.length = n;
}

function putTexts(out: string[], n: number, x: FieldValue): number {
  if (typeof x === 'string') out[n++] = x;
  else if (typeof x === 'number' || typeof x === 'boolean') out[n++] = String(x);
  else if (Array.isArray(x)) for (const y of x) n = putTexts(out, n, y);
  return n;
}

/** Refill `e` for the slot's current event from field `name` of the view (null: every value). */
function refill(e: Entry, s: Slot, view: EventView, name: string | null): Entry {
  e.generation = s.generation;
  e.raw = name === null ? view.allValues() : view.get(name);
  fillTexts(e.texts, e.raw);
  e.lowers = null;
  return e;
}

export function fieldText(view: EventView, name: string): FieldText {
  const s = slotOf(view);
  let e = s.fields.get(name);
  if (e === undefined) {
    e = newEntry();
    s.fields.set(name, e);
  }
  return e.generation === s.generation ? e : refill(e, s, view, name);
}

/** Every value of the event as text, for keyword searches. */
export function allTexts(view: EventView): FieldText {
  const s = slotOf(view);
  return s.keyword.generation === s.generation ? s.keyword : refill(s.keyword, s, view, null);
}

export function lowers(f: FieldText): readonly string[] {
  if (!f.lowers) f.lowers = f.texts.map((t) => t.toLowerCase());
  return f.lowers;
}

/** The memo generation of a view's event: equal for every read of the same view and event. */
export function memoGeneration(view: EventView): number {
  return slotOf(view).generation;
}
