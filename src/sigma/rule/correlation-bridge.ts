/**
 * @module sigma/rule/correlation-bridge
 * Hands correlation documents (a top-level `correlation` key) to `sigma/correlate`, which owns
 * their model and validation; its notices become the document's warnings.
 */
import type { Issue } from '../../core/issue.js';
import { parseCorrelationDocument } from '../correlate/index.js';
import type { SigmaCorrelation } from './types.js';
import type { LNode } from './yaml.js';
import { toPlain } from './yaml.js';

export type CorrelationParse =
  | { ok: true; value: SigmaCorrelation; warnings: readonly Issue[]; raw: Record<string, unknown> }
  | { ok: false; issues: readonly Issue[]; raw: Record<string, unknown> };

export function parseCorrelation(root: LNode & { kind: 'map' }, file: string): CorrelationParse {
  const raw = toPlain(root) as Record<string, unknown>;
  const r = parseCorrelationDocument(raw, { file, line: root.pos.line, col: root.pos.col });
  if (!r.ok) return { ok: false, issues: r.issues, raw };
  return { ok: true, value: r.value, warnings: r.value.notices, raw };
}
