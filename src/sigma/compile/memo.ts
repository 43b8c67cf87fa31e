/**
 * @module sigma/compile/memo
 * The per-event memo compiled matchers share: each field's text (and its lower-case form) is
 * computed at most once per event and view, whatever the number of rules that read it. A few
 * slots keyed by the identity of the view and its event let an engine alternate between the views
 * of one event (e.g. a Sysmon view and a translated 4688 view) without losing the memo; a slot is
 * reused when another event arrives, so matching allocates per event and field read, never per
 * rule. A view must not be mutated while it is being matched.
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

interface Slot {
  view: EventView | null;
  event: unknown;
  /** Unique per (slot, event): stamps derived results such as needle scans. */
  generation: number;
  readonly fields: Map<string, FieldText>;
  keyword: FieldText | null;
}

const EMPTY: readonly string[] = Object.freeze([]);
const SLOTS = 4;
const slots: Slot[] = Array.from({ length: SLOTS }, () => ({
  view: null,
  event: null,
  generation: 0,
  fields: new Map<string, FieldText>(),
  keyword: null,
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
  s.fields.clear();
  s.keyword = null;
  current = s;
  return s;
}

function textsOf(v: FieldValue | undefined): readonly string[] {
  if (v === undefined || v === null) return EMPTY;
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  const out: string[] = [];
  const walk = (x: FieldValue): void => {
    if (Array.isArray(x)) for (const y of x) walk(y);
    else if (typeof x === 'string') out.push(x);
    else if (typeof x === 'number' || typeof x === 'boolean') out.push(String(x));
  };
  walk(v);
  return out;
}

export function fieldText(view: EventView, name: string): FieldText {
  const s = slotOf(view);
  let f = s.fields.get(name);
  if (!f) {
    const raw = view.get(name);
    f = { raw, texts: textsOf(raw), lowers: null };
    s.fields.set(name, f);
  }
  return f;
}

/** Every value of the event as text, for keyword searches. */
export function allTexts(view: EventView): FieldText {
  const s = slotOf(view);
  if (!s.keyword) {
    const raw = view.allValues();
    s.keyword = { raw, texts: textsOf(raw), lowers: null };
  }
  return s.keyword;
}

export function lowers(f: FieldText): readonly string[] {
  if (!f.lowers) f.lowers = f.texts.map((t) => t.toLowerCase());
  return f.lowers;
}

/** The memo generation of a view's event: equal for every read of the same view and event. */
export function memoGeneration(view: EventView): number {
  return slotOf(view).generation;
}
