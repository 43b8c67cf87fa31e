import { describe, expect, it } from 'vitest';
import type { CoverageRuleInput } from './coverage.js';
import { COVERAGE_COLUMNS, coverageCsv, coverageRows, coverageTable } from './coverage.js';
import { loadAttack } from './data.js';
import { toNavigatorLayer } from './navigator.js';

const rules: CoverageRuleInput[] = [
  {
    key: 'p-lsass',
    title: 'LSASS access',
    tags: ['attack.credential-access', 'attack.t1003.001'],
    origin: 'pack',
  },
  {
    key: 'p-webshell',
    title: 'Web shell child',
    tags: ['attack.persistence', 'attack.t1505.003'],
    origin: 'pack',
  },
  { key: 'l-webshell', title: 'w3wp spawns cmd', tags: ['attack.t1505.003'], origin: 'loaded' },
  { key: 'l-dump', title: 'Credential dumping, generic', tags: ['attack.t1003'], origin: 'loaded' },
  { key: 'l-obf', title: 'Obfuscation, generic', tags: ['attack.t1027'], origin: 'loaded' },
  {
    key: 'l-fw',
    title: 'Firewall rule added',
    tags: ['attack.defense-impairment', 'attack.t1686.003'],
    origin: 'loaded',
  },
  { key: 'l-old', title: 'Old PowerShell tag', tags: ['attack.t1086', 'attack.t4242'], origin: 'loaded' },
  { key: 'l-none', title: 'No technique', tags: ['attack.execution'], origin: 'loaded' },
  {
    key: 'p-ws2',
    title: 'JSP written to web root',
    tags: ['attack.t1505.003', 'attack.t1505'],
    origin: 'pack',
  },
];

describe('coverageTable', () => {
  const report = coverageTable(rules);
  const entry = (id: string) => report.techniques.find((e) => e.id === id);

  it('lists all 70 APT40 techniques, sorted, with gaps and counts', () => {
    expect(report.techniques).toHaveLength(70);
    expect(report.techniques.map((e) => e.id)).toEqual([...report.techniques.map((e) => e.id)].sort());
    expect(report.summary).toEqual({
      techniques: 70,
      covered: 4,
      gaps: 66,
      coveredByPack: 3,
      coveredByLoaded: 3,
      rules: { pack: 3, loaded: 6 },
      rulesCovering: 6,
      rulesWithoutTechnique: 1,
    });
    expect(report.gaps).toHaveLength(66);
    expect(report.gaps).not.toContain('T1003');
    expect(report.attackVersion).toBe('18.1');
  });

  it('a sub-technique rule covers its parent; a parent rule covers only the parent', () => {
    expect(entry('T1003.001')?.pack.map((r) => r.key)).toEqual(['p-lsass']);
    expect(entry('T1003.001')?.loaded).toEqual([]);
    expect(entry('T1003')?.pack).toEqual([{ key: 'p-lsass', title: 'LSASS access', via: ['T1003.001'] }]);
    expect(entry('T1003')?.loaded).toEqual([
      { key: 'l-dump', title: 'Credential dumping, generic', via: ['T1003'] },
    ]);
    // T1027 is not an APT40 technique; its tag does not reach T1027.001/.003/.013/.015.
    expect(entry('T1027.001')?.covered).toBe(false);
    expect(report.gaps).toEqual(expect.arrayContaining(['T1027.001', 'T1027.003', 'T1027.013', 'T1027.015']));
  });

  it('splits pack and loaded, counts a rule once, and follows revoked ids', () => {
    expect(entry('T1505.003')?.pack.map((r) => r.key)).toEqual(['p-webshell', 'p-ws2']);
    expect(entry('T1505.003')?.loaded.map((r) => r.key)).toEqual(['l-webshell']);
    expect(entry('T1059.001')?.loaded).toEqual([
      { key: 'l-old', title: 'Old PowerShell tag', via: ['T1059.001'] },
    ]);
  });

  it('lists v19 candidates without counting them, and reports unknown tags', () => {
    const fw = entry('T1562.004');
    expect(fw?.covered).toBe(false);
    expect(fw?.candidates).toEqual([{ key: 'l-fw', title: 'Firewall rule added', via: ['T1686.003'] }]);
    expect(report.unknownTags).toEqual([{ key: 'l-old', tags: ['attack.t4242'] }]);
  });
});

describe('coverage rows and CSV', () => {
  const report = coverageTable([
    { key: 'k1', title: '=cmd|calc, "quoted"', tags: ['attack.t1190'], origin: 'pack' },
    { key: 'k2', title: 'Plain', tags: ['attack.t1190'], origin: 'loaded' },
  ]);

  it('gives one row per technique in column order', () => {
    const rows = coverageRows(report);
    expect(rows).toHaveLength(70);
    expect(Object.keys(rows[0] ?? {})).toEqual([...COVERAGE_COLUMNS]);
    expect(rows.find((r) => r.technique === 'T1190')).toEqual({
      technique: 'T1190',
      name: 'Exploit Public-Facing Application',
      tactics: 'initial-access',
      apt40: 'G0065 C0049',
      pack: '1',
      loaded: '1',
      status: 'covered',
      rules: '=cmd|calc, "quoted"; Plain',
    });
  });

  it('escapes CSV cells and defuses spreadsheet formulas', () => {
    const lines = coverageCsv(report).split('\r\n');
    expect(lines[0]).toBe('technique,name,tactics,apt40,pack,loaded,status,rules');
    expect(lines).toHaveLength(72);
    expect(lines.find((l) => l.startsWith('T1190,'))).toBe(
      `T1190,Exploit Public-Facing Application,initial-access,G0065 C0049,1,1,covered,"'=cmd|calc, ""quoted""; Plain"`,
    );
  });
});

// ---- A structural validator for ATT&CK Navigator layer format 4.5 (from the format's field list) ----

const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const COLOR = /^#[0-9a-fA-F]{6}$/;
const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;
const TOP_KEYS = new Set([
  'name',
  'versions',
  'domain',
  'description',
  'filters',
  'sorting',
  'layout',
  'hideDisabled',
  'techniques',
  'gradient',
  'legendItems',
  'metadata',
  'links',
  'showTacticRowBackground',
  'tacticRowBackground',
  'selectTechniquesAcrossTactics',
  'selectSubtechniquesWithParent',
  'selectVisibleTechniques',
]);

function versionAtLeast(v: string, min: number[]): boolean {
  const parts = v.split('.').map(Number);
  for (let i = 0; i < min.length; i++) {
    const a = parts[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function validateLayer45(
  layer: unknown,
  tactics: ReadonlySet<string>,
  platforms: ReadonlySet<string>,
): string[] {
  const errs: string[] = [];
  const need = (ok: boolean, msg: string): void => {
    if (!ok) errs.push(msg);
  };
  if (!isObj(layer)) return ['layer is not an object'];
  for (const k of Object.keys(layer)) need(TOP_KEYS.has(k), `unknown field ${k}`);
  need(isStr(layer.name) && layer.name.length > 0, 'name: required string');
  need(['enterprise-attack', 'mobile-attack', 'ics-attack'].includes(String(layer.domain)), 'domain');
  const v = layer.versions;
  need(isObj(v), 'versions: required object');
  if (isObj(v)) {
    need(v.layer === '4.5', 'versions.layer must be "4.5"');
    need(
      isStr(v.navigator) && /^\d+\.\d+(\.\d+)?$/.test(v.navigator) && versionAtLeast(v.navigator, [4, 9, 0]),
      'versions.navigator',
    );
    need(v.attack === undefined || (isStr(v.attack) && /^\d+(\.\d+)?$/.test(v.attack)), 'versions.attack');
  }
  need(layer.description === undefined || isStr(layer.description), 'description');
  need([0, 1, 2, 3].includes(Number(layer.sorting)) && isNum(layer.sorting), 'sorting 0-3');
  need(isBool(layer.hideDisabled), 'hideDisabled');
  const f = layer.filters;
  need(
    isObj(f) && Array.isArray(f.platforms) && f.platforms.every((p) => isStr(p) && platforms.has(p)),
    'filters.platforms',
  );
  const lo = layer.layout;
  need(isObj(lo), 'layout');
  if (isObj(lo)) {
    need(['side', 'flat', 'mini'].includes(String(lo.layout)), 'layout.layout');
    need(['average', 'min', 'max', 'sum'].includes(String(lo.aggregateFunction)), 'layout.aggregateFunction');
    for (const b of ['showID', 'showName', 'showAggregateScores', 'countUnscored'])
      need(isBool(lo[b]), `layout.${b}`);
    need(
      ['none', 'annotated', 'all'].includes(String(lo.expandedSubtechniques)),
      'layout.expandedSubtechniques',
    );
  }
  const g = layer.gradient;
  need(isObj(g), 'gradient');
  if (isObj(g)) {
    need(
      Array.isArray(g.colors) && g.colors.length >= 2 && g.colors.every((c) => isStr(c) && COLOR.test(c)),
      'gradient.colors',
    );
    need(isNum(g.minValue) && isNum(g.maxValue) && g.minValue < g.maxValue, 'gradient min < max');
  }
  need(
    Array.isArray(layer.legendItems) &&
      layer.legendItems.every((l) => isObj(l) && isStr(l.label) && isStr(l.color) && COLOR.test(l.color)),
    'legendItems',
  );
  for (const b of [
    'showTacticRowBackground',
    'selectTechniquesAcrossTactics',
    'selectSubtechniquesWithParent',
    'selectVisibleTechniques',
  ]) {
    need(layer[b] === undefined || isBool(layer[b]), b);
  }
  need(
    layer.tacticRowBackground === undefined ||
      (isStr(layer.tacticRowBackground) && COLOR.test(layer.tacticRowBackground)),
    'tacticRowBackground',
  );
  const metaOk = (m: unknown): boolean =>
    Array.isArray(m) && m.every((x) => isObj(x) && (x.divider === true || (isStr(x.name) && isStr(x.value))));
  need(metaOk(layer.metadata), 'metadata');
  need(Array.isArray(layer.techniques), 'techniques: required array');
  const seen = new Set<string>();
  (Array.isArray(layer.techniques) ? layer.techniques : []).forEach((t: unknown, i: number) => {
    const at = `techniques[${i}]`;
    if (!isObj(t)) {
      errs.push(`${at}: not an object`);
      return;
    }
    need(isStr(t.techniqueID) && TECHNIQUE_ID.test(t.techniqueID), `${at}.techniqueID`);
    need(
      t.tactic === undefined || (isStr(t.tactic) && tactics.has(t.tactic)),
      `${at}.tactic ${String(t.tactic)}`,
    );
    need(t.score === undefined || isNum(t.score), `${at}.score`);
    need(t.color === undefined || t.color === '' || (isStr(t.color) && COLOR.test(t.color)), `${at}.color`);
    need(t.comment === undefined || isStr(t.comment), `${at}.comment`);
    need(t.enabled === undefined || isBool(t.enabled), `${at}.enabled`);
    need(t.showSubtechniques === undefined || isBool(t.showSubtechniques), `${at}.showSubtechniques`);
    need(t.metadata === undefined || metaOk(t.metadata), `${at}.metadata`);
    need(
      t.links === undefined || (Array.isArray(t.links) && t.links.every((l) => isObj(l) && isStr(l.url))),
      `${at}.links`,
    );
    const key = `${String(t.techniqueID)}|${String(t.tactic)}`;
    need(!seen.has(key), `${at}: duplicate ${key}`);
    seen.add(key);
  });
  return errs;
}

describe('toNavigatorLayer', () => {
  const data = loadAttack();
  const tactics = new Set(data.table.tactics.map((t) => t.shortname));
  const platforms = new Set(data.table.techniques.flatMap((t) => t.platforms));
  const report = coverageTable(rules);
  const layer = JSON.parse(JSON.stringify(toNavigatorLayer(report, { name: 'APT40 coverage' }))) as Record<
    string,
    unknown
  >;
  const entries = layer.techniques as Array<Record<string, unknown>>;

  it('is a valid format 4.5 layer', () => {
    expect(validateLayer45(layer, tactics, platforms)).toEqual([]);
    expect(layer.versions).toEqual({ attack: '18', navigator: '5.3.2', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
  });

  it('the validator rejects what Navigator would not load', () => {
    const broken = structuredClone(layer);
    (broken.versions as Record<string, unknown>).layer = '4.4';
    const t0 = (broken.techniques as Array<Record<string, unknown>>)[0] ?? {};
    t0.techniqueID = 'T59';
    t0.tactic = 'defense_evasion';
    t0.color = 'red';
    t0.score = '2';
    expect(validateLayer45(broken, tactics, platforms)).toEqual([
      'versions.layer must be "4.5"',
      'techniques[0].techniqueID',
      'techniques[0].tactic defense_evasion',
      'techniques[0].score',
      'techniques[0].color',
    ]);
  });

  it('writes one entry per tactic, scores rule counts, colours bands, expands parents', () => {
    expect(entries.filter((t) => t.techniqueID === 'T1078').map((t) => t.tactic)).toEqual([
      'defense-evasion',
      'initial-access',
      'persistence',
      'privilege-escalation',
    ]);
    const ws = entries.find((t) => t.techniqueID === 'T1505.003');
    expect([ws?.score, ws?.color, ws?.comment]).toEqual([
      3,
      '#8ec843',
      'APT40 (G0065, C0049): 3 rules (2 pack, 1 loaded)',
    ]);
    expect(ws?.metadata).toEqual([
      { name: 'pack rule', value: 'Web shell child (p-webshell)' },
      { name: 'pack rule', value: 'JSP written to web root (p-ws2)' },
      { divider: true },
      { name: 'loaded rule', value: 'w3wp spawns cmd (l-webshell)' },
    ]);
    const gap = entries.find((t) => t.techniqueID === 'T1190');
    expect([gap?.score, gap?.color]).toEqual([0, '#ff6666']);
    expect(entries.find((t) => t.techniqueID === 'T1003')).toMatchObject({
      score: 2,
      showSubtechniques: true,
    });
    // T1027 is not APT40 but four of its sub-techniques are: an unscored entry expands it.
    expect(entries.find((t) => t.techniqueID === 'T1027')).toEqual({
      techniqueID: 'T1027',
      tactic: 'defense-evasion',
      comment: '',
      enabled: true,
      metadata: [],
      links: [],
      showSubtechniques: true,
    });
    const fw = entries.find((t) => t.techniqueID === 'T1562.004');
    expect(fw?.metadata).toEqual([{ name: 'v19 candidate', value: 'Firewall rule added (l-fw, T1686.003)' }]);
  });
});
