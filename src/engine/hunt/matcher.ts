/**
 * @module engine/hunt/matcher
 * Per-event matching: look the event up in the rule index by its own Channel and EventID,
 * build each target's view once, pick candidate rules through the needles their literal
 * prefilters found in the event (rules without a prefilter always run), run their compiled
 * matchers, and emit findings and the matches correlations need.
 */
import type { Event } from '../../model/event.js';
import type { Finding } from '../../model/finding.js';
import { makeView, matchesTarget } from '../../sigma/pipeline/index.js';
import type { EventView } from '../../sigma/view.js';
import { keyFieldNames, keyFields, ruleFinding } from './findings.js';
import type { PreparedRule, PreparedRules, TargetGroup } from './prepare.js';

/** A match a correlation consumes, in a form that crosses worker threads (plain data). */
export interface CorrelationInput {
  ruleKey: string;
  targetId: string;
  event: Event;
}

export interface MatchSink {
  finding(f: Finding): void;
  correlationInput(m: CorrelationInput): void;
}

export interface EventMatcher {
  /** Match one event; returns how many rules matched. */
  match(event: Event): number;
}

const NO_GROUPS: TargetGroup[] = [];

/**
 * The EventID rules see (the `EventID` field: the event's own, unless its data carries a field of
 * that name, which wins as in `getField`), as the number routed rules are keyed by; null when that
 * field is not one plain number, so every routed rule of the channel must run.
 */
export function routeKey(event: Event): number | null {
  if (!Object.hasOwn(event.fields, 'EventID')) return event.eventId;
  const v = event.fields.EventID;
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^(0|[1-9]\d{0,9})$/.test(v)) return Number(v);
  return null;
}

export function createEventMatcher(prepared: PreparedRules, sink: MatchSink): EventMatcher {
  const fieldNames = new Map<PreparedRule, string[]>();
  const namesFor = (p: PreparedRule) => {
    let n = fieldNames.get(p);
    if (!n) {
      n = keyFieldNames(p.rule);
      fieldNames.set(p, n);
    }
    return n;
  };
  // Per-event marks so a rule found through several needles runs once.
  const marks = new Uint32Array(prepared.rules.length);
  let epoch = 0;
  const candidates: PreparedRule[] = [];
  const { byChannel, routed, routedAll, other } = prepared.index;
  const needles = prepared.needles;

  // `indexed`: the rule was picked because one of its prefilter needles occurs in its field, so
  // its own prefilter check would only repeat that work.
  const runRule = (
    p: PreparedRule,
    event: Event,
    view: EventView,
    targetId: string,
    indexed: boolean,
  ): boolean => {
    if (!(indexed ? p.matcher.matchBody(view) : p.matcher.match(view))) return false;
    if (p.emits) sink.finding(ruleFinding(p, event, keyFields(namesFor(p), view)));
    if (p.correlated) sink.correlationInput({ ruleKey: p.key, targetId, event });
    return true;
  };

  const runGroup = (g: TargetGroup, event: Event): number => {
    if (g.check && !matchesTarget(g.target, event)) return 0;
    const view = makeView(event, g.target);
    let matched = 0;
    for (const p of g.always) if (runRule(p, event, view, g.target.id, false)) matched++;
    if (!g.byField.length) return matched;
    epoch = (epoch + 1) >>> 0;
    if (epoch === 0) {
      marks.fill(0);
      epoch = 1;
    }
    // Overwritten in place (`length = 0` would drop the array's storage every event).
    let count = 0;
    for (const f of g.byField) {
      // The scan lists each needle found once; it is shared with the rules' own substring tests.
      needles.ensureScanned(view, f.probe);
      const { found, foundCount } = f.table;
      for (let h = 0; h < foundCount; h++) {
        const owners = f.owners.get(found[h] as number);
        if (!owners) continue;
        for (let k = 0; k < owners.length; k++) {
          const p = owners[k] as PreparedRule;
          if (marks[p.seq] !== epoch) {
            marks[p.seq] = epoch;
            candidates[count++] = p;
          }
        }
      }
    }
    for (let i = 0; i < count; i++) {
      if (runRule(candidates[i] as PreparedRule, event, view, g.target.id, true)) matched++;
    }
    return matched;
  };

  return {
    match(event: Event): number {
      const channel = event.channel.toLowerCase();
      const byId = byChannel.get(channel);
      let matched = 0;
      if (byId) {
        for (const g of byId.get(event.eventId) ?? NO_GROUPS) matched += runGroup(g, event);
        for (const g of byId.get(-1) ?? NO_GROUPS) matched += runGroup(g, event);
      }
      const byRoute = routed.get(channel);
      if (byRoute) {
        const key = routeKey(event);
        const groups = key === null ? routedAll.get(channel) : byRoute.get(key);
        for (const g of groups ?? NO_GROUPS) matched += runGroup(g, event);
      }
      for (const g of other) {
        if (!g.check && !matchesTarget(g.target, event)) continue;
        matched += runGroup(g, event);
      }
      return matched;
    },
  };
}
