/**
 * @module sigma/rule/cache
 * An on-disk cache of loaded rule sets. Reading and parsing thousands of YAML rule files takes
 * seconds (most of a hunt's preparation on SigmaHQ); a rule set that was loaded before from the
 * same files is read back from one `v8.serialize`d file instead. The key covers every rule file's
 * path, size and modification and change times, the load options and this build of Fathom, so an
 * edited, added or removed rule file, or a new Fathom, misses the cache. A missing, unreadable or
 * corrupt cache file is a miss, never an error: the rules are then loaded from their files.
 */
import { statSync } from 'node:fs';
import { serialize } from 'node:v8';
import { readCachedValue, writeCacheEntry } from '../../core/disk-cache.js';
import { cacheKey } from '../cache-key.js';
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

function ruleSetKey(files: readonly string[], opts: LoadOptions): string | null {
  const parts = [`rules ${CACHE_FORMAT}`, JSON.stringify({ ...opts, onDocument: undefined })];
  for (const f of files) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(f);
    } catch {
      return null; // gone between the walk and now: load from the files
    }
    parts.push(`${f}\u0000${st.size}\u0000${st.mtimeMs}\u0000${st.ctimeMs}`);
  }
  return cacheKey(parts);
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
  const key = errors.length ? null : ruleSetKey(files, opts);
  if (key === null) {
    return { set: await loadRuleFiles(paths, opts), cache: 'bypassed', note: 'rule paths not all readable' };
  }
  const cached = readCachedValue(dir, PREFIX, key, isRuleSet);
  if (cached) return { set: cached.value, cache: 'hit', serialized: cached.bytes };
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
