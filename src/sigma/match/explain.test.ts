import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/event.js';
import { loadRuleText } from '../rule/load.js';
import type { SigmaRule } from '../rule/types.js';
import { ruleFieldUsage } from '../rule/usage.js';
import { plainView } from '../view.js';
import { explainMatch } from './interpret.js';

const text = `title: explain
logsource: {category: process_creation, product: windows}
detection:
    selection:
        Image|endswith: ['\\cmd.exe', '\\powershell.exe']
        CommandLine|contains|all: [' -enc ', 'hidden']
    filter_parent:
        - ParentImage|endswith: '\\explorer.exe'
        - ParentUser: SYSTEM
    keywords:
        - mimikatz
    condition: (selection or keywords) and not filter_parent
`;

const rule = (): SigmaRule => {
  const r = loadRuleText(text, 'e.yml').rules[0];
  if (!r) throw new Error('not loaded');
  return r;
};

const event: Event = {
  kind: 'evtx',
  timestamp: '',
  channel: 'Microsoft-Windows-Sysmon/Operational',
  provider: 'Microsoft-Windows-Sysmon',
  eventId: 1,
  recordId: 1,
  computer: 'h',
  fields: {
    Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    CommandLine: 'powershell -w hidden -enc AAA',
    ParentImage: 'C:\\x\\winword.exe',
  },
  source: { file: 'x', offset: 0 },
};

describe('explainMatch', () => {
  it('names the selections, items and values that matched', () => {
    const e = explainMatch(rule(), plainView(event));
    expect(e.matched).toBe(true);
    expect(e.condition).toEqual(['(selection or keywords) and not filter_parent']);
    expect(e.selections.map((s) => [s.name, s.matched])).toEqual([
      ['selection', true],
      ['filter_parent', false],
      ['keywords', false],
    ]);
    const sel = e.selections[0];
    expect(sel?.items.map((i) => [i.field, i.matched, i.matchedValues.length, i.line])).toEqual([
      ['Image', true, 1, 5],
      ['CommandLine', true, 2, 6],
    ]);
    expect(sel?.items[0]?.eventValue).toBe(event.fields.Image);
  });
});

describe('ruleFieldUsage', () => {
  it('lists the fields of each selection, its shape and whether it is only negated', () => {
    expect(ruleFieldUsage(rule())).toEqual([
      { selection: 'selection', fields: ['Image', 'CommandLine'], negated: false, kind: 'map' },
      {
        selection: 'filter_parent',
        fields: ['ParentImage', 'ParentUser'],
        negated: true,
        kind: 'list-of-maps',
      },
      { selection: 'keywords', fields: [], negated: false, kind: 'keywords' },
    ]);
  });
});
