import { describe, expect, it } from 'vitest';
import { collect, memInput } from '../../../test/sources/inputs.js';
import { ecsSource, evtxJsonSource, flatJsonSource } from './index.js';

describe('JSON readers', () => {
  it('report objects of another shape, and non-objects, with their lines', async () => {
    const text =
      '{"EventID": 1, "Channel": "A"}\n{"note": "no id"}\n[1, 2]\n"str"\n{"EventID": 2, "Channel": "B"}\n';
    const { events, issues } = await collect(flatJsonSource.read(memInput(text, 5, 'm.json')));
    expect(events.map((e) => [e.eventId, e.channel, e.source.line])).toEqual([
      [1, 'A', 1],
      [2, 'B', 5],
    ]);
    expect(issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['json-unexpected-shape', 2],
      ['json-unexpected-text', 3],
      ['json-unexpected-text', 4],
    ]);
  });

  it('read an array of nested events and evtx_dump output with Record headings', async () => {
    const ev = (id: number) => ({ Event: { System: { EventID: id, Channel: 'C' } } });
    const arr = JSON.stringify([ev(1), ev(2), ev(3)], null, 2);
    const dump = `Record 1\n${JSON.stringify(ev(4), null, 2)}\nRecord 2\n${JSON.stringify(ev(5), null, 2)}\n`;
    expect((await collect(evtxJsonSource.read(memInput(arr)))).events.map((e) => e.eventId)).toEqual([
      1, 2, 3,
    ]);
    const r = await collect(evtxJsonSource.read(memInput(dump)));
    expect(r.issues).toEqual([]);
    expect(r.events.map((e) => [e.eventId, e.source.line])).toEqual([
      [4, 2],
      [5, 11],
    ]);
  });

  it('sniff by content with confidence growing with agreement', () => {
    const head = (s: string) => ({ head: Buffer.from(s), path: 'x' });
    const flat = '{"EventID": 1, "Channel": "Security"}\n';
    expect(flatJsonSource.sniff(head(flat.repeat(3)))).toBeCloseTo(0.9);
    expect(flatJsonSource.sniff(head(`${flat}{"other": 1}\n`))).toBeCloseTo(0.7);
    expect(evtxJsonSource.sniff(head(flat))).toBe(0);
    expect(ecsSource.sniff(head(flat))).toBe(0);
    // One object larger than the head: judged by its opening keys.
    const bigNested = `{"Event": {"System": {"EventID": 1, "Channel": "${'x'.repeat(100)}`;
    expect(evtxJsonSource.sniff(head(bigNested))).toBe(0.5);
    expect(flatJsonSource.sniff(head(bigNested))).toBe(0);
    const bigFlat = `{"EventID": 1, "Channel": "Security", "Message": "${'x'.repeat(100)}`;
    expect(flatJsonSource.sniff(head(bigFlat))).toBe(0.4);
  });
});
