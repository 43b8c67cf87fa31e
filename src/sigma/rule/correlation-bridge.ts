/**
 * @module sigma/rule/correlation-bridge
 * Hands correlation documents to `sigma/correlate`. Until that parser is wired in, a correlation
 * document is kept raw (with its location) so nothing is lost.
 */
import type { Issue } from '../../core/issue.js';
import type { SigmaCorrelation } from './types.js';
import type { LNode } from './yaml.js';
import { toPlain } from './yaml.js';

export type CorrelationParse =
  | { ok: true; value: SigmaCorrelation }
  | { ok: false; issues: readonly Issue[]; raw: Record<string, unknown> };

export function parseCorrelation(root: LNode & { kind: 'map' }, file: string): CorrelationParse {
  const raw = toPlain(root) as Record<string, unknown>;
  return { ok: true, value: { kind: 'correlation', raw, file, line: root.pos.line, col: root.pos.col } };
}
