import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../../test/utils/corpus.js';
import type { Issue } from '../core/issue.js';
import { importAttackBundle, renderAttackNotice, serializeAttackTable, writeAttackTable } from './import.js';
import { formatJson } from './json.js';
import { jsonErrorOffset } from './stix.js';
import { MITRE_COPYRIGHT } from './table.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'fathom-attack-'));

const ref = (id: string) => [
  { source_name: 'mitre-attack', external_id: id, url: 'https://example.invalid' },
];
let n = 0;
const rel = (type: string, src: string, dst: string, extra: Record<string, unknown> = {}) => ({
  type: 'relationship',
  id: `relationship--${++n}`,
  relationship_type: type,
  source_ref: src,
  target_ref: dst,
  ...extra,
});
const phase = (p: string) => ({ kill_chain_name: 'mitre-attack', phase_name: p });

/** A tiny bundle with one of everything the importer reads, including the awkward cases. */
function fixtureObjects(): unknown[] {
  return [
    {
      type: 'x-mitre-matrix',
      id: 'x-mitre-matrix--1',
      name: 'M',
      external_references: ref('enterprise-attack'),
      tactic_refs: ['x-mitre-tactic--exec', 'x-mitre-tactic--cred'],
    },
    {
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--cred',
      name: 'Credential Access',
      x_mitre_shortname: 'credential-access',
      external_references: ref('TA0006'),
    },
    {
      type: 'x-mitre-tactic',
      id: 'x-mitre-tactic--exec',
      name: 'Execution',
      x_mitre_shortname: 'execution',
      external_references: ref('TA0002'),
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--cmd',
      name: 'Command and Scripting Interpreter',
      external_references: ref('T1059'),
      kill_chain_phases: [phase('execution')],
      x_mitre_platforms: ['Windows', 'Linux'],
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--ps',
      name: 'PowerShell',
      external_references: ref('T1059.001'),
      kill_chain_phases: [phase('execution')],
      x_mitre_platforms: ['Windows'],
      x_mitre_is_subtechnique: true,
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--dump',
      name: 'OS Credential Dumping',
      external_references: ref('T1003'),
      kill_chain_phases: [phase('credential-access'), phase('execution')],
      x_mitre_platforms: ['Windows'],
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--old',
      name: 'PowerShell (old)',
      external_references: ref('T1086'),
      revoked: true,
      kill_chain_phases: [phase('execution')],
    },
    {
      type: 'attack-pattern',
      id: 'attack-pattern--dep',
      name: 'Gone',
      external_references: ref('T1999'),
      x_mitre_deprecated: true,
      kill_chain_phases: [phase('execution')],
    },
    { type: 'course-of-action', id: 'course-of-action--m', name: 'Audit', external_references: ref('M1047') },
    {
      type: 'course-of-action',
      id: 'course-of-action--oldstyle',
      name: 'T1003 Mitigation',
      external_references: ref('T1003'),
      x_mitre_deprecated: true,
    },
    { type: 'tool', id: 'tool--net', name: 'Net', external_references: ref('S0039') },
    { type: 'malware', id: 'malware--cs', name: 'Cobalt Strike', external_references: ref('S0154') },
    {
      type: 'intrusion-set',
      id: 'intrusion-set--lev',
      name: 'Leviathan',
      aliases: ['Leviathan', 'APT40'],
      external_references: ref('G0065'),
    },
    {
      type: 'campaign',
      id: 'campaign--c',
      name: 'Leviathan Australian Intrusions',
      external_references: ref('C0049'),
    },
    rel('uses', 'intrusion-set--lev', 'attack-pattern--ps'),
    rel('uses', 'intrusion-set--lev', 'attack-pattern--dump'),
    rel('uses', 'intrusion-set--lev', 'attack-pattern--dep'),
    rel('uses', 'intrusion-set--lev', 'tool--net'),
    rel('uses', 'intrusion-set--lev', 'attack-pattern--cmd', { revoked: true }),
    rel('uses', 'campaign--c', 'attack-pattern--dump'),
    rel('uses', 'campaign--c', 'malware--cs'),
    rel('attributed-to', 'campaign--c', 'intrusion-set--lev'),
    rel('mitigates', 'course-of-action--m', 'attack-pattern--dump'),
    rel('mitigates', 'course-of-action--m', 'attack-pattern--ps'),
    rel('subtechnique-of', 'attack-pattern--ps', 'attack-pattern--cmd'),
    rel('revoked-by', 'attack-pattern--old', 'attack-pattern--ps'),
    { type: 'identity' },
  ];
}

function writeBundle(name: string, bundle: unknown, gzip = false): string {
  const p = join(dir, name);
  const text = JSON.stringify(bundle);
  writeFileSync(p, gzip ? gzipSync(text) : text);
  return p;
}

describe('importAttackBundle on a small bundle', () => {
  it('derives techniques, tactics, groups, campaigns, mitigations and software (STIX 2.0, .json)', async () => {
    const p = writeBundle('mini-2.0.json', {
      type: 'bundle',
      id: 'bundle--x',
      spec_version: '2.0',
      objects: fixtureObjects(),
    });
    const warnings: Issue[] = [];
    const r = await importAttackBundle(p, { attackVersion: '18.1', onIssue: (i) => warnings.push(i) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = r.value;
    expect(t.copyright).toBe(MITRE_COPYRIGHT);
    expect(t.source).toEqual({
      bundle: 'mini-2.0.json',
      bundleId: 'bundle--x',
      stixVersion: '2.0',
      domain: 'enterprise-attack',
    });
    expect(t.attackVersion).toBe('18.1');
    // Matrix order, not id order.
    expect(t.tactics.map((x) => [x.id, x.order])).toEqual([
      ['TA0002', 1],
      ['TA0006', 2],
    ]);
    expect(t.techniques).toEqual([
      {
        id: 'T1003',
        name: 'OS Credential Dumping',
        tactics: ['execution', 'credential-access'],
        platforms: ['Windows'],
      },
      {
        id: 'T1059',
        name: 'Command and Scripting Interpreter',
        tactics: ['execution'],
        platforms: ['Linux', 'Windows'],
      },
      {
        id: 'T1059.001',
        name: 'PowerShell',
        tactics: ['execution'],
        platforms: ['Windows'],
        parent: 'T1059',
      },
      {
        id: 'T1086',
        name: 'PowerShell (old)',
        tactics: [],
        platforms: [],
        revoked: true,
        revokedBy: 'T1059.001',
      },
      { id: 'T1999', name: 'Gone', tactics: ['execution'], platforms: [], deprecated: true },
    ]);
    // Revoked relationship and deprecated target left out.
    expect(t.groups).toEqual([
      {
        id: 'G0065',
        name: 'Leviathan',
        aliases: ['APT40'],
        techniques: ['T1003', 'T1059.001'],
        software: ['S0039'],
      },
    ]);
    expect(t.campaigns).toEqual([
      {
        id: 'C0049',
        name: 'Leviathan Australian Intrusions',
        techniques: ['T1003'],
        software: ['S0154'],
        groups: ['G0065'],
      },
    ]);
    // Old-style T#### course-of-action objects are not mitigations.
    expect(t.mitigations).toEqual([{ id: 'M1047', name: 'Audit', mitigates: ['T1003', 'T1059.001'] }]);
    expect(t.software).toEqual([
      { id: 'S0039', name: 'Net', type: 'tool' },
      { id: 'S0154', name: 'Cobalt Strike', type: 'malware' },
    ]);
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([['attack-object-skipped', 'warning']]);
  });

  it('reads gzip by magic bytes whatever the extension, and detects STIX 2.1 and the version', async () => {
    const objects: unknown[] = fixtureObjects().map((o) => ({ ...(o as object), spec_version: '2.1' }));
    objects.push({
      type: 'x-mitre-collection',
      id: 'x-mitre-collection--1',
      spec_version: '2.1',
      x_mitre_version: '19.0',
    });
    const p = writeBundle('enterprise-attack-18.1.json', { type: 'bundle', id: 'bundle--y', objects }, true);
    const r = await importAttackBundle(p);
    expect(r.ok && [r.value.source.stixVersion, r.value.attackVersion]).toEqual(['2.1', '19.0']);
    const gz = writeBundle(
      'enterprise-attack-17.1.json.gz',
      { type: 'bundle', id: 'b', objects: fixtureObjects() },
      true,
    );
    const r2 = await importAttackBundle(gz);
    expect(r2.ok && r2.value.attackVersion).toBe('17.1');
  });

  it('warns and records "unknown" when nothing states the version', async () => {
    const p = writeBundle('bundle.json', { type: 'bundle', id: 'b', objects: fixtureObjects() });
    const codes: string[] = [];
    const r = await importAttackBundle(p, { onIssue: (i) => codes.push(i.code) });
    expect(r.ok && r.value.attackVersion).toBe('unknown');
    expect(codes).toContain('attack-version-unknown');
  });

  it('is deterministic and its output is already formatted JSON that parses back to the table', async () => {
    const p = writeBundle('det.json', { type: 'bundle', id: 'b', objects: fixtureObjects() });
    const a = await importAttackBundle(p, { attackVersion: '1' });
    const b = await importAttackBundle(p, { attackVersion: '1' });
    if (!a.ok || !b.ok) throw new Error('import failed');
    const text = serializeAttackTable(a.value);
    expect(serializeAttackTable(b.value)).toBe(text);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(a.value)));
    // Only unbreakable scalars (the copyright string) may exceed the formatter's width.
    expect(text.split('\n').filter((l) => l.length > 110)).toEqual([
      `  "copyright": ${JSON.stringify(MITRE_COPYRIGHT)},`,
    ]);
    const out = join(dir, 'nested', 'out.json');
    const w = await writeAttackTable(a.value, out);
    expect(w.ok && w.value).toBe(Buffer.byteLength(text));
    expect(readFileSync(out, 'utf8')).toBe(text);
    const blocked = await writeAttackTable(a.value, join(out, 'under-a-file.json'));
    expect(!blocked.ok && blocked.issues[0]?.code).toBe('attack-table-write');
  });
});

describe('importAttackBundle on bad input returns issues, never throws', () => {
  const cases: Array<[string, string | Buffer, string]> = [
    ['garbage.json', '{"type": "bundle",\n "objects": [}', 'attack-bundle-json'],
    ['not-a-bundle.json', '{"type": "indicator", "objects": []}', 'attack-bundle-not-stix'],
    ['array.json', '[1, 2]', 'attack-bundle-not-stix'],
    ['stix3.json', '{"type": "bundle", "spec_version": "3.0", "objects": []}', 'attack-bundle-stix-version'],
    [
      'empty.json',
      '{"type": "bundle", "objects": [{"type": "identity", "id": "identity--1"}]}',
      'attack-bundle-empty',
    ],
    [
      'truncated.json.gz',
      gzipSync('{"type":"bundle","objects":[]}'.repeat(50)).subarray(0, 30),
      'attack-bundle-gzip',
    ],
  ];
  it.each(cases)('%s -> %s', async (name, content, code) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    const r = await importAttackBundle(p);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]?.code).toBe(code);
    expect(r.issues[0]?.location?.file).toBe(p);
  });

  it('locates a JSON syntax error by line and column', async () => {
    const p = join(dir, 'syntax.json');
    writeFileSync(p, '{"type": "bundle",\n "objects": [}');
    const r = await importAttackBundle(p);
    expect(!r.ok && r.issues[0]?.location).toMatchObject({ line: 2, col: 14 });
  });

  it('reports a missing file', async () => {
    const r = await importAttackBundle(join(dir, 'nope.json'));
    expect(!r.ok && r.issues[0]?.code).toBe('attack-bundle-read');
  });
});

describe('formatJson', () => {
  it('keeps short groups on one line and breaks long ones', () => {
    const text = formatJson({
      a: [
        { id: 'x', n: 1 },
        { id: 'y', n: 2 },
      ],
      b: ['q'],
      c: 'z'.repeat(120),
      d: [],
    });
    expect(text).toBe(
      `{\n  "a": [\n    { "id": "x", "n": 1 },\n    { "id": "y", "n": 2 }\n  ],\n  "b": ["q"],\n  "c": "${'z'.repeat(120)}",\n  "d": []\n}\n`,
    );
  });
});

describe.skipIf(!corpusAvailable)('the v18.1 Enterprise bundle (skipped: corpus not found)', () => {
  it('gives G0065 50 techniques and 17 software, C0049 26, 70 together; equals the committed table', async () => {
    const r = await importAttackBundle(corpusPath('attack', 'enterprise-attack-18.1.json.gz'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = r.value;
    const g = t.groups.find((x) => x.id === 'G0065');
    const c = t.campaigns.find((x) => x.id === 'C0049');
    expect(g?.name).toBe('Leviathan');
    expect(g?.techniques).toHaveLength(50);
    expect(g?.software).toEqual(
      'S0005 S0020 S0021 S0032 S0039 S0069 S0110 S0154 S0183 S0190 S0194 S0228 S0229 S0232 S0233 S0363 S0642'.split(
        ' ',
      ),
    );
    expect(c?.techniques).toHaveLength(26);
    expect(new Set([...(g?.techniques ?? []), ...(c?.techniques ?? [])]).size).toBe(70);
    expect([
      t.attackVersion,
      t.source.stixVersion,
      t.tactics.length,
      t.techniques.length,
      t.mitigations.length,
    ]).toEqual(['18.1', '2.1', 14, 835, 44]);
    // CI regenerates and diffs; this pins the same property without touching the tree.
    const committed = readFileSync(join(repoRoot, 'data', 'attack', 'enterprise-attack.json'), 'utf8');
    expect(serializeAttackTable(t) === committed).toBe(true);
    expect(readFileSync(join(repoRoot, 'data', 'attack', 'NOTICE.md'), 'utf8')).toBe(renderAttackNotice(t));
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": 1}', -1],
    ['[1, 2, {"b": [true, null, "x\\"y"]}]', -1],
    ['{"a": }', 6],
    ['[1, 2', 5],
    ['{"a" 1}', 5],
    ['[1] x', 4],
    ['"abc', 4],
  ])('%s -> %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('handles deep nesting without recursion', () => {
    expect(jsonErrorOffset('['.repeat(200_000))).toBe(200_000);
  });
});
