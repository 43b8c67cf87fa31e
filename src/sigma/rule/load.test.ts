import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFiles, loadRuleText, placeholderRules, ruleKey } from './index.js';

const full = `title: Full rule
id: 545a5da6-f103-4919-a519-e9aec1026ee4
name: full_rule
related:
    - id: 6c82cf5c-090d-4d57-9188-533577631108
      type: similar
taxonomy: sigma
status: test
description: every field of the spec
license: DRL-1.1
references:
    - https://example.org/a
author: Someone, Another
date: 2017-05-09
modified: 2023-04-14
logsource:
    category: process_creation
    product: windows
    service: security
    definition: needs audit policy
    custom_ls: kept
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
fields:
    - CommandLine
falsepositives:
    - Admin activity
level: high
tags:
    - attack.discovery
    - attack.t1033
    - attack.stealth
    - attack.defense-impairment
    - attack.defense-evasion
scope:
    - server
x_custom: 42
`;

// A rule with two independent errors: a missing logsource and an unknown modifier.
const twoErrors = `title: Two errors
detection:
    selection:
        Image|bogus: 'x'
    condition: selection
`;

describe('loadRuleText', () => {
  it('reads every field of the spec and keeps custom keys', () => {
    const s = loadRuleText(full, 'full.yml');
    expect(s.refused).toEqual([]);
    const r = s.rules[0];
    expect(r).toBeDefined();
    if (!r) return;
    expect(r).toMatchObject({
      id: '545a5da6-f103-4919-a519-e9aec1026ee4',
      name: 'full_rule',
      title: 'Full rule',
      status: 'test',
      level: 'high',
      levelDefaulted: false,
      taxonomy: 'sigma',
      license: 'DRL-1.1',
      author: 'Someone, Another',
      date: '2017-05-09',
      modified: '2023-04-14',
      references: ['https://example.org/a'],
      related: [{ id: '6c82cf5c-090d-4d57-9188-533577631108', type: 'similar' }],
      fields: ['CommandLine'],
      falsepositives: ['Admin activity'],
      scope: ['server'],
      custom: { x_custom: 42 },
      file: 'full.yml',
      line: 1,
    });
    expect(r.logsource).toEqual({
      category: 'process_creation',
      product: 'windows',
      service: 'security',
      definition: 'needs audit policy',
      extra: { custom_ls: 'kept' },
    });
    expect(r.tags).toEqual([
      'attack.discovery',
      'attack.t1033',
      'attack.stealth',
      'attack.defense-impairment',
      'attack.defense-evasion',
    ]);
    expect(r.warnings).toEqual([]);
    expect(ruleKey(r)).toBe('545a5da6-f103-4919-a519-e9aec1026ee4');
  });

  it('normalises v1 tags and dates with warnings', () => {
    const s = loadRuleText(
      `title: v1
date: 2019/10/3
logsource: {product: windows}
detection: {sel: {A: 1}, condition: sel}
tags: [attack.defense_evasion, attack.command_and_control, detection.emerging_threats, attack.T1059.001, cve.2021.44228]
`,
      'v1.yml',
    );
    const r = s.rules[0];
    expect(r?.date).toBe('2019-10-03');
    expect(r?.tags).toEqual([
      'attack.defense-evasion',
      'attack.command-and-control',
      'detection.emerging-threats',
      'attack.t1059.001',
      'cve.2021-44228',
    ]);
    expect(r?.warnings.map((w) => w.code)).toEqual([
      'legacy-date',
      'legacy-tag',
      'legacy-tag',
      'legacy-tag',
      'legacy-tag',
    ]);
  });

  it('reports metadata problems as warnings with locations, and still loads', () => {
    const s = loadRuleText(
      `title: ${'x'.repeat(300)}
id: not-a-uuid
status: stable-ish
level: severe
date: yesterday
logsource: {product: windows}
detection: {sel: {A: 1}, condition: sel}
tags: [attack.nonsense, weird]
`,
      'meta.yml',
    );
    expect(s.refused).toEqual([]);
    const codes = s.rules[0]?.warnings.map((w) => `${w.code}@${w.location?.line}`);
    expect(codes).toEqual([
      'field-too-long@1',
      'invalid-id@2',
      'invalid-status@3',
      'invalid-date@5',
      'invalid-level@4',
      'unknown-tag@8',
      'unknown-tag@8',
    ]);
    expect(s.rules[0]?.level).toBe('medium');
  });

  it('fail-fast (default) refuses a document with its first error only', () => {
    const s = loadRuleText(twoErrors, 'two.yml');
    expect(s.rules).toEqual([]);
    expect(s.refused).toEqual([
      {
        file: 'two.yml',
        line: 1,
        col: 1,
        title: 'Two errors',
        code: 'missing-field',
        message: "'logsource' is required",
      },
    ]);
    expect(s.issues.map((i) => i.code)).toEqual(['missing-field']);
  });

  it('collect mode returns every issue and a placeholder rule', () => {
    const s = loadRuleText(twoErrors, 'two.yml', { collectIssues: true });
    expect(s.rules).toEqual([]);
    expect(s.issues.map((i) => `${i.code}@${i.location?.line}:${i.location?.col}`)).toEqual([
      'missing-field@1:1',
      'unknown-modifier@4:9',
    ]);
    const refused = s.refused[0];
    expect(refused).toBeDefined();
    const placeholder = refused ? placeholderRules.get(refused) : undefined;
    expect(placeholder?.title).toBe('Two errors');
    expect(placeholder?.logsource).toEqual({});
    expect(placeholder?.detection.selections.size).toBe(0);
  });

  it.each([
    ['yaml-syntax', 'title: x\nlogsource: {product: windows\ndetection: [', 3],
    ['missing-field', 'logsource: {product: windows}\ndetection: {s: {A: 1}, condition: s}\n', 1],
    ['missing-field', 'title: t\nlogsource: {product: windows}\ndetection: {s: {A: 1}}\n', 3],
    [
      'unknown-modifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|containz: 1\n    condition: s\n',
      5,
    ],
    [
      'invalid-modifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|base64: "a*"\n    condition: s\n',
      5,
    ],
    [
      'invalid-modifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|cidr: "10.0.0.0/33"\n    condition: s\n',
      5,
    ],
    [
      'invalid-modifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|exists: maybe\n    condition: s\n',
      5,
    ],
    [
      'invalid-modifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|gt: ten\n    condition: s\n',
      5,
    ],
    [
      'invalid-modifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|i: x\n    condition: s\n',
      5,
    ],
    [
      'unsupported-regex',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A|re: "(a)\\\\1"\n    condition: s\n',
      5,
    ],
    [
      'bad-condition',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {A: 1}\n    condition: s and (s\n',
      5,
    ],
    [
      'bad-condition',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {A: 1}\n    condition: s s\n',
      5,
    ],
    [
      'unknown-identifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {A: 1}\n    condition: s and filter\n',
      5,
    ],
    [
      'unknown-identifier',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {A: 1}\n    condition: s and not 1 of filter*\n',
      5,
    ],
    [
      'legacy-aggregation',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {A: 1}\n    condition: s | count(User) by Host > 10\n',
      5,
    ],
    [
      'legacy-aggregation',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {A: 1}\n    t: {B: 1}\n    condition: s near t\n',
      6,
    ],
    [
      'unresolved-placeholder',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        User|expand: "%Admins%"\n    condition: s\n',
      5,
    ],
    [
      'invalid-detection',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s: {}\n    condition: s\n',
      4,
    ],
    [
      'invalid-value',
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        A: {b: 1}\n    condition: s\n',
      5,
    ],
    ['invalid-document', '- just\n- a list\n', 1],
  ])('refuses with %s at the right line', (code, text, line) => {
    const s = loadRuleText(text, 'r.yml');
    expect(s.rules).toHaveLength(0);
    expect(s.refused.map((r) => [r.code, r.line])).toEqual([[code, line]]);
  });

  it('resolves placeholders from options', () => {
    const text =
      'title: t\nlogsource: {product: windows}\ndetection:\n    s:\n        User|expand: "%Admins%"\n    condition: s\n';
    expect(loadRuleText(text, 'r.yml', { placeholders: { Admins: ['a', 'b'] } }).rules).toHaveLength(1);
  });

  it('reads several documents, dispatching rules, filters and correlations', () => {
    const s = loadRuleText(
      `title: r1
name: r1
logsource: {product: windows}
detection: {s: {A: 1}, condition: s}
---
title: r2
logsource: {product: windows}
detection: {s: {A: 2}, condition: s}
---
title: bad
---
title: corr
correlation:
    type: event_count
    rules: [r1]
    group-by: [A]
    timespan: 1h
    condition: {gte: 2}
---
title: f
logsource: {product: windows}
filter:
    rules: [r1]
    s: {B: 1}
    condition: not s
`,
      'multi.yml',
    );
    expect(s.rules.map((r) => [r.title, r.line])).toEqual([
      ['r1', 1],
      ['r2', 6],
    ]);
    expect(s.refused.map((r) => [r.code, r.line])).toEqual([['missing-field', 10]]);
    expect(s.correlations).toHaveLength(1);
    expect(s.filters.map((f) => f.title)).toEqual(['f']);
    expect(s.rules[0]?.filters).toHaveLength(1);
  });

  it('keeps duplicate keys last-wins with a warning', () => {
    const s = loadRuleText(
      'title: a\ntitle: b\nlogsource: {product: windows}\ndetection: {s: {A: 1}, condition: s}\n',
      'd.yml',
    );
    expect(s.rules[0]?.title).toBe('b');
    expect(s.issues.map((i) => `${i.code}@${i.location?.line}`)).toEqual(['duplicate-key@2']);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`,
      );
    const s = loadRuleText(`${lines.join('\n')}\ntitle: bomb\n`, 'bomb.yml');
    expect(s.refused.map((r) => r.code)).toEqual(['yaml-syntax']);
  });

  it('gives rules without id or name a stable content key', () => {
    const t = 'title: t\nlogsource: {product: windows}\ndetection: {s: {A: 1}, condition: s}\n';
    const a = loadRuleText(t, 'a.yml').rules[0];
    const b = loadRuleText(`# moved\n${t}`, 'b/c.yml').rules[0];
    expect(a && ruleKey(a)).toMatch(/^sha:[0-9a-f]{32}$/);
    expect(a && ruleKey(a)).toBe(b && ruleKey(b));
  });
});

describe('loadRuleFiles', () => {
  it('walks directories for .yml/.yaml in sorted order and reports duplicate ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-rules-'));
    mkdirSync(join(dir, 'sub'));
    const rule = (title: string) =>
      `title: ${title}\nid: 545a5da6-f103-4919-a519-e9aec1026ee4\nlogsource: {product: windows}\ndetection: {s: {A: 1}, condition: s}\n`;
    writeFileSync(join(dir, 'b.yml'), rule('b'));
    writeFileSync(join(dir, 'sub', 'a.yaml'), rule('a'));
    writeFileSync(join(dir, 'notes.txt'), 'not a rule');
    const s = await loadRuleFiles([dir, join(dir, 'missing.yml')]);
    expect(s.rules.map((r) => r.title)).toEqual(['b', 'a']);
    expect(s.refused.map((r) => r.code)).toEqual(['read-error']);
    expect(s.issues.map((i) => i.code)).toEqual(['read-error', 'duplicate-id']);
  });
});
