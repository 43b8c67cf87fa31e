/**
 * @module sigma/cache-key
 * Keys of the Sigma layer's on-disk caches (loaded rule sets, parsed mapping files, needle
 * automata): what an entry was made from, plus this build of Fathom, so that a new build never
 * reads what an older one wrote.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  const sigma = dirname(here);
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

/** The key of an entry made from `parts` (each part names what it is, e.g. `rules 1`) by this build. */
export function cacheKey(parts: Iterable<string>): string {
  const h = createHash('sha256');
  h.update(`fathom\n${buildStamp()}\n`);
  // Length-prefixed, so no two lists of parts read alike.
  for (const p of parts) h.update(`${p.length}:${p}\n`);
  return h.digest('hex').slice(0, 40);
}
