import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/utils/events.js';
import { prng } from '../../../test/utils/evtx-defects.js';
import { plainView } from '../view.js';
import type { FieldText } from './memo.js';
import { FieldNeedles, NeedleIndex } from './needles.js';

function naive(needles: readonly string[], texts: readonly string[]): number[] {
  const out: number[] = [];
  needles.forEach((n, id) => {
    if (texts.some((t) => t.includes(n))) out.push(id);
  });
  return out;
}

/** A field's texts as the memo hands them to a scan. */
function fieldOf(texts: string[]): FieldText {
  return { raw: texts, texts, lowers: null };
}

function found(f: FieldNeedles): number[] {
  return [...f.found.subarray(0, f.foundCount)].sort((a, b) => a - b);
}

describe('FieldNeedles', () => {
  it('finds exactly the needles a text contains, overlapping and nested ones included', () => {
    const f = new FieldNeedles();
    for (const n of ['he', 'she', 'his', 'hers', '\\cmd.exe', 'cmd', 'md.e']) f.add(n);
    f.scanField(fieldOf(['ushers', 'c:\\windows\\system32\\cmd.exe']), 1);
    expect(found(f).map((i) => f.needles[i])).toEqual(['he', 'she', 'hers', '\\cmd.exe', 'cmd', 'md.e']);
    expect(f.has(f.ids.get('his') as number, 1)).toBe(false);
  });

  it('handles characters outside ASCII in needles and texts', () => {
    const f = new FieldNeedles();
    for (const n of ['–enc', '—enc', 'приве', 'x\u00e9y', '-enc']) f.add(n);
    f.scanField(fieldOf(['powershell –enc abc', 'привет', 'axéyz']), 7);
    expect(found(f).map((i) => f.needles[i])).toEqual(['–enc', 'приве', 'x\u00e9y']);
  });

  it('agrees with String.includes on random needles and texts (dense and sparse states)', () => {
    const next = prng(42);
    const alphabet = 'abcd\\.-–é ';
    const word = (min: number, max: number) => {
      const len = min + Math.floor(next() * (max - min + 1));
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    };
    for (let round = 0; round < 30; round++) {
      // Every third round keeps only a few dense rows, so most states are sparse.
      const f = round % 3 === 0 ? new FieldNeedles(64) : new FieldNeedles();
      // Enough needles that some states have no dense row.
      const needles = Array.from({ length: 50 + Math.floor(next() * 3000) }, () => word(2, 9));
      for (const n of needles) f.add(n);
      for (let gen = 1; gen <= 20; gen++) {
        const texts = Array.from({ length: 1 + Math.floor(next() * 3) }, () => word(0, 60));
        f.scanField(fieldOf(texts), round * 100 + gen);
        expect(found(f)).toEqual(naive(f.needles, texts));
      }
    }
  });

  it('keeps built automata in a cache directory and refuses damaged entries', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-needles-'));
    const next = prng(7);
    const word = (n: number) => Array.from({ length: n }, () => 'abc.\\é'[Math.floor(next() * 6)]).join('');
    const needles = Array.from({ length: 400 }, () => word(2 + Math.floor(next() * 6)));
    const texts = Array.from({ length: 200 }, () => word(40));
    const table = (cells?: number) => {
      const f = new FieldNeedles(cells);
      for (const n of needles) f.add(n);
      return f;
    };
    const answers = (f: FieldNeedles) =>
      texts.map((t, i) => {
        f.scanField(fieldOf([t]), i + 1);
        return found(f);
      });
    const want = texts.map((t) => naive(table().needles, [t]));

    const first = table();
    first.prepare(dir);
    expect(first.automatonSource).toBe('stored');
    const second = table();
    second.prepare(dir);
    expect(second.automatonSource).toBe('cache');
    expect(answers(second)).toEqual(want);
    // Other needles or another dense bound are another automaton.
    const other = table(64);
    other.prepare(dir);
    expect(other.automatonSource).toBe('stored');
    expect(answers(other)).toEqual(want);

    // A damaged entry: an out-of-range state; then bytes that are not v8 data at all.
    for (const n of readdirSync(dir)) {
      const parts = deserialize(readFileSync(join(dir, n))) as { fail: Int32Array };
      parts.fail[parts.fail.length - 1] = 1 << 30;
      writeFileSync(join(dir, n), serialize(parts));
    }
    const damaged = table();
    damaged.prepare(dir);
    expect(damaged.automatonSource).toBe('stored');
    expect(answers(damaged)).toEqual(want);
    for (const n of readdirSync(dir)) writeFileSync(join(dir, n), 'not v8');
    const garbage = table();
    garbage.prepare(dir);
    expect(garbage.automatonSource).toBe('stored');
    expect(answers(garbage)).toEqual(want);
  });

  it('scans once per generation and again after needles are added', () => {
    const f = new FieldNeedles();
    f.add('abc');
    f.scanField(fieldOf(['xxabcxx']), 1);
    expect(f.foundCount).toBe(1);
    f.scanField(fieldOf(['nothing']), 1); // same generation: the earlier result stands
    expect(f.foundCount).toBe(1);
    const id = f.add('xx');
    expect(f.scannedFor(1)).toBe(false);
    f.scanField(fieldOf(['xxabcxx']), 2);
    expect(f.has(id, 2)).toBe(true);
  });
});

describe('FieldNeedles.scanField (case-insensitive, cached)', () => {
  it('reads text as its lower case: ASCII folded in place, other text lower-cased first', () => {
    const next = prng(7);
    // Upper and lower case, a Kelvin sign (lower-cases to ASCII k), a dotted capital I (lower-cases
    // to two characters) and a final-sigma context, around needles that meet them.
    const alphabet = [
      'a',
      'B',
      'k',
      'K',
      '\u212a',
      'i',
      '\u0130',
      '\u03a3',
      '\u03c3',
      '\u03c2',
      ' ',
      '.',
      'é',
      'É',
    ];
    const pick = () => alphabet[Math.floor(next() * alphabet.length)] as string;
    const word = (n: number) => Array.from({ length: n }, pick).join('');
    const f = new FieldNeedles();
    const needles = new Set<string>(['k', 'ki', 'i\u0307', '\u03c3 ', '\u03c2', 'é.', 'ab']);
    for (let i = 0; i < 300; i++) needles.add(word(1 + Math.floor(next() * 4)).toLowerCase());
    for (const n of needles) f.add(n);
    const seen: string[] = [];
    for (let gen = 1; gen <= 400; gen++) {
      // Lengths below, inside and above the cached range; a fifth of the texts repeat earlier ones.
      const texts = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
        seen.length && next() < 0.2
          ? (seen[Math.floor(next() * seen.length)] as string)
          : word([3, 30, 200, 1100][Math.floor(next() * 4)] as number),
      );
      seen.push(...texts);
      f.scanField(fieldOf(texts), gen);
      const want = naive(
        f.needles,
        texts.map((t) => t.toLowerCase()),
      );
      expect(found(f)).toEqual(want);
    }
  });

  it('gives a repeated text the same needles, and forgets them when needles are added', () => {
    const f = new FieldNeedles();
    f.add('\\cmd.exe');
    const text = 'C:\\Windows\\System32\\CMD.EXE /c whoami /all';
    f.scanField(fieldOf([text]), 1);
    f.scanField(fieldOf([text]), 2);
    expect(found(f).map((i) => f.needles[i])).toEqual(['\\cmd.exe']);
    const id = f.add('whoami');
    f.scanField(fieldOf([text]), 3);
    expect(f.has(id, 3)).toBe(true);
  });

  it('refuses a needle with ASCII upper case (it could never be found)', () => {
    expect(() => new FieldNeedles().add('CMD')).toThrow(/lower-case/);
  });
});

describe('NeedleIndex.anyFound', () => {
  it('answers small and large needle sets alike (large ones by the needles found)', () => {
    const index = new NeedleIndex();
    const many = Array.from({ length: 40 }, (_, i) => `tool${i}x`);
    const large = index.register('CommandLine', many);
    const small = index.register('CommandLine', ['tool3x', 'other']);
    const view = (cmd: string) => plainView(testEvent({ CommandLine: cmd }));
    const cases: Array<[string, boolean, boolean]> = [
      ['run TOOL39X now', true, false],
      ['run tool3x', true, true],
      ['run tool40x', false, false],
      ['', false, false],
      ['OTHER', false, true],
    ];
    for (const [cmd, inLarge, inSmall] of cases) {
      const v = view(cmd);
      expect([cmd, index.anyFound(v, large), index.anyFound(v, small)]).toEqual([cmd, inLarge, inSmall]);
    }
  });
});
