/**
 * @module core/ids
 * Deterministic identifiers: finding ids are hashes of what they are about, never random,
 * so two runs over the same evidence produce the same ids (style rule 7).
 */
import { createHash } from 'node:crypto';

/** A stable 16-byte hex id from the given parts (joined with a unit separator). */
export function stableId(...parts: ReadonlyArray<string | number | undefined | null>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(p === undefined || p === null ? '\u0000' : String(p));
    h.update('\u001f');
  }
  return h.digest('hex').slice(0, 32);
}
