/**
 * @module attack/tags
 * Sigma `attack.*` tag resolution against the pinned ATT&CK data: techniques upper-cased
 * (`T1059.001`), tactics as short names with v19 names where v19 renamed (`defense-evasion` ->
 * `stealth` + `defense-impairment`), v1 underscores accepted (`defense_evasion`), revoked technique
 * ids followed to their replacement. Attack-looking tags that do not resolve are kept verbatim in
 * `unknown`: never dropped.
 */
import type { AttackRef } from '../model/finding.js';
import type { AttackData } from './data.js';
import { loadAttack } from './data.js';

export const APT40_GROUP = 'G0065';
export const APT40_CAMPAIGN = 'C0049';

/** `resolveTags` plus the group, software and campaign ids the tags name. */
export interface ResolvedTags extends AttackRef {
  unknown: string[];
  groups: string[];
  software: string[];
  campaigns: string[];
}

const TECHNIQUE = /^t\d{4}(\.\d{3})?$/;

/** Full resolution, including groups (`attack.g0065`), software (`attack.s0154`) and campaigns. */
export function resolveTagsDetailed(tags: readonly string[], data: AttackData = loadAttack()): ResolvedTags {
  const techniques = new Set<string>();
  const tactics = new Set<string>();
  const unknown = new Set<string>();
  const groups = new Set<string>();
  const software = new Set<string>();
  const campaigns = new Set<string>();
  const addTactic = (name: string): void => {
    const next = data.tacticSuccessors.get(name);
    if (next?.length) for (const n of next) tactics.add(n);
    else tactics.add(name);
  };
  for (const tag of tags) {
    if (typeof tag !== 'string') continue;
    const lower = tag.trim().toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const rest = lower.slice('attack.'.length);
    if (TECHNIQUE.test(rest)) {
      const id = rest.toUpperCase();
      const t = data.techniques.get(id);
      if (t) techniques.add(t.revoked && t.revokedBy ? t.revokedBy : id);
      else if (data.overlayTechniques.has(id)) techniques.add(id);
      else unknown.add(tag);
      continue;
    }
    const upper = rest.toUpperCase();
    if (/^TA\d{4}$/.test(upper)) {
      const name = data.tacticIds.get(upper);
      if (name) addTactic(name);
      else unknown.add(tag);
      continue;
    }
    if (/^[GSC]\d{4}$/.test(upper)) {
      const [map, out] =
        upper[0] === 'G'
          ? [data.groups, groups]
          : upper[0] === 'S'
            ? [data.software, software]
            : [data.campaigns, campaigns];
      if (map.has(upper)) out.add(upper);
      else unknown.add(tag);
      continue;
    }
    const name = rest.replaceAll('_', '-');
    if (data.tacticNames.has(name)) addTactic(name);
    else unknown.add(tag);
  }
  return {
    techniques: [...techniques],
    tactics: [...tactics],
    unknown: [...unknown],
    groups: [...groups],
    software: [...software],
    campaigns: [...campaigns],
  };
}

/**
 * Resolve Sigma tags to an `AttackRef` (for `Finding.attack`). Non-`attack.` tags are ignored;
 * `unknown` is present only when something did not resolve.
 * @example resolveTags(['attack.execution', 'attack.t1059.001']) // {techniques: ['T1059.001'], tactics: ['execution']}
 */
export function resolveTags(tags: readonly string[], data: AttackData = loadAttack()): AttackRef {
  const r = resolveTagsDetailed(tags, data);
  const ref: AttackRef = { techniques: r.techniques, tactics: r.tactics };
  if (r.unknown.length) ref.unknown = r.unknown;
  return ref;
}

/** Technique name (`T1059.001` -> `PowerShell`); undefined when unknown or not yet confirmed (v19 overlay). */
export function techniqueName(id: string, data: AttackData = loadAttack()): string | undefined {
  const key = id.trim().toUpperCase();
  return data.techniques.get(key)?.name ?? data.overlayTechniques.get(key)?.name ?? undefined;
}

/** `T1003.001` -> `OS Credential Dumping: LSASS Memory`, as ATT&CK writes sub-technique titles. */
export function techniqueTitle(id: string, data: AttackData = loadAttack()): string | undefined {
  const key = id.trim().toUpperCase();
  const name = techniqueName(key, data);
  const parent = data.techniques.get(key)?.parent;
  const parentName = parent ? techniqueName(parent, data) : undefined;
  return name && parentName ? `${parentName}: ${name}` : name;
}

export interface Apt40Technique {
  id: string;
  name: string;
  /** Tactic short names of the pinned table (v18.1 names), in matrix order. */
  tactics: string[];
  sources: Array<'G0065' | 'C0049'>;
}

/** The APT40 overlay set: techniques of group G0065 ∪ campaign C0049, sorted by id (70 in v18.1). */
export function apt40Techniques(data: AttackData = loadAttack()): Apt40Technique[] {
  const sources = new Map<string, Array<'G0065' | 'C0049'>>();
  for (const id of data.groups.get(APT40_GROUP)?.techniques ?? []) sources.set(id, [APT40_GROUP]);
  for (const id of data.campaigns.get(APT40_CAMPAIGN)?.techniques ?? []) {
    sources.set(id, [...(sources.get(id) ?? []), APT40_CAMPAIGN]);
  }
  return [...sources.keys()].sort().map((id) => {
    const t = data.techniques.get(id);
    return { id, name: t?.name ?? id, tactics: t?.tactics ?? [], sources: sources.get(id) ?? [] };
  });
}
