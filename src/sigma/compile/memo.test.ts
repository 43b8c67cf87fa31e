import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/event.js';
import type { EventView } from '../view.js';
import { plainView } from '../view.js';
import { allTexts, fieldText, lowers, memoGeneration } from './memo.js';

const ev = (v: string): Event => ({
  kind: 'x',
  timestamp: '',
  channel: '',
  provider: '',
  eventId: 1,
  recordId: 1,
  computer: '',
  fields: { A: v },
  source: { file: '', offset: 0 },
});

describe('per-event memo', () => {
  it('reads a field once per view and event, and keeps alternating views apart', () => {
    const e = ev('Hello');
    let reads = 0;
    const base = plainView(e);
    const upper: EventView = {
      event: e,
      get: (n) => {
        reads++;
        return String(base.get(n)).toUpperCase();
      },
      allValues: () => [],
    };
    const plain = plainView(e);
    for (let i = 0; i < 3; i++) {
      expect(lowers(fieldText(plain, 'A'))).toEqual(['hello']);
      expect(fieldText(upper, 'A').texts).toEqual(['HELLO']);
    }
    expect(reads).toBe(1);
    expect(memoGeneration(plain)).not.toBe(memoGeneration(upper));
  });

  it('never serves a stale value for a new event', () => {
    for (let i = 0; i < 10; i++) expect(fieldText(plainView(ev(`v${i}`)), 'A').texts).toEqual([`v${i}`]);
  });

  it('treats a view whose event changed as a new event', () => {
    let e = ev('one');
    const view: EventView = {
      get event() {
        return e;
      },
      get: (n) => e.fields[n],
      allValues: () => [],
    };
    expect(fieldText(view, 'A').texts).toEqual(['one']);
    e = ev('two');
    expect(fieldText(view, 'A').texts).toEqual(['two']);
  });

  it('refills reused entries whole: fewer members, absent fields, lower case and keyword texts', () => {
    const withFields = (fields: Event['fields']): Event => ({ ...ev(''), fields });
    const seq: Array<[Event['fields'], string[]]> = [
      [{ A: ['X', 'Y', 'Z'], B: 'b' }, ['X', 'Y', 'Z']],
      [{ A: ['Q'] }, ['Q']],
      [{ B: 'only b' }, []],
      [{ A: 7 }, ['7']],
    ];
    // Every value as text, computed afresh.
    const texts = (v: unknown): string[] =>
      Array.isArray(v) ? v.flatMap(texts) : v === null || v === undefined ? [] : [String(v)];
    // One view object per event, as engines make them; the memo's slots are reused round-robin.
    for (let round = 0; round < 3; round++) {
      for (const [fields, a] of seq) {
        const view = plainView(withFields(fields));
        expect(fieldText(view, 'A').texts).toEqual(a);
        expect(lowers(fieldText(view, 'A'))).toEqual(a.map((t) => t.toLowerCase()));
        expect(fieldText(view, 'A').raw).toEqual(fields.A);
        expect(allTexts(view).texts).toEqual(texts(plainView(withFields(fields)).allValues()));
        expect(allTexts(view).texts).toContain(fields.B ?? String(fields.A));
      }
    }
  });
});
