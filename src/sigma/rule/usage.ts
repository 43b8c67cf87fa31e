/**
 * @module sigma/rule/usage
 * Which fields each search identifier uses and whether it is only used under `not`: what the
 * logsource/field-mapping applicability check (sigma/pipeline) needs to decide whether a rule can
 * run on a translated source.
 */
import { negatedNames } from '../condition/parse.js';
import type { DetectionNode, SigmaRule } from './types.js';

export interface SelectionFieldUsage {
  readonly selection: string;
  readonly fields: string[];
  /** True when the identifier appears only under an odd number of `not`s. */
  readonly negated: boolean;
  readonly kind: 'map' | 'list-of-maps' | 'keywords';
}

function collect(n: DetectionNode, out: Set<string>): void {
  if (n.kind === 'item') {
    if (n.item.field !== null) out.add(n.item.field);
    for (const v of n.item.values) if (v.kind === 'fieldref') out.add(v.field);
    return;
  }
  for (const x of n.items) collect(x, out);
}

export function ruleFieldUsage(rule: Pick<SigmaRule, 'detection'>): SelectionFieldUsage[] {
  const { positive, negative } = negatedNames(rule.detection.condition);
  const out: SelectionFieldUsage[] = [];
  for (const [name, sel] of rule.detection.selections) {
    const fields = new Set<string>();
    collect(sel.node, fields);
    out.push({
      selection: name,
      fields: [...fields],
      negated: negative.has(name) && !positive.has(name),
      kind: sel.shape,
    });
  }
  return out;
}
