import { describe, expect, it } from 'vitest';
import { getField } from '../../src/model/event.js';
import { parseEvtxBytes, recordToEvent } from '../../src/sources/evtx/index.js';
import { buildEvtx } from '../utils/evtx-builder.js';

describe('EVTX data names that are JavaScript property names', () => {
  it('keeps __proto__ and constructor as plain own fields', () => {
    const bytes = buildEvtx([
      {
        channel: 'Application',
        provider: 'Evil',
        eventId: 1,
        timestamp: '2026-03-03T00:00:00Z',
        computer: 'H',
        recordId: 1,
        // JSON.parse makes `__proto__` an own key (an object literal would set the prototype).
        data: JSON.parse('{"__proto__": "p", "constructor": "c", "toString": "t"}') as Record<string, string>,
      },
    ]);
    const res = parseEvtxBytes(bytes, { file: 'hostile.evtx' });
    const item = res.items[0];
    expect(item?.ok).toBe(true);
    if (!item?.ok) return;
    const ev = recordToEvent(item.value, 'hostile.evtx');
    expect(Object.getPrototypeOf(ev.fields)).toBe(Object.prototype);
    expect(Object.hasOwn(ev.fields, '__proto__')).toBe(true);
    expect(getField(ev, '__proto__')).toBe('p');
    expect(getField(ev, 'constructor')).toBe('c');
    expect(getField(ev, 'toString')).toBe('t');
    expect(JSON.stringify(ev.fields)).toBe('{"__proto__":"p","constructor":"c","toString":"t"}');
  });
});
