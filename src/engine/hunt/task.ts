/**
 * @module engine/hunt/task
 * The worker-side job of `fathom hunt`: read one task's events, match them against the
 * prepared rules (built once per worker and cached), and yield findings, correlation inputs,
 * counts and issues in partials.
 */
import { deserialize, serialize } from 'node:v8';
import type { Issue } from '../../core/issue.js';
import { eventTimeMs } from '../../model/event.js';
import type { Finding } from '../../model/finding.js';
import type { RuleSet } from '../../sigma/rule/index.js';
import type { ReadTask } from '../read-task.js';
import { addItemIssues, readTaskBatches } from '../read-task.js';
import type { RuleContext } from './context.js';
import { ruleContext } from './context.js';
import type { CorrelationInput } from './matcher.js';
import { createEventMatcher } from './matcher.js';
import type { HuntRuleCacheUse, HuntRuleConfig, HuntRuleLoad, PreparedRules } from './prepare.js';
import { loadHuntRules, prepareRules } from './prepare.js';

export interface HuntTask {
  type: 'hunt';
  read: ReadTask;
  rules: HuntRuleConfig;
  /** Event-time window, epoch ms (inclusive); null = open. */
  from: number | null;
  to: number | null;
}

export interface HuntPartial {
  findings: Finding[];
  correlation: CorrelationInput[];
  events: number;
  /** Events outside --from/--to, not matched. */
  skipped: number;
  errors: number;
  issues: Issue[];
  kind?: string;
}

const EVENTS_PER_PARTIAL = 20_000;

let cache: { key: string; prepared: Promise<PreparedRules> } | undefined;

/**
 * Prepared rules for a configuration, built once per thread (from `loaded` when another thread
 * already read the rule files).
 */
export function preparedFor(cfg: HuntRuleConfig, loaded?: HuntRuleLoad): Promise<PreparedRules> {
  const key = JSON.stringify(cfg);
  if (!cache || cache.key !== key) cache = { key, prepared: prepareRules(cfg, loaded) };
  return cache.prepared;
}

/**
 * Worker task: prepare the rules (cached for the scans that follow) and hand over their context.
 * With `share`, the worker first hands over the rule files it read, `v8.serialize`d, so the other
 * workers can compile them without reading and parsing the YAML again (`loaded`).
 */
export interface HuntPrepareTask {
  type: 'hunt-prepare';
  rules: HuntRuleConfig;
  share?: boolean;
  loaded?: Uint8Array;
  /** How the cache served the rule files in `loaded`. */
  loadedCache?: HuntRuleCacheUse;
}

/** What a prepare task hands over: the shared rule files (with `share`, first), then the context. */
export type HuntPreparePartial =
  | { shared: Uint8Array; cache: HuntRuleCacheUse }
  | (RuleContext & { issues: Issue[] });

export async function* runHuntPrepareTask(task: HuntPrepareTask): AsyncGenerator<HuntPreparePartial> {
  let loaded: HuntRuleLoad | undefined = task.loaded
    ? { set: deserialize(task.loaded) as RuleSet, cache: task.loadedCache ?? 'off' }
    : undefined;
  if (task.share && !loaded) {
    loaded = await loadHuntRules(task.rules);
    yield { shared: loaded.serialized ?? serialize(loaded.set), cache: loaded.cache };
  }
  const p = await preparedFor(task.rules, loaded);
  yield { ...ruleContext(p, task.rules), issues: p.issues };
}

export async function* runHuntTask(task: HuntTask, prepared?: PreparedRules): AsyncGenerator<HuntPartial> {
  const rules = prepared ?? (await preparedFor(task.rules));
  let p: HuntPartial = { findings: [], correlation: [], events: 0, skipped: 0, errors: 0, issues: [] };
  let suppressed = 0;
  const matcher = createEventMatcher(rules, {
    finding: (f) => p.findings.push(f),
    correlationInput: (m) => p.correlation.push(m),
  });
  const bounded = task.from !== null || task.to !== null;
  let inPartial = 0;
  for await (const batch of readTaskBatches(task.read)) {
    for (const item of batch) {
      if (item.ok) {
        const ev = item.value;
        p.events++;
        inPartial++;
        if (!p.kind) p.kind = ev.kind;
        if (bounded) {
          const t = eventTimeMs(ev);
          if ((task.from !== null && !(t >= task.from)) || (task.to !== null && !(t <= task.to))) {
            p.skipped++;
            continue;
          }
        }
        matcher.match(ev);
      } else {
        suppressed += addItemIssues(p, item.issues);
      }
    }
    if (inPartial >= EVENTS_PER_PARTIAL) {
      inPartial = 0;
      yield p;
      p = { findings: [], correlation: [], events: 0, skipped: 0, errors: 0, issues: [] };
    }
  }
  if (suppressed) {
    p.issues.push({
      code: 'issues-suppressed',
      severity: 'warning',
      message: `${suppressed} further issues were not listed`,
      location: { file: task.read.path },
    });
  }
  yield p;
}
