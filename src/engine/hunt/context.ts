/**
 * @module engine/hunt/context
 * The plain-data view of prepared rules the main thread needs (summary, correlations, rule
 * references): built where the rules were prepared, possibly a worker thread, and handed over.
 */
import type { SigmaCorrelation } from '../../sigma/correlate/index.js';
import type { RefusedRule } from '../../sigma/rule/index.js';
import type { HuntRuleCacheUse, HuntRuleConfig, NotApplicable, PreparedRules } from './prepare.js';

export interface RuleSummary {
  loaded: number;
  pack: number;
  user: number;
  compiled: number;
  interpreted: number;
  correlations: number;
  refused: RefusedRule[];
  refusedByReason: Record<string, number>;
  notApplicable: NotApplicable[];
  rulePaths: string[];
  /** How the rule files were loaded: from the cache (`hit`), parsed and cached (`stored`), or parsed (`bypassed`, `off`). */
  cache: HuntRuleCacheUse;
}

export function summariseRules(p: PreparedRules): RuleSummary {
  const refusedByReason: Record<string, number> = {};
  for (const r of p.refused) refusedByReason[r.code] = (refusedByReason[r.code] ?? 0) + 1;
  return {
    loaded: p.rules.length,
    pack: p.rules.filter((r) => r.origin === 'pack').length,
    user: p.rules.filter((r) => r.origin === 'loaded').length,
    compiled: p.rules.filter((r) => r.matcher.mode === 'compiled').length,
    interpreted: p.rules.filter((r) => r.matcher.mode === 'interpreted').length,
    correlations: p.correlations.length,
    refused: p.refused,
    refusedByReason,
    notApplicable: p.notApplicable,
    rulePaths: p.rulePaths,
    cache: p.ruleCache,
  };
}

/**
 * What the main thread needs of the prepared rules: the summary and what correlations need.
 * Plain data, so a worker thread that prepared the rules can hand it over.
 */
export interface RuleContext {
  summary: RuleSummary;
  correlations: SigmaCorrelation[];
  /** Every loaded rule's key with its id and name, to resolve correlation references. */
  refs: Array<{ key: string; id?: string; name?: string }>;
  logsourceFiles: string[];
  /** Where parsed mapping files are cached (the rule cache directory), if anywhere. */
  cacheDir?: string;
}

export function ruleContext(p: PreparedRules, cfg: HuntRuleConfig): RuleContext {
  return {
    summary: summariseRules(p),
    correlations: p.correlations,
    refs: p.rules.map((r) => ({
      key: r.key,
      ...(r.rule.id ? { id: r.rule.id } : {}),
      ...(r.rule.name ? { name: r.rule.name } : {}),
    })),
    logsourceFiles: cfg.logsourceFiles ?? [],
    ...(cfg.cacheDir ? { cacheDir: cfg.cacheDir } : {}),
  };
}
