/**
 * @module engine/ruletest/run
 * `runRuleTests`: load the Sigma rules under some paths, find each rule's `X.tests.yml`, turn
 * the test events into `Event`s, resolve the rule's logsource targets, and check that every
 * positive case fires and no negative case does (correlations through `sigma/correlate`).
 * Never throws on bad rules or test files: each problem becomes a failure or an issue.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Event } from '../../model/event.js';
import type { LogsourceMap } from '../../sigma/pipeline/index.js';
import { loadLogsourceMap } from '../../sigma/pipeline/index.js';
import type { RuleSet, SigmaCorrelation, SigmaRule } from '../../sigma/rule/index.js';
import { loadRuleFiles, ruleKey } from '../../sigma/rule/index.js';
import { flatToEvent } from '../../sources/json/index.js';
import type { CorrelationContext } from './correlation.js';
import { correlationInfo, runCorrelationCase } from './correlation.js';
import { detectionMatcher, firesVia } from './match.js';
import type { RuleTestFile, TestCase } from './testfile.js';
import { isTestFile, readTestFile, testFileFor } from './testfile.js';
import type {
  CaseResult,
  RuleTestFailure,
  RuleTestOptions,
  RuleTestReport,
  RuleTestResult,
  RuleTestTotals,
  Tally,
} from './types.js';

const MAX_WALK_DEPTH = 32;

/** Rule files and test files under the given paths (directories walked in sorted order). */
async function collectFiles(
  paths: readonly string[],
  issues: Issue[],
): Promise<{ rules: string[]; tests: string[] }> {
  const rules: string[] = [];
  const tests: string[] = [];
  const seen = new Set<string>();
  const visit = async (p: string, depth: number): Promise<void> => {
    let real: string;
    try {
      real = await realpath(p);
    } catch (e) {
      issues.push(issue('read-error', (e as Error).message, { file: p }));
      return;
    }
    if (seen.has(real) || depth > MAX_WALK_DEPTH) return;
    seen.add(real);
    let names: string[] | null = null;
    try {
      if ((await stat(real)).isDirectory()) names = (await readdir(real)).sort();
    } catch (e) {
      issues.push(issue('read-error', (e as Error).message, { file: p }));
      return;
    }
    if (names) {
      for (const n of names) {
        if (!n.startsWith('.')) await visit(join(p, n), depth + 1);
      }
      return;
    }
    if (!/\.ya?ml$/i.test(p)) return;
    if (isTestFile(p)) tests.push(p);
    else rules.push(p);
  };
  for (const p of paths) await visit(p, 0);
  return { rules, tests };
}

interface Tested {
  ruleFile: string;
  key: string;
  title: string;
}

/** Build one event per test event map; provenance points at the test file line. */
function toEvents(c: TestCase, file: string): Event[] {
  return c.events.map((e) => flatToEvent(e.fields, { file, offset: 0, line: e.line }));
}

function tally(cases: readonly CaseResult[], kind: 'positive' | 'negative'): Tally {
  const mine = cases.filter((c) => c.kind === kind);
  const passed = mine.filter((c) => c.passed).length;
  return { passed, failed: mine.length - passed };
}

function finishResult(
  t: Tested,
  kind: 'rule' | 'correlation',
  testFile: string | null,
  cases: CaseResult[],
  failures: RuleTestFailure[],
  opts: RuleTestOptions,
): RuleTestResult {
  const positives = tally(cases, 'positive');
  const negatives = tally(cases, 'negative');
  for (const c of cases) {
    if (c.passed) continue;
    failures.push({
      code: c.kind === 'positive' ? 'positive-failed' : 'negative-failed',
      message:
        c.kind === 'positive'
          ? `positive case '${c.name}' did not fire`
          : `negative case '${c.name}' fired (via ${c.firedVia.join(', ') || 'correlation'})`,
      ...(testFile ? { location: { file: testFile, ...(c.line ? { line: c.line } : {}) } } : {}),
    });
  }
  if (positives.passed === 0) {
    failures.push({
      code: 'no-positive-test',
      message: 'the rule has no passing positive test',
      location: { file: testFile ?? t.ruleFile },
    });
  }
  if (
    opts.requireNegative !== false &&
    testFile &&
    negatives.passed + negatives.failed === 0 &&
    cases.length > 0
  ) {
    failures.push({
      code: 'no-negative-test',
      message: 'the rule has no negative test',
      location: { file: testFile },
    });
  }
  return {
    ruleKey: t.key,
    title: t.title,
    kind,
    ruleFile: t.ruleFile,
    testFile,
    positives,
    negatives,
    cases,
    failures,
    passed: failures.length === 0,
  };
}

/** Read the test file beside a rule, checking that it names the rule. */
async function testsFor(
  t: Tested,
  ids: readonly string[],
  failures: RuleTestFailure[],
): Promise<RuleTestFile | null> {
  const tf = testFileFor(t.ruleFile);
  const read = await readTestFile(tf);
  if (read === null) {
    failures.push({
      code: 'no-test-file',
      message: `no test file (expected ${tf})`,
      location: { file: t.ruleFile },
    });
    return null;
  }
  if (!read.ok) {
    for (const i of read.issues)
      failures.push({
        code: 'test-file-invalid',
        message: i.message,
        ...(i.location ? { location: i.location } : {}),
      });
    return null;
  }
  if (!ids.includes(read.value.rule)) {
    failures.push({
      code: 'test-rule-mismatch',
      message: `test file names rule '${read.value.rule}', but the rule beside it is '${t.key}'`,
      location: { file: tf, line: 1 },
    });
    return null;
  }
  return read.value;
}

async function testDetectionRule(
  rule: SigmaRule,
  map: LogsourceMap,
  opts: RuleTestOptions,
): Promise<RuleTestResult> {
  const t: Tested = { ruleFile: rule.file, key: ruleKey(rule), title: rule.title };
  const failures: RuleTestFailure[] = [];
  const cases: CaseResult[] = [];
  const ids = [rule.id, rule.name].filter((x): x is string => typeof x === 'string');
  const tf = await testsFor(t, ids, failures);
  const targets = map.resolve(rule.logsource);
  if (!targets) {
    failures.push({
      code: 'logsource-unknown',
      message: `logsource ${JSON.stringify(rule.logsource)} resolves to no target`,
      location: { file: rule.file, line: rule.line },
    });
  }
  if (tf && targets) {
    const m = detectionMatcher(rule, targets);
    for (const kind of ['positive', 'negative'] as const) {
      for (const c of tf[kind]) {
        const disagreements: string[] = [];
        const via = new Set<string>();
        for (const ev of toEvents(c, tf.file)) for (const id of firesVia(m, ev, disagreements)) via.add(id);
        if (disagreements.length) {
          failures.push({
            code: 'matcher-disagreement',
            message: `case '${c.name}': ${disagreements.join('; ')}`,
            location: { file: tf.file, line: c.line },
          });
        }
        const fired = via.size > 0;
        cases.push({
          kind,
          name: c.name,
          passed: kind === 'positive' ? fired : !fired,
          fired,
          firedVia: [...via],
          line: c.line,
        });
      }
    }
  }
  return finishResult(
    t,
    'rule',
    tf?.file ?? (failures.some((f) => f.code === 'no-test-file') ? null : testFileFor(rule.file)),
    cases,
    failures,
    opts,
  );
}

async function testCorrelation(
  corr: SigmaCorrelation,
  ctx: CorrelationContext,
  opts: RuleTestOptions,
): Promise<RuleTestResult> {
  const info = correlationInfo(corr);
  const t: Tested = { ruleFile: info.file, key: info.key, title: info.title };
  const failures: RuleTestFailure[] = [];
  const cases: CaseResult[] = [];
  const tf = await testsFor(t, info.ids, failures);
  if (tf) {
    allCases: for (const kind of ['positive', 'negative'] as const) {
      for (const c of tf[kind]) {
        const r = runCorrelationCase(corr, toEvents(c, tf.file), ctx);
        if (!r.ok) {
          for (const i of r.issues)
            failures.push({
              code: 'correlation-error',
              message: i.message,
              location: i.location ?? { file: info.file },
            });
          break allCases;
        }
        const fired = r.value;
        cases.push({
          kind,
          name: c.name,
          passed: kind === 'positive' ? fired : !fired,
          fired,
          firedVia: [],
          line: c.line,
        });
      }
    }
  }
  return finishResult(t, 'correlation', tf?.file ?? null, cases, failures, opts);
}

/** Run one rule's tests; an unexpected exception (an engine bug) becomes an `engine-error` failure. */
async function guarded(
  t: Tested,
  kind: 'rule' | 'correlation',
  opts: RuleTestOptions,
  run: () => Promise<RuleTestResult>,
): Promise<RuleTestResult> {
  try {
    return await run();
  } catch (e) {
    const message = `unexpected error while testing: ${e instanceof Error ? e.message : String(e)}`;
    return finishResult(
      t,
      kind,
      null,
      [],
      [{ code: 'engine-error', message, location: { file: t.ruleFile } }],
      opts,
    );
  }
}

function totalsOf(results: readonly RuleTestResult[]): RuleTestTotals {
  const t: RuleTestTotals = {
    rules: results.length,
    rulesPassed: 0,
    rulesFailed: 0,
    positives: { passed: 0, failed: 0 },
    negatives: { passed: 0, failed: 0 },
  };
  for (const r of results) {
    if (r.passed) t.rulesPassed++;
    else t.rulesFailed++;
    t.positives.passed += r.positives.passed;
    t.positives.failed += r.positives.failed;
    t.negatives.passed += r.negatives.passed;
    t.negatives.failed += r.negatives.failed;
  }
  return t;
}

/**
 * Run the tests of every rule under `paths` (files or directories). Each rule `X.yml` is tested
 * with the `X.tests.yml` beside it; a rule without a passing positive case fails with
 * `no-positive-test`. Never throws for bad rules or test files.
 * @example const report = await runRuleTests(['rules/']); if (!report.ok) process.exitCode = 1;
 */
export async function runRuleTests(paths: string[], opts: RuleTestOptions = {}): Promise<RuleTestReport> {
  const issues: Issue[] = [];
  const results: RuleTestResult[] = [];
  const files = await collectFiles(paths, issues);
  const loadOpts = opts.placeholders ? { placeholders: opts.placeholders } : {};
  const set: RuleSet = files.rules.length
    ? await loadRuleFiles(files.rules, loadOpts)
    : { rules: [], correlations: [], filters: [], refused: [], issues: [] };
  issues.push(...set.issues);
  const context = opts.contextPaths?.length
    ? await collectFiles(opts.contextPaths, issues)
    : { rules: [], tests: [] };
  const testedFiles = new Set(files.rules.map((f) => resolve(f)));
  const contextSet = context.rules.length
    ? await loadRuleFiles(
        context.rules.filter((f) => !testedFiles.has(resolve(f))),
        loadOpts,
      )
    : null;

  const mapLoad = loadLogsourceMap({
    ...(opts.logsourceFiles ? { extraFiles: opts.logsourceFiles } : {}),
    ...(opts.logsourceDir ? { dataDir: opts.logsourceDir } : {}),
  });
  if (!mapLoad.ok) {
    issues.push(...mapLoad.issues);
    return { results, issues, totals: totalsOf(results), ok: false };
  }
  const map = mapLoad.value;

  for (const r of set.refused) {
    const t: Tested = { ruleFile: r.file, key: r.id ?? r.title ?? r.file, title: r.title ?? r.file };
    const failures: RuleTestFailure[] = [
      {
        code: 'rule-refused',
        message: `${r.code}: ${r.message}`,
        location: { file: r.file, line: r.line, col: r.col },
      },
    ];
    results.push(finishResult(t, 'rule', null, [], failures, opts));
  }
  for (const rule of set.rules) {
    results.push(
      await guarded({ ruleFile: rule.file, key: ruleKey(rule), title: rule.title }, 'rule', opts, () =>
        testDetectionRule(rule, map, opts),
      ),
    );
  }
  const ctx: CorrelationContext = {
    rules: [...set.rules, ...(contextSet?.rules ?? [])],
    correlations: [...set.correlations, ...(contextSet?.correlations ?? [])],
    map,
  };
  for (const corr of set.correlations) {
    const info = correlationInfo(corr);
    results.push(
      await guarded({ ruleFile: info.file, key: info.key, title: info.title }, 'correlation', opts, () =>
        testCorrelation(corr, ctx, opts),
      ),
    );
  }

  const ruleFiles = new Set(files.rules.map((f) => resolve(f)));
  for (const tf of files.tests) {
    const beside = [tf.replace(/\.tests\.ya?ml$/i, '.yml'), tf.replace(/\.tests\.ya?ml$/i, '.yaml')];
    if (!beside.some((b) => ruleFiles.has(resolve(b)))) {
      issues.push(
        issue('orphan-test-file', 'test file has no rule file beside it', { file: tf }, undefined, 'warning'),
      );
    }
  }
  results.sort((a, b) => (a.ruleFile < b.ruleFile ? -1 : a.ruleFile > b.ruleFile ? 1 : 0));
  if (results.length === 0)
    issues.push(
      issue('no-rules', `no rule files under ${paths.join(', ')}`, undefined, undefined, 'warning'),
    );
  const totals = totalsOf(results);
  return { results, issues, totals, ok: results.length > 0 && totals.rulesFailed === 0 };
}
