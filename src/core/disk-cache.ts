/**
 * @module core/disk-cache
 * Files of derived data kept between runs (loaded rule sets, parsed mapping files, needle
 * automata): one file per key in a cache directory, written atomically (a temporary file renamed
 * into place), touched when read so that pruning keeps the most recently used. Every failure is a miss: a cache that cannot
 * be read or written only means computing again.
 */

import { randomUUID } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { deserialize } from 'node:v8';

const SUFFIX = '.v8';

/** The path of the entry `key` of kind `prefix` in `dir`. */
function entryPath(dir: string, prefix: string, key: string): string {
  return join(dir, `${prefix}${key}${SUFFIX}`);
}

/** The bytes of an entry, or null when absent or unreadable (a hit is touched). */
export function readCacheEntry(dir: string, prefix: string, key: string): Uint8Array | null {
  const file = entryPath(dir, prefix, key);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // read-only cache: still usable
  }
  return bytes;
}

/**
 * An entry read back with `v8.deserialize`, when it is there and `valid` accepts it; null when it is
 * absent, unreadable, not v8 data or not what `valid` expects (a damaged entry is a miss). With the
 * value come the bytes it was read from.
 */
export function readCachedValue<T>(
  dir: string,
  prefix: string,
  key: string,
  valid: (v: unknown) => v is T,
): { value: T; bytes: Uint8Array } | null {
  const bytes = readCacheEntry(dir, prefix, key);
  if (!bytes) return null;
  try {
    const value = deserialize(bytes) as unknown;
    return valid(value) ? { value, bytes } : null;
  } catch {
    return null;
  }
}

/**
 * Store an entry, then (with `keep`) keep only the `keep` most recently used entries of its kind;
 * a caller storing many entries at once leaves `keep` out and calls `pruneCacheEntries` once.
 * Returns the error message when it could not be written.
 */
export function writeCacheEntry(
  dir: string,
  prefix: string,
  key: string,
  bytes: Uint8Array,
  keep?: number,
): string | null {
  const file = entryPath(dir, prefix, key);
  // Unique per writer: worker threads share the process id and may store the same entry at once.
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
    return (e as Error).message;
  }
  if (keep !== undefined) pruneCacheEntries(dir, prefix, keep);
  return null;
}

/** Keep the `keep` most recently used entries of kind `prefix` in `dir`. */
export function pruneCacheEntries(dir: string, prefix: string, keep: number): void {
  const entries: Array<{ path: string; time: number }> = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith(SUFFIX)) continue;
    const path = join(dir, n);
    try {
      entries.push({ path, time: statSync(path).mtimeMs });
    } catch {
      // removed meanwhile
    }
  }
  entries.sort((a, b) => b.time - a.time);
  for (const e of entries.slice(keep)) {
    try {
      unlinkSync(e.path);
    } catch {
      // another process got there first
    }
  }
}
