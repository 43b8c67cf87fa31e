/**
 * @module engine/hunt/prepare
 * Turn rule files into what the hunt runs: load (Fathom's pack and the user's rules), resolve
 * each rule's logsource to targets, check per-target applicability (Sysmon-only fields on 4688,
 * ...), compile matchers, and index (rule, target) pairs by Channel and EventID so each event
 * meets only the rules that can match it. Nothing is dropped silently: every refusal and every
 * non-applicable target is listed with its reason.
 */
import { join } from 'node:path';
import { resolveTags } from '../../attack/index.js';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { AttackRef, Level } from '../../model/finding.js';
import { levelRank } from '../../model/finding.js';
import type { FieldNeedles, NeedleSet, RuleMatcher } from '../../sigma/compile/index.js';
import { compileRule, NeedleIndex, ruleEventIds } from '../../sigma/compile/index.js';
import type { ResolveRule, SigmaCorrelation } from '../../sigma/correlate/index.js';
import { suppressedRules } from '../../sigma/correlate/index.js';
import type { LogsourceMap, LogsourceTarget } from '../../sigma/pipeline/index.js';
import { checkApplicability, loadLogsourceMap, packageRoot } from '../../sigma/pipeline/index.js';
import type { RefusedRule, RuleCacheUse, RuleSet, SigmaRule } from '../../sigma/rule/index.js';
import { loadRuleFiles, loadRuleFilesCached, ruleFieldUsage, ruleKey } from '../../sigma/rule/index.js';

/** Everything that decides which rules run; plain data so worker threads can rebuild it. */
export interface HuntRuleConfig {
  /** User rule files/directories (`--rules`). */
  rulePaths: string[];
  /** Include Fathom's own pack (`rules/` of the package). */
  builtin: boolean;
  /** Values for `|expand` placeholders. */
  placeholders?: Record<string, string[]>;
  /** Extra logsource mapping files. */
  logsourceFiles?: string[];
  /** Rules below this level raise no findings (they still feed correlations). */
  minLevel?: Level;
  /** Index rules by their literal prefilters (default true; false runs every rule, for differential tests). */
  prefilterIndex?: boolean;
  /** Directory of the loaded-rules cache (`sigma/rule/cache`); absent: rule files are always parsed. */
  cacheDir?: string;
}

/** How the rule files were loaded: through the cache (`hit`, `stored`, `bypassed`) or without (`off`). */
export type HuntRuleCacheUse = RuleCacheUse | 'off';

/** Loaded rule files, and how the cache served them. */
export interface HuntRuleLoad {
  set: RuleSet;
  cache: HuntRuleCacheUse;
  /** The set `v8.serialize`d, when the cache already had it so. */
  serialized?: Uint8Array;
}

export interface PreparedRule {
  /** Position in `PreparedRules.rules` (dense; engines use it for per-event marks). */
  seq: number;
  key: string;
  rule: SigmaRule;
  matcher: RuleMatcher;
  targets: LogsourceTarget[];
  attack: AttackRef;
  origin: 'pack' | 'loaded';
  /** Raises findings of its own (level filter and correlation `generate: false` applied). */
  emits: boolean;
  /** Referenced by a correlation: its matches are collected. */
  correlated: boolean;
  /** The `EventID` values the rule's detection pins (it cannot match others), or null. */
  eventIds: number[] | null;
}

export interface NotApplicable {
  key: string;
  title: string;
  target: string;
  reason: string;
}

export interface IndexEntry {
  rule: PreparedRule;
  target: LogsourceTarget;
}

/**
 * The prefilter needles of a group's rules in one field: the field is scanned once per event by
 * the needle index the rules were compiled with (the same scan their own `contains` tests read),
 * and each needle found leads to the rules that own it.
 */
export interface FieldOwners {
  /** `null` = every value of the event (keyword rules). */
  field: string | null;
  /** A needle set of the field's table, to have the field scanned for an event. */
  probe: NeedleSet;
  table: FieldNeedles;
  /** Needle id → the group's rules whose prefilter it satisfies. */
  owners: Map<number, PreparedRule[]>;
}

/**
 * The rules of one target within one Channel/EventID bucket. Rules with a literal prefilter are
 * found through the needles found in their fields; the rest always run.
 */
export interface TargetGroup {
  target: LogsourceTarget;
  /** The target has preconditions beyond Channel/EventID (providers, kinds, where). */
  check: boolean;
  always: PreparedRule[];
  byField: FieldOwners[];
}

export interface RuleIndex {
  /** lower-case channel → EventID (-1 = any) → groups. */
  byChannel: Map<string, Map<number, TargetGroup[]>>;
  /**
   * Rules of any-EventID targets whose detection pins their EventIDs, by lower-case channel →
   * the event's `EventID` field value (see `routeKey`) → groups: such a rule meets only the
   * events it can match.
   */
  routed: Map<string, Map<number, TargetGroup[]>>;
  /** The same rules once each, by channel: for an event whose `EventID` field is unusual. */
  routedAll: Map<string, TargetGroup[]>;
  /** Targets that match any channel or none (source kinds such as web or network logs). */
  other: TargetGroup[];
}

export interface PreparedRules {
  rules: PreparedRule[];
  /** The needle index the rules were compiled with (scans each field once per event). */
  needles: NeedleIndex;
  correlations: SigmaCorrelation[];
  refused: RefusedRule[];
  notApplicable: NotApplicable[];
  index: RuleIndex;
  logsources: LogsourceMap;
  issues: Issue[];
  resolveRule: ResolveRule;
  /** Rule files given, for the summary. */
  rulePaths: string[];
  /** How the rule files were loaded (cache). */
  ruleCache: HuntRuleCacheUse;
}

/** Fathom's own rule pack shipped with the package. */
export function builtinRulesDir(): string | null {
  const root = packageRoot();
  return root ? join(root, 'rules') : null;
}

/** Group entries by target and index each group's rules by their prefilter needles. */
export function buildGroups(
  entries: readonly IndexEntry[],
  needles: NeedleIndex,
  usePrefilters = true,
): TargetGroup[] {
  const byTarget = new Map<string, { target: LogsourceTarget; rules: PreparedRule[] }>();
  for (const e of entries) {
    const g = byTarget.get(e.target.id);
    if (g) g.rules.push(e.rule);
    else byTarget.set(e.target.id, { target: e.target, rules: [e.rule] });
  }
  const groups: TargetGroup[] = [];
  for (const { target, rules } of byTarget.values()) {
    const always: PreparedRule[] = [];
    const fields = new Map<FieldNeedles, FieldOwners>();
    for (const r of rules) {
      const pf = usePrefilters ? r.matcher.prefilter : null;
      if (!pf) {
        always.push(r);
        continue;
      }
      // The rule can match only if one term holds: index it under every term's needles.
      for (const term of pf.anyOf) {
        const set = needles.register(term.field, term.needles);
        let f = fields.get(set.table);
        if (!f) {
          f = { field: term.field, probe: set, table: set.table, owners: new Map() };
          fields.set(set.table, f);
        }
        for (const id of set.ids) {
          const owners = f.owners.get(id);
          if (!owners) f.owners.set(id, [r]);
          else if (owners[owners.length - 1] !== r) owners.push(r);
        }
      }
    }
    groups.push({
      target,
      check: Boolean(target.providers?.length || target.kinds?.length || target.where?.length),
      always,
      byField: [...fields.values()],
    });
  }
  return groups;
}

/** Whether a target shows the event's own EventID to rules (no mapping of the field). */
function passesEventId(t: LogsourceTarget): boolean {
  return (
    !Object.hasOwn(t.fieldMap, 'EventID') &&
    !Object.hasOwn(t.valueMaps, 'EventID') &&
    !t.unavailableFields.includes('EventID')
  );
}

function addTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function innerMap<K, K2, V>(m: Map<K, Map<K2, V>>, k: K): Map<K2, V> {
  let inner = m.get(k);
  if (!inner) {
    inner = new Map();
    m.set(k, inner);
  }
  return inner;
}

function groupsOf(raw: Map<string, Map<number, IndexEntry[]>>, needles: NeedleIndex, usePrefilters: boolean) {
  const out = new Map<string, Map<number, TargetGroup[]>>();
  for (const [ch, byId] of raw) {
    const m = new Map<number, TargetGroup[]>();
    for (const [id, list] of byId) m.set(id, buildGroups(list, needles, usePrefilters));
    out.set(ch, m);
  }
  return out;
}

function buildIndex(entries: readonly IndexEntry[], needles: NeedleIndex, usePrefilters: boolean): RuleIndex {
  const raw = new Map<string, Map<number, IndexEntry[]>>();
  const routedRaw = new Map<string, Map<number, IndexEntry[]>>();
  const routedAllRaw = new Map<string, IndexEntry[]>();
  const other: IndexEntry[] = [];
  for (const entry of entries) {
    const t = entry.target;
    const concrete = t.channels.filter((c) => c !== '*');
    if (concrete.length === 0) {
      other.push(entry);
      continue;
    }
    const route = usePrefilters && t.eventIds === null && passesEventId(t) ? entry.rule.eventIds : null;
    for (const ch of concrete) {
      const key = ch.toLowerCase();
      if (route) {
        const byId = innerMap(routedRaw, key);
        for (const id of route) addTo(byId, id, entry);
        addTo(routedAllRaw, key, entry);
        continue;
      }
      const byId = innerMap(raw, key);
      for (const id of t.eventIds ?? [-1]) addTo(byId, id, entry);
    }
  }
  const routedAll = new Map<string, TargetGroup[]>();
  for (const [ch, list] of routedAllRaw) routedAll.set(ch, buildGroups(list, needles, usePrefilters));
  return {
    byChannel: groupsOf(raw, needles, usePrefilters),
    routed: groupsOf(routedRaw, needles, usePrefilters),
    routedAll,
    other: buildGroups(other, needles, usePrefilters),
  };
}

/** A rule the hunt will not run, with where it was read and why. */
function refusal(rule: SigmaRule, code: string, message: string): RefusedRule {
  return {
    file: rule.file,
    line: rule.line,
    col: rule.col,
    ...(rule.id ? { id: rule.id } : {}),
    title: rule.title,
    code,
    message,
  };
}

/** The rule files and directories a configuration names (Fathom's pack first), and the pack's. */
function rulePathsOf(cfg: HuntRuleConfig): { builtin: string | null; paths: string[] } {
  const builtin = cfg.builtin ? builtinRulesDir() : null;
  return { builtin, paths: [...(builtin ? [builtin] : []), ...cfg.rulePaths] };
}

/** The logsource map a hunt uses: the shipped files and the user's own, parsed through the cache. */
export function huntLogsourceMap(
  files: readonly string[] | undefined,
  cacheDir: string | undefined,
): ReturnType<typeof loadLogsourceMap> {
  return loadLogsourceMap({
    ...(files?.length ? { extraFiles: files } : {}),
    ...(cacheDir ? { cacheDir } : {}),
  });
}

/**
 * Read and parse the rule files of a configuration: the part of preparing that is plain data, so
 * one thread can do it for all (a `RuleSet` survives structured cloning and `v8.serialize`).
 */
export async function loadHuntRules(cfg: HuntRuleConfig): Promise<HuntRuleLoad> {
  const paths = rulePathsOf(cfg).paths;
  const opts = cfg.placeholders ? { placeholders: cfg.placeholders } : {};
  if (!cfg.cacheDir) return { set: await loadRuleFiles(paths, opts), cache: 'off' };
  const got = await loadRuleFilesCached(paths, opts, cfg.cacheDir);
  return { set: got.set, cache: got.cache, ...(got.serialized ? { serialized: got.serialized } : {}) };
}

/**
 * Load (unless `loaded` holds the rule files as `loadHuntRules` read them), resolve, check and
 * compile every rule. Never throws on a bad rule.
 */
export async function prepareRules(cfg: HuntRuleConfig, loaded?: HuntRuleLoad): Promise<PreparedRules> {
  const issues: Issue[] = [];
  const ls = huntLogsourceMap(cfg.logsourceFiles, cfg.cacheDir);
  if (!ls.ok) {
    throw new Error(`logsource mapping cannot load: ${ls.issues.map((i) => i.message).join('; ')}`);
  }
  const logsources = ls.value;
  const { builtin, paths } = rulePathsOf(cfg);
  const load = loaded ?? (await loadHuntRules(cfg));
  const set = load.set;
  issues.push(...set.issues.filter((i) => i.severity !== 'error'));
  const refused: RefusedRule[] = [...set.refused];
  const notApplicable: NotApplicable[] = [];
  const entries: IndexEntry[] = [];
  const rules: PreparedRule[] = [];
  const byRef = new Map<string, PreparedRule>();
  const seen = new Set<string>();
  const minRank = cfg.minLevel ? levelRank(cfg.minLevel) : 0;
  // One needle index for these rules: each field is scanned once per event for all of them.
  const needles = new NeedleIndex();

  for (const rule of set.rules) {
    const key = ruleKey(rule);
    if (seen.has(key)) {
      refused.push(
        refusal(rule, 'duplicate-id', `a rule with id ${key} was already loaded; this copy is ignored`),
      );
      continue;
    }
    const targets = logsources.resolve(rule.logsource);
    if (!targets || targets.length === 0) {
      const l = rule.logsource;
      refused.push(
        refusal(
          rule,
          'unknown-logsource',
          `no event source is mapped for logsource ${JSON.stringify({ category: l.category, product: l.product, service: l.service })} (add a mapping under data/logsources or --logsource-map)`,
        ),
      );
      continue;
    }
    const usage = ruleFieldUsage(rule);
    const applicable: LogsourceTarget[] = [];
    for (const t of targets) {
      const a = checkApplicability(usage, t);
      if (a.applies) applicable.push(t);
      else notApplicable.push({ key, title: rule.title, target: t.id, reason: a.reason ?? 'not applicable' });
    }
    if (applicable.length === 0) {
      refused.push(
        refusal(
          rule,
          'not-applicable',
          `no target can evaluate this rule: ${notApplicable
            .filter((n) => n.key === key)
            .map((n) => `${n.target}: ${n.reason}`)
            .join('; ')}`,
        ),
      );
      continue;
    }
    seen.add(key);
    const origin = builtin && rule.file.startsWith(builtin) ? 'pack' : 'loaded';
    const prepared: PreparedRule = {
      seq: rules.length,
      key,
      rule,
      matcher: compileRule(rule, { needles }),
      targets: applicable,
      attack: resolveTags([...rule.tags]),
      origin,
      emits: levelRank(rule.level) >= minRank,
      correlated: false,
      eventIds: ruleEventIds(rule),
    };
    rules.push(prepared);
    if (rule.id) byRef.set(rule.id, prepared);
    if (rule.name) byRef.set(rule.name, prepared);
    for (const target of applicable) entries.push({ rule: prepared, target });
  }

  const resolveRule: ResolveRule = (ref) => {
    const r = byRef.get(ref);
    return r ? { key: r.key, ...(r.rule.name ? { name: r.rule.name } : {}) } : null;
  };
  const correlations = set.correlations;
  for (const c of correlations) {
    for (const ref of c.rules) {
      const r = byRef.get(ref);
      if (r) r.correlated = true;
    }
  }
  const silenced = new Set(suppressedRules(correlations, resolveRule));
  for (const r of rules) if (silenced.has(r.key)) r.emits = false;
  if (!builtin && cfg.builtin) {
    issues.push(
      issue(
        'no-builtin-rules',
        'the built-in rule pack was not found next to the package',
        {},
        {},
        'warning',
      ),
    );
  }
  const index = buildIndex(entries, needles, cfg.prefilterIndex !== false);
  needles.prepareAll(cfg.cacheDir);
  return {
    rules,
    needles,
    correlations,
    refused,
    notApplicable,
    index,
    logsources,
    issues,
    resolveRule,
    rulePaths: paths,
    ruleCache: load.cache,
  };
}
