import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusPath } from '../../test/utils/corpus.js';
import { FathomError } from '../core/errors.js';
import { checkOverlay, defaultTablePath, loadAttack, packageRoot, safeLoadAttack } from './data.js';
import { apt40Techniques, resolveTags, resolveTagsDetailed, techniqueName, techniqueTitle } from './tags.js';

describe('loadAttack', () => {
  it('loads the committed table and overlay once, from the package root', () => {
    const d = loadAttack();
    expect(loadAttack()).toBe(d);
    expect(existsSync(join(packageRoot(), 'package.json'))).toBe(true);
    expect(d.attackVersion).toBe('18.1');
    expect(d.tactics.get('defense-evasion')?.id).toBe('TA0005');
    expect([...d.overlayTechniques.keys()]).toContain('T1685');
    expect(d.tacticSuccessors.get('defense-evasion')).toEqual(['stealth', 'defense-impairment']);
  });

  it('fails fast with the issues, or returns them in safe mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fathom-attack-load-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'fathom-attack-table/1',
        copyright: 'c',
        attackVersion: '1',
        source: {},
        tactics: [],
        techniques: [{ id: 'T1', name: 'x' }],
        mitigations: [],
        software: [],
        groups: [],
        campaigns: [],
      }),
    );
    const r = safeLoadAttack({ tablePath: bad });
    expect(!r.ok && r.issues.map((i) => i.message)).toEqual([
      '$.techniques[0].tactics: expected an array of strings',
      '$.techniques[0].platforms: expected an array of strings',
    ]);
    expect(() => loadAttack({ tablePath: join(dir, 'missing.json') })).toThrow(FathomError);
    try {
      loadAttack({ tablePath: join(dir, 'missing.json') });
    } catch (e) {
      expect(e instanceof FathomError && [e.code, e.issues[0]?.code]).toEqual([
        'attack-data-invalid',
        'attack-table-read',
      ]);
    }
    writeFileSync(join(dir, 'wrong-format.json'), '{"format": "other"}');
    const wf = safeLoadAttack({ tablePath: join(dir, 'wrong-format.json') });
    expect(!wf.ok && wf.issues[0]?.code).toBe('attack-table-invalid');
    const ov = safeLoadAttack({ tablePath: defaultTablePath(), overlayPath: bad });
    expect(!ov.ok && ov.issues[0]?.code).toBe('attack-overlay-invalid');
  });

  it('checks the overlay shape', () => {
    const base = { format: 'fathom-attack-overlay/1', attackVersion: '19', tactics: [] };
    expect(
      checkOverlay({ ...base, techniques: [{ id: 'T1685', name: null, tactics: [], v18Candidates: [] }] }).ok,
    ).toBe(true);
    expect(
      checkOverlay({ ...base, techniques: [{ id: 'X1', name: null, tactics: [], v18Candidates: [] }] }).ok,
    ).toBe(false);
    expect(
      checkOverlay({ ...base, techniques: [{ id: 'T1685', name: 3, tactics: [], v18Candidates: [] }] }).ok,
    ).toBe(false);
  });
});

describe('resolveTags', () => {
  it('upper-cases techniques and keeps tactic short names', () => {
    expect(resolveTags(['attack.execution', 'attack.t1059.001', 'attack.T1003'])).toEqual({
      techniques: ['T1059.001', 'T1003'],
      tactics: ['execution'],
    });
  });

  it('maps v18 defense-evasion (any spelling) to the v19 stealth and defense-impairment', () => {
    for (const tag of [
      'attack.defense-evasion',
      'attack.defense_evasion',
      'attack.ta0005',
      'Attack.Defense-Evasion',
    ]) {
      expect(resolveTags([tag]).tactics).toEqual(['stealth', 'defense-impairment']);
    }
    expect(
      resolveTags(['attack.stealth', 'attack.defense-impairment', 'attack.command_and_control']).tactics,
    ).toEqual(['stealth', 'defense-impairment', 'command-and-control']);
  });

  it('resolves v19 technique ids from the overlay and revoked ids to their replacement', () => {
    expect(resolveTags(['attack.t1685', 'attack.t1685.005', 'attack.t1686.003'])).toEqual({
      techniques: ['T1685', 'T1685.005', 'T1686.003'],
      tactics: [],
    });
    // T1086 (PowerShell) was revoked by T1059.001 in the sub-technique migration.
    expect(loadAttack().techniques.get('T1086')?.revokedBy).toBe('T1059.001');
    expect(resolveTags(['attack.t1086', 'attack.t1059.001']).techniques).toEqual(['T1059.001']);
  });

  it('keeps unresolved attack-looking tags verbatim and ignores other namespaces', () => {
    expect(
      resolveTags([
        'attack.t9999',
        'attack.T1059.999',
        'attack.g9999',
        'attack.nonsense',
        'cve.2021-44228',
        'tlp.red',
      ]),
    ).toEqual({
      techniques: [],
      tactics: [],
      unknown: ['attack.t9999', 'attack.T1059.999', 'attack.g9999', 'attack.nonsense'],
    });
  });

  it('resolves groups, software and campaigns in the detailed form', () => {
    const r = resolveTagsDetailed(['attack.g0065', 'attack.s0154', 'attack.C0049', 'attack.s9999']);
    expect([r.groups, r.software, r.campaigns, r.unknown]).toEqual([
      ['G0065'],
      ['S0154'],
      ['C0049'],
      ['attack.s9999'],
    ]);
    expect(resolveTags(['attack.g0065', 'attack.s0154'])).toEqual({ techniques: [], tactics: [] });
  });

  it('deduplicates', () => {
    expect(resolveTags(['attack.t1003', 'attack.T1003', 'attack.execution', 'attack.execution'])).toEqual({
      techniques: ['T1003'],
      tactics: ['execution'],
    });
  });
});

describe('names and the APT40 set', () => {
  it('names techniques; unconfirmed v19 names are undefined', () => {
    expect(techniqueName('T1059.001')).toBe('PowerShell');
    expect(techniqueName('t1190')).toBe('Exploit Public-Facing Application');
    expect(techniqueTitle('T1003.001')).toBe('OS Credential Dumping: LSASS Memory');
    expect(techniqueName('T1685')).toBeUndefined();
    expect(techniqueName('T9999')).toBeUndefined();
  });

  it('has 70 techniques from G0065 (50) and C0049 (26), 6 in both', () => {
    const list = apt40Techniques();
    expect(list).toHaveLength(70);
    expect(list.filter((t) => t.sources.includes('G0065'))).toHaveLength(50);
    expect(list.filter((t) => t.sources.includes('C0049'))).toHaveLength(26);
    expect(list.filter((t) => t.sources.length === 2).map((t) => t.id)).toEqual([
      'T1021.004',
      'T1041',
      'T1074.001',
      'T1078',
      'T1190',
      'T1505.003',
    ]);
    expect(list.find((t) => t.id === 'T1078')?.tactics).toEqual([
      'initial-access',
      'persistence',
      'privilege-escalation',
      'defense-evasion',
    ]);
    expect(loadAttack().groups.get('G0065')?.software).toHaveLength(17);
  });

  it('gives the mitigation reach over the APT40 set stated in threat-model.md §10', () => {
    const apt40 = new Set(apt40Techniques().map((t) => t.id));
    const reach = loadAttack()
      .table.mitigations.map((m) => [m.id, m.mitigates.filter((t) => apt40.has(t)).length] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([id, n]) => `${id}:${n}`);
    expect(reach.join(' ')).toBe(
      'M1018:15 M1017:14 M1026:13 M1056:12 M1047:10 M1021:9 M1027:9 M1040:9 M1037:7 M1042:7 M1028:6 M1031:6 ' +
        'M1032:6 M1038:6 M1048:6 M1050:6 M1051:6 M1035:5 M1049:5 M1022:4 M1030:4 M1041:4 M1054:4 M1015:3 ' +
        'M1013:2 M1019:2 M1025:2 M1043:2 M1016:1 M1024:1 M1036:1 M1045:1 M1057:1',
    );
  });
});

function* ruleFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* ruleFiles(p);
    else if (name.endsWith('.yml') || name.endsWith('.yaml')) yield p;
  }
}

describe.skipIf(!corpusAvailable)('SigmaHQ tags resolve (skipped: corpus not found)', () => {
  it('resolve against v18.1 plus the v19 overlay, except a data-source id', () => {
    const unknown = new Map<string, number>();
    let tags = 0;
    for (const sub of ['rules', 'rules-emerging-threats', 'rules-threat-hunting']) {
      for (const file of ruleFiles(corpusPath('sigma', sub))) {
        const text = readFileSync(file, 'utf8');
        const found = [...text.matchAll(/^\s+-\s+(attack\.[A-Za-z0-9._-]+)\s*$/gm)].map((m) => m[1] ?? '');
        tags += found.length;
        for (const u of resolveTags(found).unknown ?? []) unknown.set(u, (unknown.get(u) ?? 0) + 1);
      }
    }
    expect(tags).toBeGreaterThan(5000);
    expect([...unknown.keys()]).toEqual(['attack.ds0005']);
  });
});
