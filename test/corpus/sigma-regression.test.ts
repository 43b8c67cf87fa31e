/**
 * SigmaHQ's regression cases (corpus `sigma/regression_data`): with every SigmaHQ rule tree
 * loaded, each case's rule must fire on the case's EVTX.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runHunt } from '../../src/engine/hunt/run.js';
import { corpusAvailable, corpusPath } from '../utils/corpus.js';

interface Case {
  ruleId: string;
  title: string;
  evtx: string[];
}

function cases(): Case[] {
  const root = corpusPath('sigma', 'regression_data');
  const out: Case[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'info.yml') {
        const info = parse(readFileSync(p, 'utf8')) as {
          rule_metadata?: Array<{ id: string; title: string }>;
        };
        const meta = info.rule_metadata?.[0];
        const evtx = readdirSync(dirname(p))
          .filter((n) => n.toLowerCase().endsWith('.evtx'))
          .map((n) => join(dirname(p), n));
        if (meta && evtx.length) out.push({ ruleId: meta.id, title: meta.title, evtx });
      }
    }
  };
  walk(root);
  return out;
}

describe.skipIf(!corpusAvailable)('SigmaHQ regression data (skipped: corpus not found when absent)', () => {
  it('every case rule fires on its EVTX with all SigmaHQ rules loaded', async () => {
    const all = cases();
    // 165 cases; one (cisco_cli_dot1x_disabled) is Cisco CLI text, not an event log.
    expect(all.length).toBeGreaterThanOrEqual(164);
    const rules = {
      rulePaths: ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) =>
        corpusPath('sigma', d),
      ),
      builtin: false,
    };
    const missed: string[] = [];
    for (const c of all) {
      const res = await runHunt(c.evtx, { rules, workers: 0 });
      const fired = res.findings.some((f) => f.ruleId === c.ruleId);
      if (!fired) missed.push(`${c.ruleId} ${c.title} (${c.evtx.join(', ')})`);
    }
    expect(missed).toEqual([]);
  }, 600_000);
});

describe.skipIf(!corpusAvailable)('prefilter index is exact (skipped: corpus not found when absent)', () => {
  it('finds the same findings with and without the literal-prefilter index', async () => {
    const evidence = [corpusPath('evtx', 'EVTX-ATTACK-SAMPLES'), corpusPath('sigma', 'regression_data')];
    const rulePaths = [corpusPath('sigma', 'rules', 'windows')];
    const indexed = await runHunt(evidence, { rules: { rulePaths, builtin: true }, workers: 0 });
    const plain = await runHunt(evidence, {
      rules: { rulePaths, builtin: true, prefilterIndex: false },
      workers: 0,
    });
    expect(indexed.findings.length).toBeGreaterThan(1000);
    expect(indexed.findings.map((f) => f.id)).toEqual(plain.findings.map((f) => f.id));
  }, 900_000);
});
