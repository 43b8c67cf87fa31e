/**
 * Corpus check: every logsource the SigmaHQ Windows, emerging-threats and threat-hunting rules
 * use resolves, and the mapping agrees with SigmaHQ's own tests/thor.yml and logsource.json.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { corpusAvailable, corpusPath } from '../../../test/utils/corpus.js';
import type { LogsourceSelector } from './index.js';
import { loadLogsourceMap } from './index.js';

function* ymlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* ymlFiles(p);
    else if (name.endsWith('.yml')) yield p;
  }
}

/** The `logsource` map of each YAML document, parsing only that block (the rest is not needed). */
function logsources(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const m = /^logsource:[ \t]*\r?\n((?:[ \t]+.*(?:\r?\n|$)|[ \t]*\r?\n)*)/m.exec(doc);
    if (!m) continue;
    const v = (parseYaml(`logsource:\n${m[1]}`) as { logsource?: Record<string, unknown> } | null)?.logsource;
    if (v && typeof v === 'object') out.push(v);
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Products SigmaHQ has rules for that no Fathom reader covers (yet): cloud, network devices, Linux, macOS. */
const NO_READER = new Set(['linux', 'macos', 'okta', 'cisco', 'fortios', 'paloalto', 'azure', 'm365']);

describe.skipIf(!corpusAvailable)('SigmaHQ logsources resolve (skipped: corpus not found)', () => {
  const loaded = loadLogsourceMap();
  if (!loaded.ok) throw new Error('mapping failed to load');
  const map = loaded.value;

  it('every logsource used by rules/windows, rules-emerging-threats and rules-threat-hunting', () => {
    const seen = new Map<string, { ls: LogsourceSelector; n: number }>();
    for (const root of ['rules/windows', 'rules-emerging-threats', 'rules-threat-hunting']) {
      for (const f of ymlFiles(corpusPath('sigma', root))) {
        for (const ls of logsources(readFileSync(f, 'utf8'))) {
          const sel: LogsourceSelector = {};
          const c = str(ls.category);
          const p = str(ls.product);
          const s = str(ls.service);
          if (c) sel.category = c;
          if (p) sel.product = p;
          if (s) sel.service = s;
          const k = `${c ?? '-'}/${p ?? '-'}/${s ?? '-'}`;
          const cur = seen.get(k);
          if (cur) cur.n++;
          else seen.set(k, { ls: sel, n: 1 });
        }
      }
    }
    const unresolved: string[] = [];
    let rules = 0;
    let resolved = 0;
    for (const [k, { ls, n }] of seen) {
      rules += n;
      if (map.resolve(ls)) resolved += n;
      else unresolved.push(`${k} (${n})`);
    }
    // Everything left unresolved is a product no reader covers; each is listed in docs/logsources.md.
    const unexpected = unresolved.filter((u) => !NO_READER.has(u.split('/')[1] ?? ''));
    expect(unexpected).toEqual([]);
    expect(unresolved.sort()).toMatchInlineSnapshot(`
      [
        "-/azure/signinlogs (1)",
        "-/cisco/syslog (1)",
        "-/fortios/sslvpnd (1)",
        "-/linux/- (1)",
        "-/linux/auditd (1)",
        "-/linux/auth (1)",
        "-/linux/sshd (2)",
        "-/linux/sudo (1)",
        "-/m365/audit (2)",
        "-/okta/okta (2)",
        "appliance/paloalto/globalprotect (1)",
        "file_event/linux/- (10)",
        "file_event/macos/- (3)",
        "file_event/paloalto/globalprotect (1)",
        "process_creation/linux/- (22)",
        "process_creation/macos/- (3)",
      ]
    `);
    expect(resolved / rules).toBeGreaterThan(0.98);
  });

  it('agrees with tests/thor.yml: categories → EventIDs, services → channels, field mappings', () => {
    const thor = parseYaml(readFileSync(corpusPath('sigma', 'tests', 'thor.yml'), 'utf8')) as {
      logsources: Record<string, Record<string, unknown>>;
    };
    const problems: string[] = [];
    for (const [name, entry] of Object.entries(thor.logsources)) {
      const product = str(entry.product);
      if (product !== 'windows' && str(entry.category) !== 'antivirus') continue;
      const sel: LogsourceSelector = {};
      if (str(entry.category)) sel.category = str(entry.category)!;
      if (product) sel.product = product;
      if (str(entry.service)) sel.service = str(entry.service)!;
      const targets = map.resolve(sel);
      if (!targets) {
        problems.push(`${name}: unresolved`);
        continue;
      }
      const cond = entry.conditions as { EventID?: number | number[] } | undefined;
      const ids = cond?.EventID === undefined ? [] : ([] as number[]).concat(cond.EventID);
      for (const id of ids) {
        if (!targets.some((t) => t.eventIds === null || t.eventIds.includes(id))) {
          problems.push(`${name}: EventID ${id} not covered`);
        }
      }
      for (const src of (entry.sources as string[] | undefined) ?? []) {
        const ch = src.replace(/^WinEventLog:/, '');
        if (!targets.some((t) => t.channels.includes(ch)))
          problems.push(`${name}: channel ${ch} not covered`);
      }
      const fm = entry.fieldmappings as Record<string, string> | undefined;
      for (const [ruleField, eventField] of Object.entries(fm ?? {})) {
        const mapped = targets.some((t) => t.fieldMap[ruleField]?.from.includes(eventField));
        // thor names Defender's fields without spaces; Fathom reads both spellings.
        const spaced = targets.some((t) =>
          t.fieldMap[ruleField]?.from.some((f) => f.replace(/ /g, '') === eventField.replace(/ /g, '')),
        );
        if (!mapped && !spaced) problems.push(`${name}: ${ruleField} → ${eventField} not mapped`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every Windows category and service named in tests/logsource.json resolves', () => {
    const ls = JSON.parse(readFileSync(corpusPath('sigma', 'tests', 'logsource.json'), 'utf8')) as {
      legit: { windows: { category: Record<string, string[]>; service: Record<string, string[]> } };
    };
    const missing: string[] = [];
    for (const c of Object.keys(ls.legit.windows.category)) {
      if (!map.resolve({ product: 'windows', category: c })) missing.push(`category ${c}`);
    }
    for (const s of Object.keys(ls.legit.windows.service)) {
      if (!map.resolve({ product: 'windows', service: s })) missing.push(`service ${s}`);
    }
    // iis: W3C files (a source kind, category webserver), not an event log channel.
    expect(missing).toEqual(['service iis']);
  });
});
