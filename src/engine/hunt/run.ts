/**
 * @module engine/hunt/run
 * `fathom hunt`: plan the evidence into read tasks, run them on worker threads (each worker
 * prepares the rules once), evaluate correlations over the collected base matches, and return
 * prioritised findings with a summary that accounts for every file, event and rule.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Progress } from '../../core/log.js';
import { nullProgress } from '../../core/log.js';
import { eventTimeMs } from '../../model/event.js';
import type { Finding, Level } from '../../model/finding.js';
import { LEVELS } from '../../model/finding.js';
import type { BaseRuleMatch } from '../../sigma/correlate/index.js';
import { evaluateCorrelations } from '../../sigma/correlate/index.js';
import type { LogsourceMap } from '../../sigma/pipeline/index.js';
import { makeView } from '../../sigma/pipeline/index.js';
import type { WorkerCount } from '../pool.js';
import { resolveWorkers, WorkerPool } from '../pool.js';
import { planReadTasks } from '../read-task.js';
import { runReadTasks } from '../run-tasks.js';
import type { RuleContext, RuleSummary } from './context.js';
import { ruleContext } from './context.js';
import { compareFindings, correlationFinding } from './findings.js';
import type { CorrelationInput } from './matcher.js';
import type { HuntRuleConfig, PreparedRules } from './prepare.js';
import { huntLogsourceMap } from './prepare.js';
import type { HuntPartial, HuntPreparePartial, HuntTask } from './task.js';
import { preparedFor, runHuntTask } from './task.js';

/**
 * Heap cap of each hunt worker (MiB). Bounds resident memory (V8 otherwise grows lazily: 734 MB
 * RSS with two workers on the 1 GiB bench file at 2048). A cap close to the live data makes V8
 * collect far more often: at 448 each worker spent 2.0–2.4 s in 124–205 collections on the
 * 256 MiB bench file, at 768 0.66–0.96 s in 34–144, for a peak RSS of 446–450 MB either way.
 */
export const HUNT_WORKER_HEAP_MB = 768;

export interface HuntOptions {
  rules: HuntRuleConfig;
  /** Worker threads; 0 runs everything on the calling thread; `auto` decides by evidence size. */
  workers: WorkerCount;
  recover?: boolean;
  /** Event-time window, epoch ms. */
  from?: number;
  to?: number;
  chunksPerTask?: number;
  progress?: Progress;
}

export interface HuntFileSummary {
  path: string;
  kind?: string;
  bytes: number;
  events: number;
  errors: number;
}

export interface HuntSummary {
  files: HuntFileSummary[];
  events: number;
  skipped: number;
  errors: number;
  bytes: number;
  issues: Issue[];
  rules: RuleSummary;
  findingsByLevel: Record<Level, number>;
  elapsedMs: number;
  /** Of `elapsedMs`, the time until the rules were ready (loading, compiling; in parallel on workers). */
  prepareMs: number;
  /** Worker threads used (0: the calling thread). */
  workers: number;
}

export interface HuntResult {
  findings: Finding[];
  summary: HuntSummary;
}

/**
 * Correlation findings from the base matches collected during the hunt. `logsources` is the
 * mapping the rules were prepared with, when this thread has it (else it is loaded here).
 */
export function correlate(
  ctx: RuleContext,
  inputs: CorrelationInput[],
  logsources?: LogsourceMap,
): { findings: Finding[]; issues: Issue[] } {
  if (!ctx.correlations.length || !inputs.length) return { findings: [], issues: [] };
  let map = logsources;
  if (!map) {
    const ls = huntLogsourceMap(ctx.logsourceFiles, ctx.cacheDir);
    if (!ls.ok) return { findings: [], issues: [...ls.issues] };
    map = ls.value;
  }
  const byKey = new Map(ctx.refs.map((r) => [r.key, r]));
  const byRef = new Map<string, { key: string; name?: string }>();
  for (const r of ctx.refs) {
    const v = { key: r.key, ...(r.name ? { name: r.name } : {}) };
    if (r.id) byRef.set(r.id, v);
    if (r.name) byRef.set(r.name, v);
  }
  const matches: BaseRuleMatch[] = [];
  for (const m of inputs) {
    const target = map.targetById(m.targetId);
    const rule = byKey.get(m.ruleKey);
    if (!target || !rule) continue;
    const timeMs = eventTimeMs(m.event);
    if (!Number.isFinite(timeMs)) continue;
    matches.push({
      ruleKey: m.ruleKey,
      ...(rule.name ? { ruleName: rule.name } : {}),
      timeMs,
      view: makeView(m.event, target),
    });
  }
  const res = evaluateCorrelations(ctx.correlations, matches, (ref) => byRef.get(ref) ?? null);
  const suppressed = new Set(res.suppressed);
  const findings: Finding[] = [];
  for (const hit of res.hits) {
    const f = correlationFinding(hit);
    if (!suppressed.has(f.ruleId)) findings.push(f);
  }
  return { findings, issues: res.issues };
}

/** Run a hunt. Never throws on bad evidence or bad rules: they are counted and reported. */
export async function runHunt(paths: string[], opts: HuntOptions): Promise<HuntResult> {
  const t0 = Date.now();
  const progress = opts.progress ?? nullProgress;
  const plan = await planReadTasks(paths, {
    split: opts.workers === 'auto' || opts.workers > 0,
    recover: opts.recover ?? false,
    ...(opts.chunksPerTask ? { chunksPerTask: opts.chunksPerTask } : {}),
  });
  const totalBytes = [...plan.sizes.values()].reduce((a, b) => a + b, 0);
  const workers = resolveWorkers(opts.workers, totalBytes);
  const pool =
    workers > 0 && plan.tasks.length > 0
      ? new WorkerPool(Math.min(workers, plan.tasks.length), {
          maxOldGenerationSizeMb: HUNT_WORKER_HEAP_MB,
        })
      : null;
  // With workers, the rules are prepared in the workers only; one of them hands over the summary.
  let ctx: RuleContext;
  let prepared: PreparedRules | undefined;
  const issues: Issue[] = [];
  if (pool) {
    // The first worker reads the rule files and hands them over; the others compile that copy
    // (no second YAML parse) while the first compiles its own. Its answer is the context.
    let got: (RuleContext & { issues: Issue[] }) | undefined;
    const others: Array<Promise<void>> = [];
    try {
      await pool.submit({ type: 'hunt-prepare', rules: opts.rules, share: pool.size > 1 }, (d) => {
        const part = d as HuntPreparePartial;
        if ('shared' in part) {
          for (let i = 1; i < pool.size; i++) {
            const other = pool.submit(
              { type: 'hunt-prepare', rules: opts.rules, loaded: part.shared, loadedCache: part.cache },
              () => {},
            );
            other.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
            others.push(other);
          }
        } else got ??= part;
      });
      await Promise.all(others);
    } catch (e) {
      await pool.close();
      throw e;
    }
    if (!got) throw new Error('a worker did not return the prepared rules');
    ctx = got;
    issues.push(...got.issues);
  } else {
    prepared = await preparedFor(opts.rules);
    ctx = ruleContext(prepared, opts.rules);
    issues.push(...prepared.issues);
  }
  issues.push(...plan.issues);
  const prepareMs = Date.now() - t0;
  const files = new Map<string, HuntFileSummary>();
  for (const [path, bytes] of plan.sizes) files.set(path, { path, bytes, events: 0, errors: 0 });
  const tasks: HuntTask[] = plan.tasks.map((read) => ({
    type: 'hunt',
    read,
    rules: opts.rules,
    from: opts.from ?? null,
    to: opts.to ?? null,
  }));
  progress.start(totalBytes, 'hunt');
  const findings: Finding[] = [];
  const corrInputs: CorrelationInput[] = [];
  let skipped = 0;

  try {
    await runReadTasks(tasks, {
      pool,
      inline: (task: HuntTask) => runHuntTask(task, prepared),
      sink: (p: HuntPartial, task: HuntTask) => {
        const f = files.get(task.read.path);
        if (f) {
          f.events += p.events;
          f.errors += p.errors;
          if (p.kind && !f.kind) f.kind = p.kind;
        }
        skipped += p.skipped;
        for (const x of p.findings) findings.push(x);
        for (const x of p.correlation) corrInputs.push(x);
        for (const i of p.issues) issues.push(i);
      },
      sizeOf: (p) => p.findings.length * 2048 + p.correlation.length * 2048,
      onError: (error, task) =>
        issues.push(issue('task-failed', `reading failed: ${error.message}`, { file: task.read.path })),
      progress,
      sizes: plan.sizes,
      maxBuffered: 256 * 1024 * 1024,
    });
  } finally {
    progress.done();
    await pool?.close();
  }
  const corr = correlate(ctx, corrInputs, prepared?.logsources);
  findings.push(...corr.findings);
  issues.push(...corr.issues);
  findings.sort((a, b) => compareFindings(a, b));
  const findingsByLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  for (const f of findings) findingsByLevel[f.level]++;
  const list = [...files.values()];
  return {
    findings,
    summary: {
      files: list,
      events: list.reduce((a, f) => a + f.events, 0),
      skipped,
      errors: list.reduce((a, f) => a + f.errors, 0),
      bytes: totalBytes,
      issues,
      rules: ctx.summary,
      findingsByLevel,
      elapsedMs: Date.now() - t0,
      prepareMs,
      workers: pool ? pool.size : 0,
    },
  };
}
