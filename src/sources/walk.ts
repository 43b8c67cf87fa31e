/**
 * @module sources/walk
 * Turning command-line paths into the evidence files to read: directories are walked depth-first
 * with entries in a fixed order (code-unit order of names, independent of locale and file system),
 * so two runs list the same files in the same order. Symbolic links met inside a directory are not
 * followed (reported, so nothing is skipped silently), which also rules out link loops; a path
 * given explicitly is followed. Depth is bounded; unreadable entries become issues.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';

export interface WalkOptions {
  /** Directory levels below a given path to descend (default 32). */
  maxDepth?: number;
  /** Links inside directories are never followed. */
  followSymlinks?: false;
}

/**
 * A file to read (`inDirectory`: found by walking a directory, not named on the command line), or
 * an issue met while walking.
 */
export type WalkItem = { path: string; inDirectory: boolean } | { issue: Issue };

export const DEFAULT_MAX_DEPTH = 32;

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function codeOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

function ioIssue(path: string, what: string, e: unknown): Issue {
  const code = codeOf(e);
  return issue(
    'unreadable',
    `cannot ${what}: ${code || (e instanceof Error ? e.message : String(e))}`,
    { file: path },
    code ? { cause: code } : undefined,
  );
}

/**
 * The files under `paths`, in a deterministic order, and issues for what could not be listed.
 *
 * @example
 * for await (const item of walkEvidence(['evidence/'])) if ('path' in item) read(item.path);
 */
export async function* walkEvidence(
  paths: readonly string[],
  opts: WalkOptions = {},
): AsyncIterable<WalkItem> {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const seen = new Set<string>();
  for (const p of paths) {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(p);
    } catch (e) {
      yield { issue: ioIssue(p, codeOf(e) === 'ENOENT' ? 'find it' : 'stat it', e) };
      continue;
    }
    if (st.isFile()) yield { path: p, inDirectory: false };
    else if (st.isDirectory()) yield* walkDir(p, 0, maxDepth, seen);
    else yield { issue: notRegular(p) };
  }
}

function notRegular(p: string): Issue {
  return issue('not-a-file', 'not a regular file or directory; skipped', { file: p }, undefined, 'warning');
}

async function* walkDir(
  dir: string,
  depth: number,
  maxDepth: number,
  seen: Set<string>,
): AsyncIterable<WalkItem> {
  // Guard against the same directory reached twice (bind mounts, a given path inside another).
  let real = dir;
  try {
    real = await realpath(dir);
  } catch {
    // keep the given path as its identity
  }
  if (seen.has(real)) {
    yield {
      issue: issue('walk-loop', 'directory already visited; skipped', { file: dir }, undefined, 'warning'),
    };
    return;
  }
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    yield { issue: ioIssue(dir, 'list the directory', e) };
    return;
  }
  entries.sort((a, b) => byName(a.name, b.name));
  for (const ent of entries) {
    const p = join(dir, ent.name);
    let isDir = ent.isDirectory();
    let isFile = ent.isFile();
    let isLink = ent.isSymbolicLink();
    if (!isDir && !isFile && !isLink) {
      // Some file systems report no type in the entry; ask.
      try {
        const st = await lstat(p);
        isDir = st.isDirectory();
        isFile = st.isFile();
        isLink = st.isSymbolicLink();
      } catch (e) {
        yield { issue: ioIssue(p, 'stat it', e) };
        continue;
      }
    }
    if (isLink) {
      yield {
        issue: issue(
          'symlink-skipped',
          'symbolic link not followed (name it explicitly to read it)',
          { file: p },
          undefined,
          'info',
        ),
      };
    } else if (isFile) {
      yield { path: p, inDirectory: true };
    } else if (isDir) {
      if (depth + 1 > maxDepth) {
        yield {
          issue: issue(
            'walk-too-deep',
            `directory deeper than ${maxDepth} levels; not walked`,
            { file: p },
            { maxDepth },
            'warning',
          ),
        };
      } else {
        yield* walkDir(p, depth + 1, maxDepth, seen);
      }
    } else {
      yield { issue: notRegular(p) };
    }
  }
}
