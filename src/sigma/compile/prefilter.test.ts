import { describe, expect, it } from 'vitest';
import { testEvent } from '../../../test/utils/events.js';
import { interpretRule } from '../match/interpret.js';
import { regexNeedle } from '../modifiers/regex.js';
import { loadRuleText } from '../rule/load.js';
import { plainView } from '../view.js';
import { compileRuleStrict } from './compile.js';
import { NeedleIndex } from './needles.js';
import { ruleEventIds } from './prefilter.js';

function ids(detection: string): number[] | null {
  const set = loadRuleText(
    `title: t\nlogsource: {product: windows, service: security}\ndetection:\n${detection}`,
    'r.yml',
  );
  expect(set.refused).toEqual([]);
  return ruleEventIds(set.rules[0] as NonNullable<(typeof set.rules)[0]>);
}

describe('ruleEventIds', () => {
  it('reads the EventIDs a selection pins, as numbers or text', () => {
    expect(ids('  s: {EventID: 4624, LogonType: 3}\n  condition: s')).toEqual([4624]);
    expect(ids("  s: {EventID: [4625, '4624']}\n  condition: s")).toEqual([4624, 4625]);
  });

  it('intersects under and, unites under or only when every branch pins them', () => {
    expect(ids('  a: {EventID: [1, 2]}\n  b: {EventID: [2, 3]}\n  condition: a and b')).toEqual([2]);
    expect(ids('  a: {EventID: 1}\n  b: {EventID: 2}\n  condition: a or b')).toEqual([1, 2]);
    expect(ids('  a: {EventID: 1}\n  b: {Image: x}\n  condition: a or b')).toBeNull();
    expect(ids('  a: {EventID: 1}\n  b: {Image: x}\n  condition: a and not b')).toEqual([1]);
    expect(ids('  sel_1: {EventID: 1}\n  sel_2: {EventID: 7}\n  condition: 1 of sel_*')).toEqual([1, 7]);
    expect(ids('  s:\n    - {EventID: 1, Image: x}\n    - {EventID: 5}\n  condition: s')).toEqual([1, 5]);
  });

  it('an impossible conjunction pins nothing: no event can match', () => {
    expect(ids('  a: {EventID: 1}\n  b: {EventID: 2}\n  condition: a and b')).toEqual([]);
  });

  it('does not pin what is not plain equality with a canonical integer', () => {
    expect(ids('  s: {EventID|contains: 46}\n  condition: s')).toBeNull();
    expect(ids("  s: {EventID: '46*'}\n  condition: s")).toBeNull();
    expect(ids("  s: {EventID: '04624'}\n  condition: s")).toBeNull();
    expect(ids('  s: {EventID: 4624}\n  condition: not s')).toBeNull();
    expect(ids('  s: {EventID|gt: 4000}\n  condition: s')).toBeNull();
    expect(ids('  s: {Image: x}\n  condition: s')).toBeNull();
  });
});

describe('regular expressions in prefilters', () => {
  it('take the literal every match contains, lower-cased, when it is ASCII', () => {
    expect(regexNeedle('ipconfig\\s+/all')).toBe('ipconfig');
    expect(regexNeedle('(?i)cmd.{0,5}(?:/c|/r).+PowerShell.+')).toBe('powershell');
    expect(regexNeedle('a|bcd')).toBeNull();
    expect(regexNeedle('x?y')).toBeNull();
    expect(regexNeedle('Σίσυφος')).toBeNull();
  });

  it('never change what a rule matches (compiled with the prefilter vs interpreted)', () => {
    const set = loadRuleText(
      `title: t\nlogsource: {product: windows}\ndetection:\n  s:\n    CommandLine|re:\n      - 'ipconfig\\s+/all'\n      - '(?i)NETSH\\s+interface'\n      - '(?i)kill'\n  condition: s\n`,
      'r.yml',
    );
    const rule = set.rules[0];
    expect(rule).toBeDefined();
    if (!rule) return;
    const m = compileRuleStrict(rule, { needles: new NeedleIndex() });
    expect(m.prefilter?.anyOf.map((t) => t.needles)).toEqual([['ipconfig', 'interface', 'kill']]);
    const texts = [
      'IPCONFIG /all',
      'ipconfig  /all',
      'x netsh interface',
      'Netsh Interface',
      'KILL',
      '\u212aill',
      'ipconfig',
    ];
    for (const cmd of texts) {
      const view = plainView(testEvent({ CommandLine: cmd }));
      expect([cmd, m.match(view)]).toEqual([cmd, interpretRule(rule, view)]);
    }
  });
});
