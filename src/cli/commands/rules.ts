/**
 * @module cli/commands/rules
 * `fathom rules lint|test|coverage`: check rules load (and why not), run rule tests, and show
 * which APT40 techniques the loaded rules cover (table, CSV or an ATT&CK Navigator layer).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  COVERAGE_COLUMNS,
  coverageCsv,
  coverageRows,
  coverageTable,
  toNavigatorLayer,
} from '../../attack/index.js';
import { renderIssue } from '../../core/issue.js';
import { builtinRulesDir, prepareRules } from '../../engine/hunt/prepare.js';
import { runRuleTests } from '../../engine/ruletest/index.js';
import { terminalSafe } from '../../report/findings.js';
import { lintRules } from '../../sigma/validate/index.js';
import { collect, EXIT, openOutput } from '../io.js';

function defaultRulePaths(paths: string[]): string[] {
  if (paths.length) return paths;
  const dir = builtinRulesDir();
  return dir ? [dir] : [];
}

export function registerRules(program: Command): void {
  const rules = program.command('rules').summary('lint, test and measure Sigma rules');

  rules
    .command('lint')
    .summary('load rules and report every problem, with file:line:col')
    .description(
      `Load Sigma rules, correlations and meta-filters the way a hunt does, collecting every issue
instead of stopping at the first. Each document ends loaded, loaded-with-warnings, or refused
with a reason code (docs/sigma-support.md lists them). With no PATH, lints Fathom's own pack.`,
    )
    .argument('[path...]', 'rule files or directories')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'jsonl']).default('table'),
    )
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .option('--only-problems', 'list only documents with warnings or errors', false)
    .action(async (paths: string[], o: { format: string; output?: string; onlyProblems: boolean }) => {
      const report = await lintRules(defaultRulePaths(paths));
      const out = openOutput(o.output);
      for (const e of report.entries) {
        if (o.onlyProblems && e.status === 'loaded' && e.issues.length === 0) continue;
        if (o.format === 'jsonl') {
          await out.write(`${JSON.stringify(e)}\n`);
          continue;
        }
        const head = `${e.file}:${e.line}:${e.col}  ${e.status}${e.reason ? ` (${e.reason})` : ''}  ${terminalSafe(e.title ?? '')}`;
        await out.write(`${head}\n`);
        for (const i of e.issues) await out.write(`    ${terminalSafe(renderIssue(i))}\n`);
      }
      for (const i of report.issues) await out.write(`${terminalSafe(renderIssue(i))}\n`);
      await out.close();
      const c = report.counts;
      const reasons = Object.entries(c.byReason)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      process.stderr.write(
        `lint: ${c.documents} documents: ${c.loaded} loaded, ${c.loadedWithWarnings} loaded with warnings, ${c.refused} refused${reasons ? ` (${reasons})` : ''}\n`,
      );
      process.exitCode = c.refused > 0 ? EXIT.partial : EXIT.ok;
    });

  rules
    .command('test')
    .summary('run the positive and negative test events beside each rule')
    .description(
      `For every rule X.yml, read X.tests.yml beside it (docs/rules.md gives the format) and check
that every positive case fires and no negative case does, through the same logsource mapping a
hunt uses (so a process_creation rule is tested on Sysmon 1 and Security 4688 events alike).
A rule without a passing positive case fails. With no PATH, tests Fathom's own pack.`,
    )
    .argument('[path...]', 'rule files or directories')
    .option(
      '--context <path>',
      'rules loaded only so correlations can resolve them (repeatable)',
      collect,
      [] as string[],
    )
    .option('--no-require-negative', 'do not fail rules that have no negative case')
    .option('-v, --verbose', 'list every case, not only failures', false)
    .action(async (paths: string[], o: { context: string[]; requireNegative: boolean; verbose: boolean }) => {
      const report = await runRuleTests(defaultRulePaths(paths), {
        ...(o.context.length ? { contextPaths: o.context } : {}),
        requireNegative: o.requireNegative,
      });
      const w = (s: string) => process.stdout.write(`${s}\n`);
      for (const r of report.results) {
        if (!o.verbose && r.passed) continue;
        w(`${r.passed ? 'PASS' : 'FAIL'}  ${terminalSafe(r.title)}  (${r.ruleKey})  ${r.ruleFile}`);
        for (const f of r.failures) w(`      ${f.code}: ${terminalSafe(f.message)}`);
        if (o.verbose) {
          for (const c of r.cases) {
            w(
              `      ${c.passed ? 'ok  ' : 'FAIL'} ${c.kind} "${terminalSafe(c.name)}"${c.fired ? ` fired via ${c.firedVia.join(', ')}` : ' did not fire'}`,
            );
          }
        }
      }
      for (const i of report.issues) process.stderr.write(`${renderIssue(i)}\n`);
      const t = report.totals;
      process.stderr.write(
        `rules test: ${t.rules} rules, ${t.rulesPassed} passed, ${t.rulesFailed} failed; positive cases ${t.positives.passed} passed / ${t.positives.failed} failed; negative cases ${t.negatives.passed} passed / ${t.negatives.failed} failed\n`,
      );
      process.exitCode = report.ok ? EXIT.ok : EXIT.findings;
    });

  rules
    .command('coverage')
    .summary('which APT40 techniques (G0065 ∪ C0049) the rules cover, and the gaps')
    .description(
      `For every technique of ATT&CK group G0065 (Leviathan/APT40) and campaign C0049, list the
rules that cover it — Fathom's pack and the rules you load — and the gaps. A rule covers a
technique when its tags name it or one of its sub-techniques (docs/attack.md).
--format navigator writes an ATT&CK Navigator layer (format 4.5) scored by rule count.`,
    )
    .option('-r, --rules <path>', 'also load these rules (repeatable)', collect, [] as string[])
    .option('--no-builtin', "leave out Fathom's own pack")
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['table', 'csv', 'navigator'])
        .default('table'),
    )
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .action(async (o: { rules: string[]; builtin: boolean; format: string; output?: string }) => {
      const prepared = await prepareRules({ rulePaths: o.rules, builtin: o.builtin });
      const inputs = [
        ...prepared.rules.map((r) => ({
          key: r.key,
          title: r.rule.title,
          tags: [...r.rule.tags],
          origin: r.origin,
        })),
        ...prepared.correlations.map((c) => ({
          key: c.id ?? c.name ?? c.title,
          title: c.title,
          tags: [...(c.tags ?? [])],
          origin: (prepared.rulePaths[0] && c.location.file?.startsWith(builtinRulesDir() ?? '\u0000')
            ? 'pack'
            : 'loaded') as 'pack' | 'loaded',
        })),
      ];
      const report = coverageTable(inputs);
      const out = openOutput(o.output);
      if (o.format === 'navigator') {
        const layer = toNavigatorLayer(report, {
          name: 'Fathom coverage of APT40 (G0065 ∪ C0049)',
          description: `Rules per technique: ${report.summary.rules.pack} pack, ${report.summary.rules.loaded} loaded`,
        });
        await out.write(`${JSON.stringify(layer, null, 2)}\n`);
      } else if (o.format === 'csv') {
        await out.write(coverageCsv(report));
      } else {
        const rows = coverageRows(report);
        await out.write(`${COVERAGE_COLUMNS.join('  ')}\n`);
        for (const row of rows) {
          const values = Object.values(row).map((v) => terminalSafe(String(v)));
          await out.write(`${values.join('  ')}\n`);
        }
      }
      await out.close();
      const s = report.summary;
      process.stderr.write(
        `coverage: ${s.covered}/${s.techniques} APT40 techniques covered (${s.coveredByPack} by the pack, ${s.coveredByLoaded} by loaded rules); ${s.gaps} gaps: ${report.gaps.join(' ')}\n`,
      );
    });
}
