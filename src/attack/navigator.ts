/**
 * @module attack/navigator
 * Coverage as an ATT&CK Navigator layer (layer format 4.5). Each APT40 technique gets one entry
 * per tactic it sits under, scored with its rule count and coloured by band; parents of scored
 * sub-techniques get an unscored entry with `showSubtechniques` so the sub-technique is visible.
 */
import type { CoverageReport } from './coverage.js';
import type { AttackData } from './data.js';
import { loadAttack } from './data.js';

export const LAYER_FORMAT_VERSION = '4.5';
/** Navigator release the layer is written for (any 5.x reads format 4.5). */
export const NAVIGATOR_VERSION = '5.3.2';

/** Colour bands: no rule, one rule, two rules, three or more. */
export const COVERAGE_COLORS = {
  gap: '#ff6666',
  one: '#ffe766',
  two: '#c5e06b',
  many: '#8ec843',
} as const;

export interface NavigatorLayerOptions {
  name: string;
  description?: string;
}

interface MetadataItem {
  name?: string;
  value?: string;
  divider?: boolean;
}

export interface NavigatorTechnique {
  techniqueID: string;
  /** Omitted only for a technique the table gives no tactic (then Navigator applies it to all). */
  tactic?: string;
  score?: number;
  /** Omitted on unscored parent entries that only expand their sub-techniques. */
  color?: string;
  comment: string;
  enabled: boolean;
  metadata: MetadataItem[];
  links: Array<{ label: string; url: string }>;
  showSubtechniques: boolean;
}

export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: string;
  description: string;
  filters: { platforms: string[] };
  sorting: 0 | 1 | 2 | 3;
  layout: {
    layout: 'side' | 'flat' | 'mini';
    aggregateFunction: 'average' | 'min' | 'max' | 'sum';
    showID: boolean;
    showName: boolean;
    showAggregateScores: boolean;
    countUnscored: boolean;
    expandedSubtechniques: 'none' | 'annotated' | 'all';
  };
  hideDisabled: boolean;
  techniques: NavigatorTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: Array<{ label: string; color: string }>;
  metadata: MetadataItem[];
  links: Array<{ label: string; url: string }>;
  showTacticRowBackground: boolean;
  tacticRowBackground: string;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
  selectVisibleTechniques: boolean;
}

function colorFor(score: number): string {
  if (score <= 0) return COVERAGE_COLORS.gap;
  if (score === 1) return COVERAGE_COLORS.one;
  if (score === 2) return COVERAGE_COLORS.two;
  return COVERAGE_COLORS.many;
}

/**
 * The report as a Navigator layer (format 4.5). `versions.attack` is the major ATT&CK release of
 * the pinned data (`18`), the form Navigator matches against its loaded versions.
 */
export function toNavigatorLayer(
  report: CoverageReport,
  opts: NavigatorLayerOptions,
  data: AttackData = loadAttack(),
): NavigatorLayer {
  const techniques: NavigatorTechnique[] = [];
  const listed = new Set<string>();
  for (const e of report.techniques) {
    const score = e.pack.length + e.loaded.length;
    const metadata: MetadataItem[] = [];
    for (const r of e.pack) metadata.push({ name: 'pack rule', value: `${r.title} (${r.key})` });
    if (e.pack.length && e.loaded.length) metadata.push({ divider: true });
    for (const r of e.loaded) metadata.push({ name: 'loaded rule', value: `${r.title} (${r.key})` });
    for (const r of e.candidates) {
      metadata.push({ name: 'v19 candidate', value: `${r.title} (${r.key}, ${r.via.join(' ')})` });
    }
    const comment =
      `APT40 (${e.sources.join(', ')}): ` +
      (score
        ? `${score} rule${score === 1 ? '' : 's'} (${e.pack.length} pack, ${e.loaded.length} loaded)`
        : 'gap: no rule');
    const tactics: Array<string | undefined> = e.tactics.length ? e.tactics : [undefined];
    for (const tactic of tactics) {
      techniques.push({
        techniqueID: e.id,
        ...(tactic ? { tactic } : {}),
        score,
        color: colorFor(score),
        comment,
        enabled: true,
        metadata,
        links: [],
        showSubtechniques: false,
      });
      listed.add(`${e.id}|${tactic ?? ''}`);
    }
  }
  // Expand parents so listed sub-techniques show; add an unscored parent entry where needed.
  for (const e of report.techniques) {
    const parent = data.techniques.get(e.id)?.parent;
    if (!parent) continue;
    for (const tactic of e.tactics) {
      const existing = techniques.find((t) => t.techniqueID === parent && t.tactic === tactic);
      if (existing) existing.showSubtechniques = true;
      else if (!listed.has(`${parent}|${tactic}`)) {
        listed.add(`${parent}|${tactic}`);
        techniques.push({
          techniqueID: parent,
          tactic,
          comment: '',
          enabled: true,
          metadata: [],
          links: [],
          showSubtechniques: true,
        });
      }
    }
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  techniques.sort((a, b) => cmp(a.techniqueID, b.techniqueID) || cmp(a.tactic ?? '', b.tactic ?? ''));
  const maxScore = Math.max(3, ...report.techniques.map((e) => e.pack.length + e.loaded.length));
  const platforms = new Set<string>();
  for (const t of data.table.techniques) {
    if (!t.revoked && !t.deprecated) for (const p of t.platforms) platforms.add(p);
  }
  const s = report.summary;
  return {
    name: opts.name,
    versions: {
      attack: report.attackVersion.split('.')[0] || report.attackVersion,
      navigator: NAVIGATOR_VERSION,
      layer: LAYER_FORMAT_VERSION,
    },
    domain: data.table.source.domain || 'enterprise-attack',
    description:
      opts.description ??
      `APT40 (G0065 ∪ C0049) coverage: ${s.covered} of ${s.techniques} techniques covered, ${s.gaps} gaps.`,
    filters: { platforms: [...platforms].sort() },
    sorting: 0,
    layout: {
      layout: 'side',
      aggregateFunction: 'average',
      showID: true,
      showName: true,
      showAggregateScores: false,
      countUnscored: false,
      expandedSubtechniques: 'annotated',
    },
    hideDisabled: false,
    techniques,
    gradient: {
      colors: [COVERAGE_COLORS.gap, COVERAGE_COLORS.one, COVERAGE_COLORS.many],
      minValue: 0,
      maxValue: maxScore,
    },
    legendItems: [
      { label: 'APT40 technique, no rule', color: COVERAGE_COLORS.gap },
      { label: '1 rule', color: COVERAGE_COLORS.one },
      { label: '2 rules', color: COVERAGE_COLORS.two },
      { label: '3 or more rules', color: COVERAGE_COLORS.many },
    ],
    metadata: [
      { name: 'generator', value: 'fathom rules coverage' },
      { name: 'ATT&CK data', value: `${data.table.source.bundle} (${data.attackVersion})` },
      { name: 'covered', value: `${s.covered}/${s.techniques}` },
    ],
    links: [],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
  };
}
