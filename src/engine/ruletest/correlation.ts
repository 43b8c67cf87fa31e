/**
 * @module engine/ruletest/correlation
 * Correlation test cases: every test event is matched against all loaded detection rules, the
 * base-rule matches go to `evaluateCorrelations` (sigma/correlate) together with every loaded
 * correlation (so chained correlations work), and the case fires when the tested correlation
 * produces a hit.
 */
import type { Issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import type { Event } from '../../model/event.js';
import { eventTimeMs } from '../../model/event.js';
import type { BaseRuleMatch, ResolveRule } from '../../sigma/correlate/index.js';
import { evaluateCorrelations } from '../../sigma/correlate/index.js';
import type { LogsourceMap } from '../../sigma/pipeline/index.js';
import type { SigmaCorrelation, SigmaRule } from '../../sigma/rule/index.js';
import { ruleKey } from '../../sigma/rule/index.js';
import type { DetectionMatcher } from './match.js';
import { detectionMatcher, firings } from './match.js';

export interface CorrelationContext {
  /** Every detection rule loaded (tested and context), for the base-rule matches. */
  readonly rules: readonly SigmaRule[];
  /** Every correlation loaded, for chained references. */
  readonly correlations: readonly SigmaCorrelation[];
  readonly map: LogsourceMap;
}

export interface CorrelationInfo {
  readonly key: string;
  readonly title: string;
  readonly file: string;
  /** The ids and names a test file may use to name it. */
  readonly ids: readonly string[];
}

export function correlationInfo(c: SigmaCorrelation): CorrelationInfo {
  return {
    key: c.id ?? c.name ?? c.title,
    title: c.title,
    file: c.location.file ?? '',
    ids: [c.id, c.name].filter((x): x is string => typeof x === 'string'),
  };
}

const matcherCache = new WeakMap<CorrelationContext, DetectionMatcher[]>();

function matchersOf(ctx: CorrelationContext): DetectionMatcher[] {
  let ms = matcherCache.get(ctx);
  if (!ms) {
    ms = [];
    for (const rule of ctx.rules) {
      const targets = ctx.map.resolve(rule.logsource);
      if (targets) ms.push(detectionMatcher(rule, targets));
    }
    matcherCache.set(ctx, ms);
  }
  return ms;
}

function resolverOf(ctx: CorrelationContext): ResolveRule {
  const byRef = new Map<string, SigmaRule>();
  for (const r of ctx.rules) {
    for (const k of [r.id, r.name]) if (k && !byRef.has(k)) byRef.set(k, r);
  }
  return (ref) => {
    const r = byRef.get(ref);
    return r ? { key: ruleKey(r), ...(r.name ? { name: r.name } : {}) } : null;
  };
}

/** Does the correlation fire on these events (with every loaded rule and correlation)? */
export function runCorrelationCase(
  c: SigmaCorrelation,
  events: readonly Event[],
  ctx: CorrelationContext,
): Result<boolean, Issue> {
  const matches: BaseRuleMatch[] = [];
  for (const m of matchersOf(ctx)) {
    for (const ev of events) {
      const f = firings(m, ev, [])[0];
      if (!f) continue;
      matches.push({
        ruleKey: ruleKey(m.rule),
        ...(m.rule.name ? { ruleName: m.rule.name } : {}),
        timeMs: eventTimeMs(ev),
        view: f.view,
      });
    }
  }
  const res = evaluateCorrelations(ctx.correlations, matches, resolverOf(ctx));
  const file = c.location.file;
  const mine = res.issues.filter((i) => i.severity === 'error' && i.location?.file === file);
  if (mine.length) return err(...mine);
  return ok(res.hits.some((h) => h.correlation === c));
}
