/**
 * @module test/utils/corpus
 * Where the shared third-party test corpus is: `FATHOM_CORPUS`, else `<repo>/../shared/corpus`.
 * Tests read it in place and skip with `skipped: corpus not found` when it is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const candidate = process.env.FATHOM_CORPUS ?? resolve(repoRoot, '..', 'shared', 'corpus');

/** The corpus directory, or null when it is not there. */
export const corpusDir: string | null = existsSync(candidate) ? candidate : null;

/** True when the corpus is present. */
export const corpusAvailable = corpusDir !== null;

/** A path inside the corpus (only meaningful when `corpusDir` is not null). */
export function corpusPath(...parts: string[]): string {
  return join(corpusDir ?? candidate, ...parts);
}
