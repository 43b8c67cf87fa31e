/**
 * @module engine/ruletest/match
 * Does a detection rule fire on one event, and through which logsource targets: the event must
 * meet the target's Channel/EventID preconditions, the rule must be applicable to the target
 * (no selection on a field the target lacks), and the compiled matcher and the interpreter must
 * agree (a disagreement is recorded as an engine bug).
 */
import type { Event } from '../../model/event.js';
import type { RuleMatcher } from '../../sigma/compile/index.js';
import { compileRule } from '../../sigma/compile/index.js';
import { interpretRule } from '../../sigma/match/index.js';
import type { LogsourceTarget, SelectionUsage } from '../../sigma/pipeline/index.js';
import { checkApplicability, makeView, matchesTarget } from '../../sigma/pipeline/index.js';
import type { SigmaRule } from '../../sigma/rule/index.js';
import { ruleFieldUsage } from '../../sigma/rule/index.js';
import type { EventView } from '../../sigma/view.js';

export interface DetectionMatcher {
  readonly rule: SigmaRule;
  readonly matcher: RuleMatcher;
  readonly targets: readonly LogsourceTarget[];
  readonly usage: readonly SelectionUsage[];
}

export function detectionMatcher(rule: SigmaRule, targets: readonly LogsourceTarget[]): DetectionMatcher {
  return { rule, matcher: compileRule(rule), targets, usage: ruleFieldUsage(rule) };
}

export interface Firing {
  readonly targetId: string;
  readonly view: EventView;
}

/** The targets (with their views) through which the rule fires on the event. */
export function firings(m: DetectionMatcher, event: Event, disagreements: string[]): Firing[] {
  const out: Firing[] = [];
  for (const t of m.targets) {
    if (!matchesTarget(t, event)) continue;
    if (!checkApplicability(m.usage, t).applies) continue;
    const view = makeView(event, t);
    const fast = m.matcher.match(view);
    const slow = interpretRule(m.rule, view);
    if (fast !== slow) disagreements.push(`${t.id}: compiled=${fast} interpreted=${slow}`);
    if (fast || slow) out.push({ targetId: t.id, view });
  }
  return out;
}

/** Ids of the targets through which the rule fires on the event. */
export function firesVia(m: DetectionMatcher, event: Event, disagreements: string[]): string[] {
  return firings(m, event, disagreements).map((f) => f.targetId);
}
