import { describe, expect, it } from 'vitest';
import { base64Offsets, expandPlaceholders, utf16, WINDASH_MAX_POSITIONS, windash } from './encoding.js';
import { globMatch, parseSigmaString, renderPattern } from './pattern.js';
import { compileRegex, isNativeSafe, REGEX_TEXT_CAP, requiredLiteral } from './regex.js';
import { datePart, inCidr, parseCidr, parseIp, parseNumber } from './scalar.js';

const plain = (s: string) => ({ pattern: parseSigmaString(s), bytes: false });

describe('Sigma strings', () => {
  it.each([
    ['a*b', ['a', '*', 'b']],
    ['a\\*b', ['a*b']],
    ['a\\?b', ['a?b']],
    ['C:\\\\*', ['C:\\', '*']],
    ['C:\\\\\\*', ['C:\\*']],
    ['\\\\\\\\srv', ['\\\\srv']],
    ['\\\\\\srv', ['\\\\srv']],
    ['C:\\Windows', ['C:\\Windows']],
    ['C:\\\\Windows', ['C:\\Windows']],
    ['trailing\\', ['trailing\\']],
    ['a**b', ['a', '*', 'b']],
  ])('%s parses to %j', (raw, parts) => {
    expect(parseSigmaString(raw).parts.map((p) => (typeof p === 'string' ? p : p.wild))).toEqual(parts);
  });

  it('renders back to an equivalent source', () => {
    for (const raw of ['a*b?c', 'a\\*b', 'C:\\\\*', 'x\\\\y']) {
      const p = parseSigmaString(raw);
      expect(parseSigmaString(renderPattern(p))).toEqual(p);
    }
  });

  it('glob matcher: anchored, * and ? semantics', () => {
    const g = (pat: string, text: string) => globMatch(parseSigmaString(pat).parts, text);
    expect(g('a*c', 'abbbc')).toBe(true);
    expect(g('a*c', 'abbbcd')).toBe(false);
    expect(g('a?c', 'abc')).toBe(true);
    expect(g('a?c', 'ac')).toBe(false);
    expect(g('*', '')).toBe(true);
    expect(g('', '')).toBe(true);
    expect(g('*a*a*a*a*a*b', 'a'.repeat(2000))).toBe(false);
  });
});

describe('encoding modifiers', () => {
  it('base64offset parts appear in the encoding at every offset', () => {
    for (const value of ['/bin/bash', 'ab', 'http://x', 'é']) {
      const parts = base64Offsets(plain(value), value);
      expect(parts).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        for (const suffix of ['', 'z', 'zz', 'zzz']) {
          const enc = Buffer.from(`${'p'.repeat(i)}${value}${suffix}`, 'utf8').toString('base64');
          expect(
            parts.some((p) => enc.includes(p)),
            `${value} @${i}+${suffix.length}`,
          ).toBe(true);
        }
      }
    }
  });

  it('base64offset of /bin/bash (known values)', () => {
    expect(base64Offsets(plain('/bin/bash'), '/bin/bash')).toEqual([
      'L2Jpbi9iYXNo',
      '9iaW4vYmFza',
      'vYmluL2Jhc2',
    ]);
  });

  it('utf16 variants', () => {
    const bytes = (kind: 'utf16le' | 'utf16be' | 'utf16') =>
      Buffer.from(utf16(plain('cmd'), kind).pattern.parts[0] as string, 'latin1').toString('hex');
    expect(bytes('utf16le')).toBe('63006d006400');
    expect(bytes('utf16be')).toBe('0063006d0064');
    expect(bytes('utf16')).toBe('fffe63006d006400');
  });

  it('windash substitutes only flag starts, with all five characters', () => {
    const out = windash(parseSigmaString(' -a /b x-y'));
    expect(out).toHaveLength(25);
    const texts = (out ?? []).map((p) => p.parts.join(''));
    expect(texts).toContain(' \u2015a \u2013b x-y');
    expect(texts.every((t) => t.endsWith('x-y'))).toBe(true);
    expect(windash(parseSigmaString(' -a'.repeat(WINDASH_MAX_POSITIONS + 1)))).toBeNull();
  });

  it('expand resolves placeholders and escaped percent signs', () => {
    const r = expandPlaceholders(parseSigmaString('\\%x%A%-%B%'), { A: ['1', '2'], B: ['y*'] });
    expect(r.ok && r.patterns.map(renderPattern)).toEqual(['%x1-y*', '%x2-y*']);
    const m = expandPlaceholders(parseSigmaString('%A%%C%'), { A: ['1'] });
    expect(m).toEqual({ ok: false, missing: ['C'] });
  });
});

describe('regex safety', () => {
  it.each([
    ['abc', true],
    ['\\\\[a-z]{1,5}\\.exe', true],
    ['cmd.*powershell', true],
    ['(a+)+$', false],
    ['(a|aa)*b', false],
    ['.*a.*b', false],
    ['(a)\\1', false],
    ['(?=a)b', false],
    ['(?<!a)b', false],
    ['\\s*\\s*x', false],
  ])('isNativeSafe(%s) = %s', (src, safe) => {
    expect(isNativeSafe(src)).toBe(safe);
  });

  it('runs the classic evil pattern on a long string and returns', () => {
    const c = compileRegex('(a+)+$', []);
    expect(c.ok && c.tester.engine).toBe('re2');
    expect(c.ok && c.tester.test(`${'a'.repeat(60_000)}!`)).toBe(false);
    expect(c.ok && c.tester.test('aaaa')).toBe(true);
  });

  it('caps the text a regex sees', () => {
    const c = compileRegex('needle', []);
    const text = `${'x'.repeat(REGEX_TEXT_CAP)}needle`;
    expect(c.ok && c.tester.test(text)).toBe(false);
    expect(c.ok && c.tester.test(text.slice(10))).toBe(true);
  });

  it('native and re2 agree around the native length limit', () => {
    const c = compileRegex('ab[0-9]+c', ['i']);
    expect(c.ok && c.tester.engine).toBe('native');
    for (const n of [10, 4_096, 5_000]) {
      const t = `${'x'.repeat(n)}AB123C`;
      expect(c.ok && c.tester.test(t)).toBe(true);
    }
  });

  it('refuses what re2js cannot run (backreferences, lookaround)', () => {
    expect(compileRegex('(a)\\1', []).ok).toBe(false);
    expect(compileRegex('(?=a)b', []).ok).toBe(false);
  });

  it('lifts Python inline flags', () => {
    const c = compileRegex('(?i)^evil$', []);
    expect(c.ok && c.tester.test('EVIL')).toBe(true);
  });
});

describe('scalar modifiers', () => {
  it.each([
    ['4688', 4688],
    [' 12 ', 12],
    ['1.5', 1.5],
    ['0x17', 23],
    ['-0x10', -16],
    ['1e3', 1000],
    ['abc', Number.NaN],
    ['', Number.NaN],
  ])('parseNumber(%j) = %d', (s, n) => {
    expect(parseNumber(s)).toBe(n);
  });

  it('parses IPv4 and IPv6', () => {
    expect(parseIp('10.0.0.1')).toEqual(Uint8Array.from([10, 0, 0, 1]));
    expect(parseIp('::1')?.[15]).toBe(1);
    expect(parseIp('2001:db8::8a2e:370:7334')?.length).toBe(16);
    expect(parseIp('::ffff:1.2.3.4')?.slice(12)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    for (const bad of ['1.2.3', '256.1.1.1', '1::2::3', 'g::1', '1.2.3.4.5', '01.2.3.4x'])
      expect(parseIp(bad)).toBeNull();
  });

  it('matches CIDR ranges', () => {
    const c = (r: string, ip: string) =>
      inCidr(parseCidr(r) ?? { family: 4, net: new Uint8Array(4), prefix: 33 }, ip);
    expect(c('192.168.0.0/16', '192.168.255.1')).toBe(true);
    expect(c('192.168.0.0/16', '192.169.0.1')).toBe(false);
    expect(c('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(c('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(c('2001:db8::/32', '2001:0db8:ffff::1')).toBe(true);
    expect(c('2001:db8::/33', '2001:db8:8000::1')).toBe(false);
    expect(c('10.0.0.0/8', '2001:db8::1')).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('::/129')).toBeNull();
  });

  it('gives each address its own answer when ranges and addresses alternate (last parse reused)', () => {
    const ranges = ['10.0.0.0/8', '192.168.0.0/16', '::ffff:10.0.0.0/104', '2001:db8::/32'].map(
      (r) => parseCidr(r) as NonNullable<ReturnType<typeof parseCidr>>,
    );
    const addrs = [
      '10.1.1.1',
      '10.1.1.1',
      '192.168.3.4',
      'not an ip',
      '::ffff:10.9.9.9',
      '2001:db8::5',
      '10.1.1.1',
    ];
    const want = (r: (typeof ranges)[number], a: string) => {
      const ip = parseIp(a);
      if (!ip) return false;
      const v = r.family === 4 && ip.length === 16 ? ip.slice(12) : ip;
      if (v.length !== r.net.length) return false;
      return [...v].every(
        (b, i) => (b & (i * 8 >= r.prefix ? 0 : 0xff << Math.max(0, 8 - (r.prefix - i * 8)))) === r.net[i],
      );
    };
    for (const a of addrs)
      for (const r of ranges)
        expect({ a, r: r.prefix, in: inCidr(r, a) }).toEqual({ a, r: r.prefix, in: want(r, a) });
  });

  it('extracts UTC date parts', () => {
    const t = '2024-12-30T23:59:58.1234567Z';
    expect([
      datePart('minute', t),
      datePart('hour', t),
      datePart('day', t),
      datePart('week', t),
      datePart('month', t),
      datePart('year', t),
    ]).toEqual([59, 23, 30, 1, 12, 2024]);
    expect(datePart('hour', '2024-01-01 10:00:00')).toBe(10);
    expect(datePart('hour', '2024-01-01T10:00:00-05:00')).toBe(15);
    expect(datePart('year', 1_700_000_000)).toBe(2023);
    expect(datePart('year', 'not a date')).toBeNaN();
  });
});

describe('required regex literals', () => {
  it.each([
    ['net\\s+user\\s+', 'user'],
    ['\\\\Windows\\\\System32\\\\[a-zA-Z0-9]{8}\\.tmp$', '\\Windows\\System32\\'],
    ['abc?de', null],
    ['abcd?efgh', 'efgh'],
    ['(foo|bar)baz', 'baz'],
    ['foo|bar', null],
    ['a{0,3}bcd', 'bcd'],
    ['xy+zzz', 'zzz'],
    ['(?i)ab(?-i)cde', null],
    ['[abc]def', 'def'],
    ['cmd.{0,5}(?:/c|/r)', 'cmd'],
  ])('%s needs %j', (src, lit) => {
    expect(requiredLiteral(src)).toBe(lit);
  });

  it('the literal check never changes a result', () => {
    const cases: Array<[string, string[], string]> = [
      ['net\\s+user\\s+', [], 'NET  USER x'],
      ['net\\s+user\\s+', ['i'], 'NET  USER x'],
      ['abc', ['i'], 'xABCx'],
      ['a\\.b\\.c', [], 'a.b.c'],
    ];
    for (const [src, flags, text] of cases) {
      const c = compileRegex(src, flags);
      const plain = new RegExp(src, flags.join(''));
      expect(c.ok && c.tester.test(text)).toBe(plain.test(text));
    }
  });
});
