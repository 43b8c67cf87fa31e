/**
 * @module sigma/rule/cache
 * An on-disk cache of loaded rule sets. Reading and parsing thousands of YAML rule files takes
 * seconds (most of a hunt's preparation on SigmaHQ); a rule set that was loaded before from the
 * same files is read back from one `v8.serialize`d file instead. The key covers every rule file's
 * path, size and modification and change times, the load options and this build of Fathom, so an
 * edited, added or removed rule file, or a new Fathom, misses the cache. A missing, unreadable or
 * corrupt cache file is a miss, never an error: the rules are then loaded from their files.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { readCacheEntry, writeCacheEntry } from '../../core/disk-cache.js';
import { listRuleFiles, loadRuleFiles } from './load.js';
import type { LoadOptions, RuleSet } from './types.js';

/** Bump when the shape of a cached `RuleSet` changes in a way the build stamp would not show. */
const CACHE_FORMAT = 1;
/** Cache files kept per directory (the most recently used). */
export const RULE_CACHE_KEEP = 8;
const PREFIX = 'rules-';

/** How a load used the cache: read from it, loaded and stored, or loaded without it. */
export type RuleCacheUse = 'hit' | 'stored' | 'bypassed';

export interface CachedLoad {
  set: RuleSet;
  cache: RuleCacheUse;
  /** The set as `v8.serialize` writes it, when the cache read or wrote it (to hand on without serialising again). */
  serialized?: Uint8Array;
  /** Why the cache was bypassed or could not be written (for a verbose summary). */
  note?: string;
}

/**
 * This build of Fathom: its version and the size and modification time of every module of the
 * Sigma layer (how rules are read). The version tells releases apart even where installs give
 * files a fixed time; the times tell local builds apart.
 */
export function buildStamp(): string {
  stamp ??= computeBuildStamp();
  return stamp;
}

let stamp: string | undefined;

function computeBuildStamp(): string {
  const here = fileURLToPath(import.meta.url);
  const parts: string[] = [];
  let dir = dirname(here);
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
      parts.push(`version ${String(pkg.version)}`);
      break;
    } catch {
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const sigma = dirname(dirname(here));
  const walk = (d: string, depth: number): void => {
    if (depth > 4) return;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.(js|ts)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) {
        const st = statSync(p);
        parts.push(`${e.name} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  try {
    walk(sigma, 0);
  } catch {
    parts.push('unknown');
  }
  return parts.join('\n');
}

function cacheKey(files: readonly string[], opts: LoadOptions): string | null {
  const h = createHash('sha256');
  h.update(`fathom-rules ${CACHE_FORMAT}\n${buildStamp()}\n`);
  h.update(`${JSON.stringify({ ...opts, onDocument: undefined })}\n`);
  for (const f of files) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(f);
    } catch {
      return null; // gone between the walk and now: load from the files
    }
    h.update(`${f}\u0000${st.size}\u0000${st.mtimeMs}\u0000${st.ctimeMs}\n`);
  }
  return h.digest('hex').slice(0, 40);
}

function isRuleSet(v: unknown): v is RuleSet {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['rules', 'correlations', 'filters', 'refused', 'issues'].every((k) => Array.isArray(o[k]));
}

/**
 * Load rule files and directories like `loadRuleFiles`, through the cache in `dir`. Options with
 * a per-document callback (`onDocument`, used by lint) bypass the cache: a cached set has no
 * documents to report.
 */
export async function loadRuleFilesCached(
  paths: string[],
  opts: LoadOptions,
  dir: string,
): Promise<CachedLoad> {
  if (opts.onDocument)
    return { set: await loadRuleFiles(paths, opts), cache: 'bypassed', note: 'per-document report' };
  const { files, errors } = await listRuleFiles(paths);
  const key = errors.length ? null : cacheKey(files, opts);
  if (key === null) {
    return { set: await loadRuleFiles(paths, opts), cache: 'bypassed', note: 'rule paths not all readable' };
  }
  const cached = readCacheEntry(dir, PREFIX, key);
  if (cached) {
    try {
      const v = deserialize(cached) as unknown;
      if (isRuleSet(v)) return { set: v, cache: 'hit', serialized: cached };
    } catch {
      // corrupt: load from the files
    }
  }
  const set = await loadRuleFiles(paths, opts);
  let serialized: Uint8Array;
  try {
    serialized = serialize(set);
  } catch (e) {
    return { set, cache: 'bypassed', note: `cache not written: ${(e as Error).message}` };
  }
  const failed = writeCacheEntry(dir, PREFIX, key, serialized, RULE_CACHE_KEEP);
  if (failed !== null) return { set, cache: 'bypassed', note: `cache not written: ${failed}` };
  return { set, cache: 'stored', serialized };
}
