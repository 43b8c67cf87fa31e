/**
 * @module attack/data
 * Loading the committed ATT&CK table and the hand-written v19 overlay into indexed, read-only
 * `AttackData`. The package root is found from this module's own location (walking up to the
 * first `package.json`), so it works from `src/` under tsx and from `dist/` after a build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FathomError } from '../core/errors.js';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { Result } from '../core/result.js';
import { err, ok } from '../core/result.js';
import type {
  AttackCampaign,
  AttackGroup,
  AttackSoftware,
  AttackTable,
  AttackTactic,
  AttackTechnique,
} from './table.js';
import { checkAttackTable } from './table.js';

export const OVERLAY_FORMAT = 'fathom-attack-overlay/1';

export interface OverlayTactic {
  shortname: string;
  name: string;
  /** v18 tactic short names this v19 tactic takes over from (`defense-evasion`). */
  replaces: string[];
  source: 'release-notes' | 'observed-in-rules';
}

export interface OverlayTechnique {
  id: string;
  /** Null until confirmed against a v19 bundle. */
  name: string | null;
  parent?: string;
  tactics: string[];
  source: 'observed-in-rules' | 'release-notes';
  /** What the rules carrying the tag detect, in our words. */
  seenOn?: string;
  /** v18 ids the technique may succeed: hints for coverage reports only. */
  v18Candidates: string[];
}

export interface AttackOverlay {
  format: typeof OVERLAY_FORMAT;
  attackVersion: string;
  tactics: OverlayTactic[];
  techniques: OverlayTechnique[];
}

/** The pinned table and the overlay, indexed. Built by `loadAttack`. */
export interface AttackData {
  readonly table: AttackTable;
  readonly overlay: AttackOverlay;
  /** The table's ATT&CK release (`18.1`). */
  readonly attackVersion: string;
  /** Techniques of the table by id (revoked and deprecated included). */
  readonly techniques: ReadonlyMap<string, AttackTechnique>;
  /** Overlay techniques by id, only those the table does not already hold. */
  readonly overlayTechniques: ReadonlyMap<string, OverlayTechnique>;
  /** Table tactics by short name. */
  readonly tactics: ReadonlyMap<string, AttackTactic>;
  /** Tactic short names by `TA####` id. */
  readonly tacticIds: ReadonlyMap<string, string>;
  /** Every tactic short name tags may use: the table's plus the overlay's (v19). */
  readonly tacticNames: ReadonlySet<string>;
  /** A v18 tactic short name -> the v19 names that replace it (`defense-evasion` -> stealth, defense-impairment). */
  readonly tacticSuccessors: ReadonlyMap<string, readonly string[]>;
  readonly groups: ReadonlyMap<string, AttackGroup>;
  readonly campaigns: ReadonlyMap<string, AttackCampaign>;
  readonly software: ReadonlyMap<string, AttackSoftware>;
}

export interface LoadAttackOptions {
  /** Table JSON to load instead of `data/attack/enterprise-attack.json`. */
  tablePath?: string;
  /** Overlay JSON to load instead of `data/attack/v19-overlay.json`. */
  overlayPath?: string;
}

/** The directory holding `package.json` above this module. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new FathomError('package-root-not-found', 'cannot find package.json above the attack module');
}

export function defaultTablePath(): string {
  return join(packageRoot(), 'data', 'attack', 'enterprise-attack.json');
}

export function defaultOverlayPath(): string {
  return join(packageRoot(), 'data', 'attack', 'v19-overlay.json');
}

function readJson(file: string, code: string): Result<unknown, Issue> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err(issue(code, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { file }));
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(issue(code, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file }));
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Structural check of the overlay file. */
export function checkOverlay(v: unknown, file?: string): Result<AttackOverlay, Issue> {
  const loc = file ? { file } : undefined;
  const bad = (path: string, what: string): Issue => issue('attack-overlay-invalid', `${path}: ${what}`, loc);
  if (!isRecord(v) || v.format !== OVERLAY_FORMAT)
    return err(bad('$.format', `expected "${OVERLAY_FORMAT}"`));
  if (typeof v.attackVersion !== 'string') return err(bad('$.attackVersion', 'expected a string'));
  if (!Array.isArray(v.tactics) || !Array.isArray(v.techniques)) {
    return err(bad('$', 'expected "tactics" and "techniques" arrays'));
  }
  const issues: Issue[] = [];
  v.tactics.forEach((t: unknown, i: number) => {
    if (
      !isRecord(t) ||
      typeof t.shortname !== 'string' ||
      typeof t.name !== 'string' ||
      !isStrList(t.replaces)
    ) {
      issues.push(bad(`$.tactics[${i}]`, 'expected {shortname, name, replaces[]}'));
    }
  });
  v.techniques.forEach((t: unknown, i: number) => {
    const okShape =
      isRecord(t) &&
      typeof t.id === 'string' &&
      /^T\d{4}(\.\d{3})?$/.test(t.id) &&
      (t.name === null || typeof t.name === 'string') &&
      isStrList(t.tactics) &&
      isStrList(t.v18Candidates);
    if (!okShape)
      issues.push(bad(`$.techniques[${i}]`, 'expected {id: T####[.###], name, tactics[], v18Candidates[]}'));
  });
  return issues.length ? err(...issues) : ok(v as unknown as AttackOverlay);
}

/** Index a table and an overlay. */
export function buildAttackData(table: AttackTable, overlay: AttackOverlay): AttackData {
  const techniques = new Map(table.techniques.map((t) => [t.id, t]));
  const overlayTechniques = new Map(
    overlay.techniques.filter((t) => !techniques.has(t.id)).map((t) => [t.id, t] as const),
  );
  const tactics = new Map(table.tactics.map((t) => [t.shortname, t]));
  const tacticNames = new Set<string>([...tactics.keys(), ...overlay.tactics.map((t) => t.shortname)]);
  const tacticSuccessors = new Map<string, string[]>();
  for (const t of overlay.tactics) {
    for (const old of t.replaces) {
      const list = tacticSuccessors.get(old) ?? [];
      list.push(t.shortname);
      tacticSuccessors.set(old, list);
    }
  }
  return {
    table,
    overlay,
    attackVersion: table.attackVersion,
    techniques,
    overlayTechniques,
    tactics,
    tacticIds: new Map(table.tactics.map((t) => [t.id, t.shortname])),
    tacticNames,
    tacticSuccessors,
    groups: new Map(table.groups.map((g) => [g.id, g])),
    campaigns: new Map(table.campaigns.map((c) => [c.id, c])),
    software: new Map(table.software.map((s) => [s.id, s])),
  };
}

/** Load and check the table and overlay; every problem comes back as an issue. */
export function safeLoadAttack(opts: LoadAttackOptions = {}): Result<AttackData, Issue> {
  const tablePath = opts.tablePath ?? defaultTablePath();
  const overlayPath = opts.overlayPath ?? defaultOverlayPath();
  const rawTable = readJson(tablePath, 'attack-table-read');
  if (!rawTable.ok) return rawTable;
  const table = checkAttackTable(rawTable.value, tablePath);
  if (!table.ok) return table;
  const rawOverlay = readJson(overlayPath, 'attack-overlay-read');
  if (!rawOverlay.ok) return rawOverlay;
  const overlay = checkOverlay(rawOverlay.value, overlayPath);
  if (!overlay.ok) return overlay;
  return ok(buildAttackData(table.value, overlay.value));
}

let cached: AttackData | undefined;

/**
 * Load the committed ATT&CK table (or `opts.tablePath`) with the v19 overlay. Fail-fast: throws
 * `FathomError('attack-data-invalid')` carrying the issues. Without options the result is cached.
 */
export function loadAttack(opts?: LoadAttackOptions): AttackData {
  const useCache = !opts || (opts.tablePath === undefined && opts.overlayPath === undefined);
  if (useCache && cached) return cached;
  const r = safeLoadAttack(opts);
  if (!r.ok) throw FathomError.fromIssues('attack-data-invalid', r.issues);
  if (useCache) cached = r.value;
  return r.value;
}
