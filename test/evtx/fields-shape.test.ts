import { describe, expect, it } from 'vitest';
import { parseEvtxBytes, recordToEvent } from '../../src/sources/evtx/index.js';
import type { BuilderEvent } from '../utils/evtx-builder.js';
import { buildEvtx } from '../utils/evtx-builder.js';

// EventData fields of a template are copied from one shape object per template (all its names in
// order) when no element is dropped; a dropped element must leave its name out, and the events
// sharing the template must not see each other's values.
function event(recordId: number, data: BuilderEvent['data']): BuilderEvent {
  return {
    channel: 'Microsoft-Windows-Sysmon/Operational',
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    timestamp: '2026-03-03T00:00:00Z',
    computer: 'H',
    recordId,
    data,
  };
}

describe('EVTX EventData fields built from a per-template shape', () => {
  it('keeps names in template order, leaves dropped ones out and values per event', () => {
    // One template (same names and types); the second event drops B (a null substitution).
    const bytes = buildEvtx([
      event(1, { A: 'a1', B: 'b1', C: 'c1', '0': 'zero1' }),
      event(2, { A: 'a2', B: null, C: 'c2', '0': 'zero2' }),
      event(3, { A: 'a3', B: 'b3', C: 'c3', '0': 'zero3' }),
    ]);
    const res = parseEvtxBytes(bytes, { file: 'shape.evtx' });
    const evs = res.items.map((i) => (i.ok ? recordToEvent(i.value, 'shape.evtx') : null));
    expect(evs.map((e) => (e ? JSON.stringify(e.fields) : null))).toEqual([
      '{"0":"zero1","A":"a1","B":"b1","C":"c1"}',
      '{"0":"zero2","A":"a2","C":"c2"}',
      '{"0":"zero3","A":"a3","B":"b3","C":"c3"}',
    ]);
    expect(Object.hasOwn(evs[1]?.fields ?? {}, 'B')).toBe(false);
    // Fields are plain, separate objects.
    if (evs[0] && evs[2]) {
      evs[0].fields.A = 'changed';
      expect(evs[2].fields.A).toBe('a3');
      expect(Object.getPrototypeOf(evs[2].fields)).toBe(Object.prototype);
    }
  });
});
