/**
 * @module sigma/compile/memo
 * The per-event memo compiled matchers share: each field's text (and its lower-case form) is
 * computed at most once per event, whatever the number of rules that read it. The memo is keyed
 * by the identity of the view and its event and reset when another event arrives, so matching
 * allocates per event and per field read, never per rule. A view must not be mutated while it is
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

const EMPTY: readonly string[] = Object.freeze([]);

let curView: EventView | null = null;
let curEvent: unknown = null;
/** Incremented whenever the memo switches to another view or event. */
let generation = 0;
const fields = new Map<string, FieldText>();
let keywordTexts: FieldText | null = null;

function reset(view: EventView): void {
  if (view === curView && view.event === curEvent) return;
  curView = view;
  curEvent = view.event;
  generation++;
  fields.clear();
  keywordTexts = null;
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
  reset(view);
  let f = fields.get(name);
  if (!f) {
    const raw = view.get(name);
    f = { raw, texts: textsOf(raw), lowers: null };
    fields.set(name, f);
  }
  return f;
}

/** Every value of the event as text, for keyword searches. */
export function allTexts(view: EventView): FieldText {
  reset(view);
  if (!keywordTexts) {
    const raw = view.allValues();
    keywordTexts = { raw, texts: textsOf(raw), lowers: null };
  }
  return keywordTexts;
}

export function lowers(f: FieldText): readonly string[] {
  if (!f.lowers) f.lowers = f.texts.map((t) => t.toLowerCase());
  return f.lowers;
}

/** The memo generation of a view's event: equal for every read of the same view and event. */
export function memoGeneration(view: EventView): number {
  reset(view);
  return generation;
}
