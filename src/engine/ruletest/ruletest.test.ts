import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { coverageTable } from '../../attack/index.js';
import { loadRuleFiles } from '../../sigma/rule/index.js';
import type { RuleTestReport } from './index.js';
import { runRuleTests } from './index.js';

const packDir = fileURLToPath(new URL('../../../rules', import.meta.url));

function failureLines(r: RuleTestReport): string[] {
  return r.results
    .filter((x) => !x.passed)
    .flatMap((x) => x.failures.map((f) => `${x.ruleFile}: ${f.code}: ${f.message}`));
}

describe("Fathom's APT40 rule pack (fathom rules test in CI)", () => {
  let report: RuleTestReport;
  beforeAll(async () => {
    report = await runRuleTests([packDir]);
  });

  it('every rule has a passing positive, and every case passes', () => {
    expect(failureLines(report)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('loads at least 45 rules with no refusals or load issues', () => {
    expect(report.totals.rules).toBeGreaterThanOrEqual(45);
    expect(report.issues).toEqual([]);
  });

  it('every rule has at least one positive and one negative case', () => {
    const thin = report.results
      .filter((r) => r.positives.passed < 1 || r.negatives.passed < 1)
      .map((r) => r.ruleFile);
    expect(thin).toEqual([]);
  });

  it('has correlation rules with tests', () => {
    const corr = report.results.filter((r) => r.kind === 'correlation');
    expect(corr.length).toBeGreaterThanOrEqual(3);
    expect(corr.every((r) => r.passed)).toBe(true);
  });

  it('covers Security 4688 with positives for at least 10 process_creation rules', () => {
    const via4688 = report.results.filter((r) =>
      r.cases.some((c) => c.kind === 'positive' && c.fired && c.firedVia.includes('security-4688')),
    );
    expect(via4688.length).toBeGreaterThanOrEqual(10);
  });

  it('covers at least 45 of the 70 APT40 techniques (G0065 and C0049) with ATT&CK tags that resolve', async () => {
    const set = await loadRuleFiles([packDir]);
    const rules = [
      ...set.rules.map((r) => ({
        key: r.id ?? r.title,
        title: r.title,
        tags: [...r.tags],
        origin: 'pack' as const,
      })),
      ...set.correlations.map((c) => ({
        key: c.id ?? c.title,
        title: c.title,
        tags: [...(c.tags ?? [])],
        origin: 'pack' as const,
      })),
    ];
    const cov = coverageTable(rules);
    expect(cov.unknownTags).toEqual([]);
    expect(cov.summary.covered).toBeGreaterThanOrEqual(45);
    expect(rules.every((r) => r.tags.includes('attack.g0065'))).toBe(true);
  });
});
