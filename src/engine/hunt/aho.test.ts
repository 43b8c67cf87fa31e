import { describe, expect, it } from 'vitest';
import { AhoCorasick } from './aho.js';

function found(needles: string[], text: string): string[] {
  const ac = new AhoCorasick(needles);
  const ids = new Set<number>();
  ac.search(text, (id) => ids.add(id));
  return [...ids].sort((a, b) => a - b).map((i) => needles[i] as string);
}

function naive(needles: string[], text: string): string[] {
  return needles.filter((n) => text.includes(n));
}

describe('AhoCorasick', () => {
  it('finds overlapping and nested needles', () => {
    expect(found(['he', 'she', 'his', 'hers'], 'ushers')).toEqual(['he', 'she', 'hers']);
    expect(found(['\\cmd.exe', 'cmd', '/c'], 'c:\\windows\\system32\\cmd.exe /c whoami')).toEqual([
      '\\cmd.exe',
      'cmd',
      '/c',
    ]);
  });

  it('reports nothing on an empty text or with no needles', () => {
    expect(found(['abc'], '')).toEqual([]);
    expect(found([], 'abc')).toEqual([]);
  });

  it('agrees with a naive search on random texts', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alpha = 'abc\\/.';
    const word = (n: number) => Array.from({ length: n }, () => alpha[rnd() % alpha.length]).join('');
    for (let round = 0; round < 200; round++) {
      const needles = Array.from({ length: 1 + (rnd() % 8) }, () => word(1 + (rnd() % 4)));
      const text = word(rnd() % 40);
      expect(found(needles, text)).toEqual(
        naive([...new Set(needles)], text).sort((a, b) => needles.indexOf(a) - needles.indexOf(b)),
      );
    }
  });
});

describe('AhoCorasick with a dense root table', () => {
  it('agrees with a naive search when it has many needles', () => {
    const needles = Array.from({ length: 300 }, (_, i) => `n${i.toString(36)}x`);
    const text = 'zzn1xn2zn2xn9x--n8hx n8ix';
    const ids = new Set<number>();
    new AhoCorasick(needles).search(text, (id) => ids.add(id));
    expect([...ids].map((i) => needles[i]).sort()).toEqual(needles.filter((n) => text.includes(n)).sort());
  });
});
