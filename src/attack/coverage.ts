/**
 * @module attack/coverage
 * Which rules cover which APT40 techniques (group G0065 ∪ campaign C0049), and the gaps.
 *
 * Semantics: a rule covers a technique when its resolved tags name the technique or one of its
 * sub-techniques (detecting T1003.001 is detecting T1003). A rule tagged only with a parent does
 * NOT cover the parent's sub-techniques: "T1003" says nothing about which variant it sees, and
 * counting it for every sub-technique would overstate coverage. Revoked ids count as their
 * replacement. v19 ids that may succeed a v18 technique are listed as `candidates`, never counted.
 */
import type { AttackData } from './data.js';
import { loadAttack } from './data.js';
import { apt40Techniques, resolveTagsDetailed } from './tags.js';

export interface CoverageRuleInput {
  /** Stable rule key: the Sigma id, or the path when it has none. */
  key: string;
  title: string;
  tags: string[];
  origin: 'pack' | 'loaded';
}

export interface CoveringRule {
  key: string;
  title: string;
  /** The resolved technique id on the rule that made it count (the technique or a sub-technique). */
  via: string[];
}

export interface CoverageEntry {
  id: string;
  name: string;
  /** Tactic short names of the pinned table. */
  tactics: string[];
  sources: Array<'G0065' | 'C0049'>;
  pack: CoveringRule[];
  loaded: CoveringRule[];
  /** Rules tagged with a v19 id that may succeed this technique (hint only, not counted). */
  candidates: CoveringRule[];
  covered: boolean;
}

export interface CoverageSummary {
  /** Techniques in G0065 ∪ C0049. */
  techniques: number;
  covered: number;
  gaps: number;
  coveredByPack: number;
  coveredByLoaded: number;
  /** Rules given, by origin. */
  rules: { pack: number; loaded: number };
  /** Rules that cover at least one APT40 technique. */
  rulesCovering: number;
  /** Rules with no resolvable technique tag at all. */
  rulesWithoutTechnique: number;
}

export interface CoverageReport {
  attackVersion: string;
  /** Sorted by technique id. */
  techniques: CoverageEntry[];
  /** Ids of the techniques no rule covers. */
  gaps: string[];
  summary: CoverageSummary;
  /** Tags that looked like ATT&CK but did not resolve, per rule. */
  unknownTags: Array<{ key: string; tags: string[] }>;
}

function push(list: CoveringRule[], rule: CoverageRuleInput, via: string): void {
  const prev = list.find((r) => r.key === rule.key);
  if (prev) {
    if (!prev.via.includes(via)) prev.via.push(via);
  } else list.push({ key: rule.key, title: rule.title, via: [via] });
}

const byKey = (a: CoveringRule, b: CoveringRule): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Coverage of the APT40 techniques by the given rules. Deterministic for a given input. */
export function coverageTable(
  rules: ReadonlyArray<CoverageRuleInput>,
  data: AttackData = loadAttack(),
): CoverageReport {
  const entries = new Map<string, CoverageEntry>();
  for (const t of apt40Techniques(data)) {
    entries.set(t.id, { ...t, pack: [], loaded: [], candidates: [], covered: false });
  }
  // v18 id -> overlay ids that may succeed it.
  const successors = new Map<string, string[]>();
  for (const t of data.overlayTechniques.values()) {
    for (const old of t.v18Candidates) successors.set(old, [...(successors.get(old) ?? []), t.id]);
  }
  const candidateOf = new Map<string, string[]>();
  for (const [old, next] of successors)
    for (const n of next) candidateOf.set(n, [...(candidateOf.get(n) ?? []), old]);

  const unknownTags: CoverageReport['unknownTags'] = [];
  let rulesCovering = 0;
  let rulesWithoutTechnique = 0;
  for (const rule of rules) {
    const r = resolveTagsDetailed(rule.tags, data);
    if (r.unknown.length) unknownTags.push({ key: rule.key, tags: r.unknown });
    if (r.techniques.length === 0) rulesWithoutTechnique++;
    let covers = false;
    for (const id of r.techniques) {
      const targets = [id];
      const parent = data.techniques.get(id)?.parent;
      if (parent) targets.push(parent);
      for (const target of targets) {
        const e = entries.get(target);
        if (!e) continue;
        push(rule.origin === 'pack' ? e.pack : e.loaded, rule, id);
        covers = true;
      }
      for (const old of candidateOf.get(id) ?? []) {
        const e = entries.get(old);
        if (e) push(e.candidates, rule, id);
      }
    }
    if (covers) rulesCovering++;
  }
  const techniques = [...entries.values()];
  for (const e of techniques) {
    e.pack.sort(byKey);
    e.loaded.sort(byKey);
    e.candidates.sort(byKey);
    e.covered = e.pack.length + e.loaded.length > 0;
  }
  const gaps = techniques.filter((e) => !e.covered).map((e) => e.id);
  return {
    attackVersion: data.attackVersion,
    techniques,
    gaps,
    summary: {
      techniques: techniques.length,
      covered: techniques.length - gaps.length,
      gaps: gaps.length,
      coveredByPack: techniques.filter((e) => e.pack.length > 0).length,
      coveredByLoaded: techniques.filter((e) => e.loaded.length > 0).length,
      rules: {
        pack: rules.filter((r) => r.origin === 'pack').length,
        loaded: rules.filter((r) => r.origin === 'loaded').length,
      },
      rulesCovering,
      rulesWithoutTechnique,
    },
    unknownTags,
  };
}

/** Column names of `coverageRows`, in order. */
export const COVERAGE_COLUMNS = [
  'technique',
  'name',
  'tactics',
  'apt40',
  'pack',
  'loaded',
  'status',
  'rules',
] as const;

export type CoverageRow = Record<(typeof COVERAGE_COLUMNS)[number], string>;

/** One printable row per technique (counts as strings; rule titles joined with `; `). */
export function coverageRows(report: CoverageReport): CoverageRow[] {
  return report.techniques.map((e) => {
    const hint = e.candidates.length ? ` (v19 candidates: ${e.candidates.length})` : '';
    return {
      technique: e.id,
      name: e.name,
      tactics: e.tactics.join(' '),
      apt40: e.sources.join(' '),
      pack: String(e.pack.length),
      loaded: String(e.loaded.length),
      status: e.covered ? 'covered' : `gap${hint}`,
      rules: [...e.pack, ...e.loaded].map((r) => r.title).join('; '),
    };
  });
}

function csvCell(s: string): string {
  // Leading = + - @ would be run as formulas by spreadsheets; rule titles are third-party text.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** RFC 4180 CSV with a header line and CRLF line ends. */
export function coverageCsv(report: CoverageReport): string {
  const lines = [COVERAGE_COLUMNS.join(',')];
  for (const row of coverageRows(report)) lines.push(COVERAGE_COLUMNS.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
