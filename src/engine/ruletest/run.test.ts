import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTestFile, runRuleTests } from './index.js';

describe('runRuleTests reports broken rules and tests without throwing', () => {
  let dir: string;
  const sysmon1 =
    "{ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Computer: 'h1', TimeCreated: '2026-03-01T00:00:00Z', Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami' }";
  const rule = (id: string, title: string, image: string) => `title: ${title}
id: ${id}
status: experimental
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '${image}'
    condition: selection
level: low
`;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fathom-ruletest-'));
    // 1: good rule and test.
    await writeFile(
      join(dir, 'good.yml'),
      rule('00000000-0000-4000-8000-000000000001', 'Good', '\\whoami.exe'),
    );
    await writeFile(
      join(dir, 'good.tests.yml'),
      `rule: 00000000-0000-4000-8000-000000000001\npositive:\n  - name: hit\n    events:\n      - ${sysmon1}\nnegative:\n  - name: miss\n    events:\n      - { Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Image: 'C:\\x\\cmd.exe' }\n`,
    );
    // 2: the positive does not fire (rule looks for another image).
    await writeFile(
      join(dir, 'wrongpos.yml'),
      rule('00000000-0000-4000-8000-000000000002', 'Wrong positive', '\\net.exe'),
    );
    await writeFile(
      join(dir, 'wrongpos.tests.yml'),
      `rule: 00000000-0000-4000-8000-000000000002\npositive:\n  - name: should hit\n    events:\n      - ${sysmon1}\nnegative:\n  - name: ok\n    events:\n      - ${sysmon1}\n`,
    );
    // 3: a negative fires.
    await writeFile(
      join(dir, 'wrongneg.yml'),
      rule('00000000-0000-4000-8000-000000000003', 'Wrong negative', '\\whoami.exe'),
    );
    await writeFile(
      join(dir, 'wrongneg.tests.yml'),
      `rule: 00000000-0000-4000-8000-000000000003\npositive:\n  - name: hit\n    events:\n      - ${sysmon1}\nnegative:\n  - name: also hits\n    events:\n      - ${sysmon1}\n`,
    );
    // 4: no test file at all.
    await writeFile(
      join(dir, 'untested.yml'),
      rule('00000000-0000-4000-8000-000000000004', 'Untested', '\\whoami.exe'),
    );
    // 5: broken YAML rule.
    await writeFile(join(dir, 'broken.yml'), 'title: Broken\ndetection: [unclosed\n');
    // 6: test file in a bad format, and one naming another rule.
    await writeFile(
      join(dir, 'badtest.yml'),
      rule('00000000-0000-4000-8000-000000000006', 'Bad test file', '\\whoami.exe'),
    );
    await writeFile(
      join(dir, 'badtest.tests.yml'),
      'rule: 00000000-0000-4000-8000-000000000006\npositive: not-a-list\n',
    );
    await writeFile(
      join(dir, 'mismatch.yml'),
      rule('00000000-0000-4000-8000-000000000007', 'Mismatch', '\\whoami.exe'),
    );
    await writeFile(
      join(dir, 'mismatch.tests.yml'),
      `rule: 00000000-0000-4000-8000-00000000ffff\npositive:\n  - name: hit\n    events:\n      - ${sysmon1}\n`,
    );
    // 7: a correlation that references a rule nobody has.
    await writeFile(
      join(dir, 'corr.yml'),
      'title: Bad reference\nid: 00000000-0000-4000-8000-000000000008\ncorrelation:\n    type: event_count\n    rules:\n        - no_such_rule\n    group-by:\n        - Computer\n    timespan: 5m\n    condition:\n        gte: 2\n',
    );
    await writeFile(
      join(dir, 'corr.tests.yml'),
      `rule: 00000000-0000-4000-8000-000000000008\npositive:\n  - name: two\n    events:\n      - ${sysmon1}\n      - ${sysmon1}\nnegative:\n  - name: one\n    events:\n      - ${sysmon1}\n`,
    );
    // 8: a test file with no rule beside it.
    await writeFile(join(dir, 'orphan.tests.yml'), 'rule: x\npositive: []\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns a failing report with one coded failure per problem', async () => {
    const r = await runRuleTests([dir]);
    expect(r.ok).toBe(false);
    const codes = (name: string) =>
      r.results.find((x) => x.ruleFile.endsWith(name))?.failures.map((f) => f.code) ?? ['<missing>'];
    expect(codes('good.yml')).toEqual([]);
    expect(codes('wrongpos.yml')).toEqual(['positive-failed', 'no-positive-test']);
    expect(codes('wrongneg.yml')).toEqual(['negative-failed']);
    expect(codes('untested.yml')).toEqual(['no-test-file', 'no-positive-test']);
    expect(codes('broken.yml')).toEqual(['rule-refused', 'no-positive-test']);
    expect(codes('badtest.yml')).toEqual(['test-file-invalid', 'no-positive-test']);
    expect(codes('mismatch.yml')).toEqual(['test-rule-mismatch', 'no-positive-test']);
    expect(codes('corr.yml')).toEqual(['correlation-error', 'no-positive-test']);
    expect(r.issues.map((i) => i.code)).toContain('orphan-test-file');
    expect(r.totals).toMatchObject({ rules: 8, rulesPassed: 1, rulesFailed: 7 });
  });

  it('does not throw on a path that does not exist', async () => {
    const r = await runRuleTests([join(dir, 'nope')]);
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.code)).toEqual(['read-error', 'no-rules']);
  });

  it('refuses events that are not flat maps', () => {
    const p = parseTestFile(
      'rule: r1\npositive:\n  - name: a\n    events:\n      - just a string\n',
      't.tests.yml',
    );
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.issues.map((i) => [i.code, i.location?.line])).toEqual([['test-file-invalid', 5]]);
  });

  it('locates format errors in a test file by line', () => {
    const p = parseTestFile('rule: r1\npositive:\n  - name: a\n    events: []\n', 't.tests.yml');
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.issues[0]?.location).toMatchObject({ file: 't.tests.yml', line: 4 });
  });
});
