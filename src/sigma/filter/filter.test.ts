import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../../../test/utils/corpus.js';
import type { Event } from '../../model/event.js';
import { interpretRule } from '../match/interpret.js';
import { loadRuleText } from '../rule/load.js';
import { plainView } from '../view.js';

const rule = (id: string, category = 'process_creation') => `title: target ${id}
id: ${id}
logsource:
    category: ${category}
    product: windows
detection:
    selection:
        Image|endswith: '\\rar.exe'
    condition: selection
`;

const event = (fields: Record<string, string>): Event => ({
  kind: 'evtx',
  timestamp: '',
  channel: 'Microsoft-Windows-Sysmon/Operational',
  provider: 'Microsoft-Windows-Sysmon',
  eventId: 1,
  recordId: 1,
  computer: 'h',
  fields,
  source: { file: 'x', offset: 0 },
});

describe('meta-filters', () => {
  it('ANDs the filter, namespaces its identifiers and records which rule it changed', () => {
    const s = loadRuleText(
      `${rule('6f3e2987-db24-4c78-a860-b4f4095a7095')}---
title: not admins
id: 1b6dd2a6-8f43-4b2b-9f31-6a2f0b2a6d11
logsource: {category: process_creation, product: windows}
filter:
    rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
    selection:
        User|startswith: adm_
    condition: not selection
`,
      'f.yml',
    );
    const r = s.rules[0];
    expect(r?.filters).toEqual(['1b6dd2a6-8f43-4b2b-9f31-6a2f0b2a6d11']);
    expect([...(r?.detection.selections.keys() ?? [])]).toEqual([
      'selection',
      'filter:1b6dd2a6-8f43-4b2b-9f31-6a2f0b2a6d11:selection',
    ]);
    expect(s.issues).toEqual([]);
    if (!r) return;
    expect(interpretRule(r, plainView(event({ Image: 'c:\\rar.exe', User: 'adm_x' })))).toBe(false);
    expect(interpretRule(r, plainView(event({ Image: 'c:\\rar.exe', User: 'bob' })))).toBe(true);
  });

  it('never applies to correlations, and warns about unknown targets', () => {
    const s = loadRuleText(
      `title: corr
name: c1
correlation: {type: event_count, rules: [base_rule], group-by: [A], timespan: 1h, condition: {gte: 2}}
---
title: f
logsource: {product: windows}
filter:
    rules: [c1, missing-rule]
    selection: {User: x}
    condition: not selection
`,
      'f.yml',
    );
    expect(s.correlations).toHaveLength(1);
    expect(s.issues.map((i) => i.code)).toEqual(['filter-target-not-found', 'filter-target-not-found']);
  });

  it('loads filters with applyFilters: false without changing rules', () => {
    const s = loadRuleText(
      `${rule('6f3e2987-db24-4c78-a860-b4f4095a7095')}---
title: f
logsource: {product: windows}
filter: {rules: any, s: {User: x}, condition: not s}
`,
      'f.yml',
      { applyFilters: false },
    );
    expect(s.filters).toHaveLength(1);
    expect(s.rules[0]?.filters).toEqual([]);
  });

  it('refuses a filter without rules or condition', () => {
    const s = loadRuleText('title: f\nlogsource: {product: windows}\nfilter:\n    s: {User: x}\n', 'f.yml', {
      collectIssues: true,
    });
    expect(s.refused.map((r) => r.code)).toEqual(['missing-field']);
    expect(s.issues.map((i) => i.code)).toEqual(['missing-field', 'missing-field']);
  });
});

describe.skipIf(!corpusAvailable)(
  "the spec's filter examples (sigma-specification/tests/schema/filter)",
  () => {
    const dir = 'sigma-specification/tests/schema/filter';
    it('filter_1.yml: loads, warns that it has no top-level not, and is ANDed (pySigma semantics)', () => {
      const text = readFileSync(corpusPath(dir, 'filter_1.yml'), 'utf8');
      const s = loadRuleText(`${rule('6f3e2987-db24-4c78-a860-b4f4095a7095')}---\n${text}`, 'filter_1.yml');
      expect(s.filters).toHaveLength(1);
      expect(s.issues.map((i) => i.code)).toEqual(['filter-without-not', 'filter-target-not-found']);
      const r = s.rules[0];
      if (!r) throw new Error('rule not loaded');
      expect(r.filters).toHaveLength(1);
      expect(interpretRule(r, plainView(event({ Image: 'c:\\rar.exe', User: 'bob' })))).toBe(false);
      expect(interpretRule(r, plainView(event({ Image: 'c:\\rar.exe', User: 'adm_bob' })))).toBe(true);
    });

    it('filter_ecs.yml: a network/dns filter does not touch a process_creation rule', () => {
      const text = readFileSync(corpusPath(dir, 'filter_ecs.yml'), 'utf8');
      const s = loadRuleText(`${rule('6f3e2987-db24-4c78-a860-b4f4095a7095')}---\n${text}`, 'filter_ecs.yml');
      expect(s.filters).toHaveLength(1);
      expect(s.rules[0]?.filters).toEqual([]);
    });
  },
);
