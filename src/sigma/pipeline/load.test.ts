import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLogsourceMap, parseMappingFile, shippedLogsourceDir } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'fathom-logsources-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('mapping file schema', () => {
  it('locates each problem at file:line:col and keeps the good items', () => {
    const text = [
      'targets:',
      '  - id: good',
      '    channels: [Security]',
      '    eventIds: [4624]',
      '  - id: bad-transform',
      '    channels: [Security]',
      '    eventIds: null',
      '    fieldMap:',
      '      Image: { from: NewProcessName, transform: no-such-transform }',
      '  - id: everything',
      '    channels: []',
      '    eventIds: null',
      '  - id: bad-ids',
      '    channels: [Security]',
      "    eventIds: [4624, 'x']",
      '    colour: blue',
      'logsources:',
      '  - { product: windows, targets: [] }',
    ].join('\n');
    const r = parseMappingFile(text, 'user.yml');
    expect(r.targets.map((t) => t.id)).toEqual(['good']);
    const where = r.issues.map((i) => `${i.code}@${i.location?.line}:${i.location?.col}`);
    expect(where).toEqual([
      'logsource-unknown-transform@9:49',
      'logsource-unbounded-target@10:5',
      'logsource-schema@15:22',
      'logsource-schema@16:5',
      'logsource-schema@18:5',
    ]);
    expect(r.issues[0]!.message).toMatch(/unknown transform 'no-such-transform' \(known: .*hex-to-decimal/);
  });

  it('reports YAML syntax errors with a position instead of throwing', () => {
    const r = parseMappingFile('targets:\n  - id: x\n   channels: [a\n', 'broken.yml');
    expect(r.targets).toEqual([]);
    expect(r.issues[0]!.code).toBe('logsource-yaml');
    expect(r.issues[0]!.location?.line).toBeGreaterThan(0);
  });
});

describe('loadLogsourceMap', () => {
  it('finds the shipped data from the package root and loads it without issues', () => {
    expect(shippedLogsourceDir()).toMatch(/data[\\/]logsources$/);
    const r = loadLogsourceMap();
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.issues).toEqual([]);
      expect(r.value.targets.length).toBeGreaterThan(90);
    }
  });

  it('user files add logsources and override shipped targets by id (noted)', () => {
    const extra = file(
      'site.yml',
      [
        'targets:',
        '  - id: security-5156',
        '    channels: [Security]',
        '    eventIds: [5156]',
        '    fieldMap:',
        "      Image: { from: Application, transform: device-path, params: { volume3: 'D:' } }",
        '  - id: acme-edr-proc',
        '    channels: [ACME-EDR/Operational]',
        '    eventIds: [7]',
        'logsources:',
        '  - { product: windows, category: process_creation, targets: [acme-edr-proc] }',
        '  - { product: acme, service: edr, targets: [acme-edr-proc] }',
      ].join('\n'),
    );
    const r = loadLogsourceMap({ extraFiles: [extra] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.value;
    expect(m.resolve({ product: 'windows', category: 'process_creation' })!.map((t) => t.id)).toEqual([
      'sysmon-1',
      'security-4688',
      'acme-edr-proc',
    ]);
    expect(m.resolve({ product: 'acme', service: 'edr' })!.map((t) => t.id)).toEqual(['acme-edr-proc']);
    expect(m.targetById('security-5156')!.fieldMap.Image!.params).toEqual({ volume3: 'D:' });
    expect(m.issues.map((i) => [i.code, i.severity])).toEqual([['logsource-target-overridden', 'info']]);
  });

  it('fails fast on errors by default, and returns the map with every issue in collect mode', () => {
    const bad = file('bad.yml', 'logsources:\n  - { product: acme, service: x, targets: [nope] }\n');
    const failed = loadLogsourceMap({ extraFiles: [bad, join(dir, 'missing.yml')] });
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.issues.map((i) => i.code)).toEqual([
        'logsource-file-unreadable',
        'logsource-unknown-target',
      ]);
      expect(failed.issues[1]!.location).toMatchObject({ file: bad, line: 2, col: 5 });
    }
    const collected = loadLogsourceMap({ extraFiles: [bad], collectIssues: true });
    expect(collected.ok).toBe(true);
    if (collected.ok) {
      expect(collected.value.issues.map((i) => i.code)).toEqual(['logsource-unknown-target']);
      expect(collected.value.resolve({ product: 'acme', service: 'x' })).toBeNull();
    }
  });

  it('keeps parsed mapping files in a cache directory: same map, an edited file parsed again', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fathom-logsource-cache-'));
    const yaml = (id: string) =>
      ['targets:', `  - id: ${id}`, '    channels: [ACME]', '    eventIds: [1]', 'logsources:'].join('\n') +
      `\n  - { product: acme, targets: [${id}] }\n`;
    const site = file('cached.yml', yaml('acme-one'));
    const ids = (m: ReturnType<typeof loadLogsourceMap>) =>
      m.ok ? m.value.resolve({ product: 'acme' })?.map((t) => t.id) : m.issues;
    const plain = loadLogsourceMap({ extraFiles: [site] });
    const first = loadLogsourceMap({ extraFiles: [site], cacheDir });
    const entries = readdirSync(cacheDir).filter((n) => n.startsWith('logsource-'));
    // The shipped files and the user's file, one entry each.
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const second = loadLogsourceMap({ extraFiles: [site], cacheDir });
    expect(ids(first)).toEqual(['acme-one']);
    expect(ids(second)).toEqual(ids(plain));
    if (second.ok && plain.ok) expect(second.value.targets).toEqual(plain.value.targets);
    // A corrupt entry is a miss, not an error.
    for (const n of readdirSync(cacheDir)) writeFileSync(join(cacheDir, n), 'not v8');
    expect(ids(loadLogsourceMap({ extraFiles: [site], cacheDir }))).toEqual(['acme-one']);
    // An edited file is parsed again.
    writeFileSync(site, yaml('acme-two'));
    expect(ids(loadLogsourceMap({ extraFiles: [site], cacheDir }))).toEqual(['acme-two']);
  });
});
