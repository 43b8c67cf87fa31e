import { describe, expect, it } from 'vitest';
import { TextMemo } from './text-memo.js';

describe('TextMemo', () => {
  it('remembers answers by text until its character budget is spent, then starts over', () => {
    // Each entry counts its length + 4: "aaaa" costs 8, so two fit in 20 and a third starts over.
    const m = new TextMemo<number>(20, 4);
    m.set('aaaa', 1);
    m.set('bbbb', 2);
    expect([m.get('aaaa'), m.get('bbbb'), m.size]).toEqual([1, 2, 2]);
    m.set('cccc', 3);
    expect([m.get('aaaa'), m.get('bbbb'), m.get('cccc'), m.size]).toEqual([undefined, undefined, 3, 1]);
    // Texts equal in content are one entry, whichever string object carries them.
    expect(m.get(['cc', 'cc'].join(''))).toBe(3);
    m.clear();
    expect([m.get('cccc'), m.size]).toEqual([undefined, 0]);
  });

  it('stays bounded whatever the stream of distinct texts', () => {
    const m = new TextMemo<boolean>(1000, 16);
    for (let i = 0; i < 10_000; i++) m.set(`text-${i}`, i % 2 === 0);
    expect(m.size).toBeLessThanOrEqual(1000 / 16);
    expect(m.get('text-9999')).toBe(false);
  });
});
