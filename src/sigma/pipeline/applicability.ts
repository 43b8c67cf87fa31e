/**
 * @module sigma/pipeline/applicability
 * Whether a rule can run on a logsource target at all, given the fields its selections use
 * and the fields the target has no equivalent for (sigma.md §8, "Rule policy for translation").
 * A rule that would silently lose part of a selection is refused on that target, with the reason.
 */
import type { LogsourceTarget } from './types.js';

/** How one selection of a rule uses fields (produced by the core's `ruleFieldUsage`). */
export interface SelectionUsage {
  selection: string;
  fields: string[];
  /** The selection appears under `not` in the condition (an exclusion). */
  negated: boolean;
  kind: 'map' | 'list-of-maps' | 'keywords';
}

export interface Applicability {
  applies: boolean;
  reason?: string;
}

const unavailableLower = new WeakMap<LogsourceTarget, Set<string>>();

function unavailableOf(t: LogsourceTarget): Set<string> {
  let s = unavailableLower.get(t);
  if (!s) {
    s = new Set(t.unavailableFields.map((f) => f.toLowerCase()));
    unavailableLower.set(t, s);
  }
  return s;
}

/** The field name without modifiers (`Image|endswith` → `Image`). */
function bare(field: string): string {
  const bar = field.indexOf('|');
  return (bar < 0 ? field : field.slice(0, bar)).toLowerCase();
}

/**
 * The test, applied to every selection, filters included:
 * - a map selection fails if ANY of its fields has no equivalent on the target;
 * - a list of maps fails if ALL of its fields have none (the other alternatives still work,
 *   so only recall is lost), except under `not`, where it fails if ANY has none: dropping
 *   part of an exclusion would turn excluded events into false positives;
 * - keyword selections always apply.
 * @example checkApplicability([{selection: 'sel', fields: ['OriginalFileName'], negated: false, kind: 'map'}], t4688)
 *   // { applies: false, reason: "selection 'sel' uses OriginalFileName, which security-4688 events do not carry" }
 */
export function checkApplicability(usage: readonly SelectionUsage[], target: LogsourceTarget): Applicability {
  const missing = unavailableOf(target);
  if (missing.size === 0) return { applies: true };
  for (const u of usage) {
    if (u.kind === 'keywords' || u.fields.length === 0) continue;
    const lost = u.fields.filter((f) => missing.has(bare(f))).map((f) => f.split('|')[0] ?? f);
    if (lost.length === 0) continue;
    const names = [...new Set(lost)].join(', ');
    if (u.kind === 'map') {
      return {
        applies: false,
        reason: `selection '${u.selection}' uses ${names}, which ${target.id} events do not carry`,
      };
    }
    if (u.negated) {
      return {
        applies: false,
        reason: `exclusion '${u.selection}' uses ${names}, which ${target.id} events do not carry; dropping part of an exclusion would create false positives`,
      };
    }
    if (lost.length === u.fields.length) {
      return {
        applies: false,
        reason: `every alternative of selection '${u.selection}' uses fields ${target.id} events do not carry (${names})`,
      };
    }
  }
  return { applies: true };
}
