/**
 * @module sigma/view
 * How a rule sees an event: field lookup by the names rules use, and every value for keyword
 * (field-less) searches. Logsource targets (sigma/pipeline) build translated views, e.g. a
 * Security 4688 event seen with Sysmon 1 field names; matchers only ever see an `EventView`.
 */
import type { Event, FieldValue } from '../model/event.js';
import { getField, SYSTEM_FIELDS } from '../model/event.js';

export interface EventView {
  readonly event: Event;
  /** The value of a field by the name a rule uses; `undefined` when absent. */
  get(name: string): FieldValue | undefined;
  /** Every value of the event (data fields, then header values), for keyword searches. */
  allValues(): FieldValue[];
}

/** The untranslated view: event fields first, then the System header under Sigma names. */
export function plainView(event: Event): EventView {
  let all: FieldValue[] | undefined;
  return {
    event,
    get: (name) => getField(event, name),
    allValues() {
      if (!all) {
        all = Object.values(event.fields);
        if (event.data) all.push(...event.data);
        for (const key of ['Channel', 'Provider_Name', 'Computer'] as const) {
          const v = SYSTEM_FIELDS[key]?.(event);
          if (v !== undefined) all.push(v);
        }
      }
      return all;
    },
  };
}
