/**
 * @module attack/table
 * The shape of Fathom's compact ATT&CK table (`data/attack/enterprise-attack.json`), derived from a
 * MITRE STIX bundle by `attack/import`, and the structural check applied when a table is loaded.
 * The table keeps only what tag resolution, coverage and posture scoring need: ids, names, tactics,
 * platforms, flags and the relationship lists; descriptions and references stay in the bundle.
 */
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { Result } from '../core/result.js';
import { err, ok } from '../core/result.js';

/** Identifies the table layout; bump when a field changes meaning. */
export const ATTACK_TABLE_FORMAT = 'fathom-attack-table/1';

/** The notice MITRE's terms of use require on any copy or derived subset of ATT&CK. */
export const MITRE_COPYRIGHT =
  '© The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.';

export interface AttackTactic {
  /** `TA0002`. */
  id: string;
  /** Kill-chain phase name used in technique `kill_chain_phases`: `execution`. */
  shortname: string;
  name: string;
  /** 1-based column position in the matrix. */
  order: number;
  deprecated?: true;
}

export interface AttackTechnique {
  /** `T1059` or `T1059.001`. */
  id: string;
  name: string;
  /** Tactic short names, in matrix order. Empty for revoked entries. */
  tactics: string[];
  platforms: string[];
  /** For a sub-technique: the parent technique id. */
  parent?: string;
  deprecated?: true;
  revoked?: true;
  /** For a revoked technique: the id that replaced it, when the bundle says. */
  revokedBy?: string;
}

export interface AttackMitigation {
  /** `M1032`. */
  id: string;
  name: string;
  /** Technique ids this mitigation `mitigates`, sorted. */
  mitigates: string[];
  deprecated?: true;
}

export interface AttackSoftware {
  /** `S0154`. */
  id: string;
  name: string;
  type: 'malware' | 'tool';
  deprecated?: true;
  revoked?: true;
}

export interface AttackGroup {
  /** `G0065`. */
  id: string;
  name: string;
  aliases: string[];
  /** Techniques the group `uses`, sorted. */
  techniques: string[];
  /** Software the group `uses`, sorted. */
  software: string[];
  deprecated?: true;
  revoked?: true;
}

export interface AttackCampaign {
  /** `C0049`. */
  id: string;
  name: string;
  techniques: string[];
  software: string[];
  /** Groups the campaign is `attributed-to`. */
  groups: string[];
  deprecated?: true;
  revoked?: true;
}

export interface AttackSource {
  /** File name of the bundle the table was derived from (no directory). */
  bundle: string;
  /** The bundle's STIX `id`. */
  bundleId: string;
  stixVersion: '2.0' | '2.1';
  /** `enterprise-attack`, from the matrix object. */
  domain: string;
}

export interface AttackTable {
  format: typeof ATTACK_TABLE_FORMAT;
  copyright: string;
  /** ATT&CK release of the bundle, e.g. `18.1`. */
  attackVersion: string;
  source: AttackSource;
  tactics: AttackTactic[];
  techniques: AttackTechnique[];
  mitigations: AttackMitigation[];
  software: AttackSoftware[];
  groups: AttackGroup[];
  campaigns: AttackCampaign[];
}

/** Per table list: the string-array fields every element must carry. */
const REQUIRED_LISTS = {
  tactics: [],
  techniques: ['tactics', 'platforms'],
  mitigations: ['mitigates'],
  software: [],
  groups: ['aliases', 'techniques', 'software'],
  campaigns: ['techniques', 'software', 'groups'],
} as const satisfies Record<string, readonly string[]>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Structural check of a parsed table: top-level fields and the element types the code relies on.
 * Returns the first problems found (bounded), each naming the JSON path.
 */
export function checkAttackTable(v: unknown, file?: string): Result<AttackTable, Issue> {
  const loc = file ? { file } : undefined;
  const bad = (path: string, what: string): Issue =>
    issue('attack-table-invalid', `${path}: ${what}`, loc, { path });
  if (!isRecord(v)) return err(bad('$', 'expected an object'));
  if (v.format !== ATTACK_TABLE_FORMAT) {
    return err(bad('$.format', `expected "${ATTACK_TABLE_FORMAT}", found ${JSON.stringify(v.format)}`));
  }
  const issues: Issue[] = [];
  for (const k of ['copyright', 'attackVersion'] as const) {
    if (typeof v[k] !== 'string') issues.push(bad(`$.${k}`, 'expected a string'));
  }
  if (!isRecord(v.source)) issues.push(bad('$.source', 'expected an object'));
  const lists = ['tactics', 'techniques', 'mitigations', 'software', 'groups', 'campaigns'] as const;
  for (const k of lists) {
    const arr = v[k];
    if (!Array.isArray(arr)) {
      issues.push(bad(`$.${k}`, 'expected an array'));
      continue;
    }
    for (let i = 0; i < arr.length && issues.length < 20; i++) {
      const el: unknown = arr[i];
      if (!isRecord(el) || typeof el.id !== 'string' || typeof el.name !== 'string') {
        issues.push(bad(`$.${k}[${i}]`, 'expected an object with string id and name'));
        continue;
      }
      for (const f of REQUIRED_LISTS[k]) {
        if (!(Array.isArray(el[f]) && (el[f] as unknown[]).every((x) => typeof x === 'string'))) {
          issues.push(bad(`$.${k}[${i}].${f}`, 'expected an array of strings'));
        }
      }
    }
  }
  if (issues.length) return err(...issues);
  return ok(v as unknown as AttackTable);
}
