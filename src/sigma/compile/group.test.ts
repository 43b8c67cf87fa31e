import { describe, expect, it } from 'vitest';
import type { Event } from '../../model/event.js';
import { loadRuleText } from '../rule/load.js';
import { plainView } from '../view.js';
import { compileRuleGroup } from './group.js';
import { NeedleIndex } from './needles.js';

const rules = loadRuleText(
  `title: r0 contains
logsource: {product: windows}
detection: {s: {CommandLine|contains: [mimikatz, 'sekurlsa::']}, condition: s}
---
title: r1 no prefilter
logsource: {product: windows}
detection: {s: {CommandLine|re: 'evil[0-9]'}, condition: s}
---
title: r2 two fields
logsource: {product: windows}
detection:
    a: {Image|endswith: '\\rundll32.exe'}
    b: {ParentImage|endswith: '\\winword.exe'}
    condition: a or b
---
title: r3 keywords
logsource: {product: windows}
detection: {k: [beacon.dll], condition: k}
`,
  'g.yml',
).rules;

const ev = (fields: Record<string, string>): Event => ({
  kind: 'x',
  timestamp: '',
  channel: 'c',
  provider: 'p',
  eventId: 1,
  recordId: 1,
  computer: 'h',
  fields,
  source: { file: '', offset: 0 },
});

describe('compileRuleGroup', () => {
  it('matches exactly the rules matched one by one, in order', () => {
    const group = compileRuleGroup(rules, { needles: new NeedleIndex() });
    const events = [
      ev({ CommandLine: 'run MIMIKATZ evil7', Image: 'c:\\rundll32.exe' }),
      ev({ CommandLine: 'nothing', ParentImage: 'x\\WINWORD.EXE', Other: 'load beacon.dll' }),
      ev({ CommandLine: 'sekurlsa::logonpasswords' }),
      ev({}),
    ];
    const got = events.map((e) => {
      const out: number[] = [];
      group.match(plainView(e), (i) => out.push(i));
      return out;
    });
    const one = events.map((e) => group.matchers.flatMap((m, i) => (m.match(plainView(e)) ? [i] : [])));
    expect(got).toEqual(one);
    expect(got).toEqual([[0, 1, 2], [2, 3], [0], []]);
  });
});
