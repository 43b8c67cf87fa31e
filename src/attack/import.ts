/**
 * @module attack/import
 * Derives Fathom's compact ATT&CK table from a MITRE STIX bundle (2.0 from mitre/cti, 2.1 from
 * attack-stix-data; `.json` or `.json.gz`) and writes it deterministically. This is the one code
 * path behind `scripts/gen-attack.ts` and `fathom attack import BUNDLE`.
 *
 * Choices: relationships that are revoked or deprecated, or whose ends are, are ignored (as the
 * ATT&CK website does); revoked techniques stay in the table with `revokedBy` so old rule tags
 * still resolve; old-style `course-of-action` objects without an `M####` id are left out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { IssueSink } from '../core/log.js';
import type { Result } from '../core/result.js';
import { err, ok } from '../core/result.js';
import { formatJson } from './json.js';
import type { StixBundle, StixObject } from './stix.js';
import { attackId, isRecord, isRetired, readBundle, str, strList } from './stix.js';
import type {
  AttackCampaign,
  AttackGroup,
  AttackMitigation,
  AttackSoftware,
  AttackTable,
  AttackTactic,
  AttackTechnique,
} from './table.js';
import { ATTACK_TABLE_FORMAT, MITRE_COPYRIGHT } from './table.js';

export interface ImportOptions {
  /** ATT&CK release to record when the bundle does not say (no `x-mitre-collection`, no `-<ver>` file name). */
  attackVersion?: string;
  /** Receives warnings (skipped objects, unknown version); fatal problems come back as `err`. */
  onIssue?: IssueSink;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sorted = (s: Iterable<string>): string[] => [...new Set(s)].sort();

/** ATT&CK version: explicit option, then the collection object, then the file name. */
function detectVersion(bundle: StixBundle, file: string, opts: ImportOptions): string | undefined {
  if (opts.attackVersion) return opts.attackVersion;
  for (const o of bundle.objects) {
    if (o.type === 'x-mitre-collection') {
      const v = str(o, 'x_mitre_version');
      if (v) return v;
    }
  }
  const m = /-(\d+(?:\.\d+)*)\.json(?:\.gz)?$/i.exec(basename(file));
  return m?.[1];
}

/** Build the table from decoded bundle objects. */
export function deriveAttackTable(
  bundle: StixBundle,
  file: string,
  opts: ImportOptions = {},
): Result<AttackTable, Issue> {
  const warn = (code: string, message: string, details?: Record<string, unknown>): void => {
    opts.onIssue?.(issue(code, message, { file }, details, 'warning'));
  };
  for (const i of bundle.skipped) {
    warn('attack-object-skipped', `objects[${i}] has no string "type" and "id"`, { index: i });
  }
  const stix = new Map<string, StixObject>();
  for (const o of bundle.objects) stix.set(o.id, o);
  const extId = new Map<string, string>();
  for (const o of bundle.objects) {
    const id = attackId(o);
    if (id) extId.set(o.id, id);
  }

  // Tactics, ordered by the matrix's tactic_refs (fallback: by id).
  const matrix = bundle.objects.find((o) => o.type === 'x-mitre-matrix' && !isRetired(o));
  const domain = (matrix && attackId(matrix)) ?? 'enterprise-attack';
  const matrixOrder = matrix ? strList(matrix, 'tactic_refs') : [];
  const tactics: AttackTactic[] = [];
  for (const o of bundle.objects) {
    if (o.type !== 'x-mitre-tactic' || o.revoked === true) continue;
    const id = extId.get(o.id);
    const shortname = str(o, 'x_mitre_shortname');
    const name = str(o, 'name');
    if (!id || !shortname || !name) {
      warn('attack-object-skipped', `tactic ${o.id} lacks an ATT&CK id, shortname or name`, { stixId: o.id });
      continue;
    }
    const pos = matrixOrder.indexOf(o.id);
    const t: AttackTactic = { id, shortname, name, order: pos < 0 ? Number.MAX_SAFE_INTEGER : pos + 1 };
    if (o.x_mitre_deprecated === true) t.deprecated = true;
    tactics.push(t);
  }
  tactics.sort((a, b) => a.order - b.order || byId(a, b));
  tactics.forEach((t, i) => {
    t.order = i + 1;
  });
  const tacticRank = new Map(tactics.map((t) => [t.shortname, t.order]));

  // Relationships, keeping only live ones between live objects.
  const live = (ref: string): StixObject | undefined => {
    const o = stix.get(ref);
    return o && !isRetired(o) ? o : undefined;
  };
  const revokedBy = new Map<string, string>();
  const uses = new Map<string, Set<string>>();
  const mitigates = new Map<string, Set<string>>();
  const attributed = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string): void => {
    const s = m.get(k);
    if (s) s.add(v);
    else m.set(k, new Set([v]));
  };
  for (const r of bundle.objects) {
    if (r.type !== 'relationship') continue;
    const type = str(r, 'relationship_type');
    const src = str(r, 'source_ref');
    const dst = str(r, 'target_ref');
    if (!type || !src || !dst) continue;
    if (type === 'revoked-by') {
      const to = extId.get(dst);
      if (to) revokedBy.set(src, to);
      continue;
    }
    if (isRetired(r) || !live(src) || !live(dst)) continue;
    if (type === 'uses') add(uses, src, dst);
    else if (type === 'mitigates') add(mitigates, src, dst);
    else if (type === 'attributed-to') add(attributed, src, dst);
  }
  const idsOfType = (refs: Set<string> | undefined, types: readonly string[]): string[] => {
    const out: string[] = [];
    for (const ref of refs ?? []) {
      const o = stix.get(ref);
      const id = extId.get(ref);
      if (o && id && types.includes(o.type)) out.push(id);
    }
    return sorted(out);
  };

  const techniques: AttackTechnique[] = [];
  const mitigations: AttackMitigation[] = [];
  const software: AttackSoftware[] = [];
  const groups: AttackGroup[] = [];
  const campaigns: AttackCampaign[] = [];
  for (const o of bundle.objects) {
    const id = extId.get(o.id);
    const name = str(o, 'name');
    if (!id || name === undefined) continue;
    const flags = (x: { deprecated?: true; revoked?: true }): void => {
      if (o.x_mitre_deprecated === true) x.deprecated = true;
      if (o.revoked === true) x.revoked = true;
    };
    switch (o.type) {
      case 'attack-pattern': {
        if (!/^T\d{4}(\.\d{3})?$/.test(id)) {
          warn('attack-object-skipped', `attack-pattern ${o.id} has an unexpected id ${id}`, {
            stixId: o.id,
          });
          break;
        }
        const t: AttackTechnique = { id, name, tactics: [], platforms: [] };
        if (o.revoked !== true) {
          const phases = Array.isArray(o.kill_chain_phases) ? o.kill_chain_phases : [];
          const names = phases
            .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p.phase_name === 'string')
            .map((p) => String(p.phase_name));
          t.tactics = [...new Set(names)].sort(
            (a, b) => (tacticRank.get(a) ?? 99) - (tacticRank.get(b) ?? 99) || (a < b ? -1 : 1),
          );
          t.platforms = sorted(strList(o, 'x_mitre_platforms'));
        }
        const dot = id.indexOf('.');
        if (dot > 0) t.parent = id.slice(0, dot);
        flags(t);
        const rb = revokedBy.get(o.id);
        if (o.revoked === true && rb) t.revokedBy = rb;
        techniques.push(t);
        break;
      }
      case 'course-of-action': {
        if (!/^M\d{4}$/.test(id)) break;
        const m: AttackMitigation = {
          id,
          name,
          mitigates: idsOfType(mitigates.get(o.id), ['attack-pattern']),
        };
        if (o.x_mitre_deprecated === true) m.deprecated = true;
        mitigations.push(m);
        break;
      }
      case 'malware':
      case 'tool': {
        const s: AttackSoftware = { id, name, type: o.type };
        flags(s);
        software.push(s);
        break;
      }
      case 'intrusion-set': {
        const g: AttackGroup = {
          id,
          name,
          aliases: strList(o, 'aliases').filter((a) => a !== name),
          techniques: idsOfType(uses.get(o.id), ['attack-pattern']),
          software: idsOfType(uses.get(o.id), ['malware', 'tool']),
        };
        flags(g);
        groups.push(g);
        break;
      }
      case 'campaign': {
        const c: AttackCampaign = {
          id,
          name,
          techniques: idsOfType(uses.get(o.id), ['attack-pattern']),
          software: idsOfType(uses.get(o.id), ['malware', 'tool']),
          groups: idsOfType(attributed.get(o.id), ['intrusion-set']),
        };
        flags(c);
        campaigns.push(c);
        break;
      }
    }
  }
  if (techniques.length === 0) {
    return err(
      issue('attack-bundle-empty', 'the bundle holds no ATT&CK techniques (attack-pattern objects)', {
        file,
      }),
    );
  }
  // ATT&CK ids are unique per type except for revoked duplicates; keep the live one.
  const dedupe = <T extends { id: string; revoked?: true; deprecated?: true }>(list: T[]): T[] => {
    const rank = (x: T): number => (x.revoked ? 2 : 0) + (x.deprecated ? 1 : 0);
    const best = new Map<string, T>();
    for (const x of list) {
      const prev = best.get(x.id);
      if (!prev || rank(x) < rank(prev)) best.set(x.id, x);
    }
    return [...best.values()].sort(byId);
  };
  let attackVersion = detectVersion(bundle, file, opts);
  if (!attackVersion) {
    warn('attack-version-unknown', 'the bundle does not state its ATT&CK version; pass attackVersion');
    attackVersion = 'unknown';
  }
  return ok({
    format: ATTACK_TABLE_FORMAT,
    copyright: MITRE_COPYRIGHT,
    attackVersion,
    source: { bundle: basename(file), bundleId: bundle.id, stixVersion: bundle.stixVersion, domain },
    tactics,
    techniques: dedupe(techniques),
    mitigations: dedupe(mitigations),
    software: dedupe(software),
    groups: dedupe(groups),
    campaigns: dedupe(campaigns),
  });
}

/**
 * Read a STIX bundle (`.json` or `.json.gz`, STIX 2.0 or 2.1) and derive the compact table.
 * Never throws: unreadable, non-gzip-or-JSON, or non-STIX input comes back as `err` with an issue.
 */
export async function importAttackBundle(
  path: string,
  opts: ImportOptions = {},
): Promise<Result<AttackTable, Issue>> {
  const bundle = await readBundle(path);
  if (!bundle.ok) return bundle;
  return deriveAttackTable(bundle.value, path, opts);
}

/** The table as committed: stable key order, one record per line where it fits, trailing newline. */
export function serializeAttackTable(table: AttackTable): string {
  // Rebuild with a fixed key order so output never depends on how the object was assembled.
  const order = <T extends object>(x: T, keys: readonly (keyof T)[]): Partial<T> => {
    const out: Partial<T> = {};
    for (const k of keys) if (x[k] !== undefined) out[k] = x[k];
    return out;
  };
  const fixed = {
    format: table.format,
    copyright: table.copyright,
    attackVersion: table.attackVersion,
    source: order(table.source, ['bundle', 'bundleId', 'stixVersion', 'domain']),
    tactics: table.tactics.map((t) => order(t, ['id', 'shortname', 'name', 'order', 'deprecated'])),
    techniques: table.techniques.map((t) =>
      order(t, ['id', 'name', 'tactics', 'platforms', 'parent', 'deprecated', 'revoked', 'revokedBy']),
    ),
    mitigations: table.mitigations.map((m) => order(m, ['id', 'name', 'mitigates', 'deprecated'])),
    software: table.software.map((s) => order(s, ['id', 'name', 'type', 'deprecated', 'revoked'])),
    groups: table.groups.map((g) =>
      order(g, ['id', 'name', 'aliases', 'techniques', 'software', 'deprecated', 'revoked']),
    ),
    campaigns: table.campaigns.map((c) =>
      order(c, ['id', 'name', 'techniques', 'software', 'groups', 'deprecated', 'revoked']),
    ),
  };
  return formatJson(fixed);
}

/** Write the table to `outPath` (directories created). Returns the number of bytes written. */
export async function writeAttackTable(table: AttackTable, outPath: string): Promise<Result<number, Issue>> {
  const text = serializeAttackTable(table);
  try {
    await mkdir(dirname(outPath), { recursive: true });
    await writeFile(outPath, text, 'utf8');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return err(issue('attack-table-write', `cannot write the ATT&CK table: ${msg}`, { file: outPath }));
  }
  return ok(Buffer.byteLength(text));
}

/** The NOTICE text that travels with a derived table. */
export function renderAttackNotice(table: AttackTable): string {
  return [
    '# ATT&CK data notice',
    '',
    table.copyright,
    '',
    `\`enterprise-attack.json\` in this folder is a subset derived by Fathom from MITRE ATT&CK ${table.source.domain}`,
    `version ${table.attackVersion} (STIX ${table.source.stixVersion} bundle \`${table.source.bundle}\`).`,
    'It keeps identifiers, names, tactics, platforms, status flags and relationship lists; descriptions',
    'and references are not included. MITRE ATT&CK and ATT&CK are registered trademarks of The MITRE Corporation.',
    '',
    'Terms of use: https://attack.mitre.org/resources/legal-and-branding/terms-of-use/',
    '',
    '`v19-overlay.json` is written by the Fathom project (no MITRE text): it lets ATT&CK v19 tags',
    'used by current Sigma rules resolve until a v19 bundle is imported. See `docs/attack.md`.',
    '',
  ].join('\n');
}
