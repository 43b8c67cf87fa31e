/**
 * @module engine/hunt/matcher
 * Per-event matching: look the event up in the rule index by its own Channel and EventID,
 * build each target's view once, run the compiled matchers, and emit findings and the matches
 * correlations need.
 */
import type { Event, FieldValue } from '../../model/event.js';
import type { Finding } from '../../model/finding.js';
import { makeView, matchesTarget } from '../../sigma/pipeline/index.js';
import type { EventView } from '../../sigma/view.js';
import { keyFieldNames, keyFields, ruleFinding } from './findings.js';
import type { IndexEntry, PreparedRule, PreparedRules } from './prepare.js';

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

const NO_ENTRIES: IndexEntry[] = [];

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
  const { byChannel, other } = prepared.index;
  return {
    match(event: Event): number {
      const byId = byChannel.get(event.channel.toLowerCase());
      const exact = byId?.get(event.eventId) ?? NO_ENTRIES;
      const any = byId?.get(-1) ?? NO_ENTRIES;
      if (exact.length + any.length + other.length === 0) return 0;
      let views: Map<string, EventView> | undefined;
      let matched = 0;
      const run = (list: IndexEntry[]) => {
        for (const entry of list) {
          if (entry.check && !matchesTarget(entry.target, event)) continue;
          views ??= new Map();
          let view = views.get(entry.target.id);
          if (!view) {
            view = makeView(event, entry.target);
            views.set(entry.target.id, view);
          }
          const p = entry.rule;
          if (!p.matcher.match(view)) continue;
          matched++;
          if (p.emits) {
            const fields: Record<string, FieldValue> = keyFields(namesFor(p), view);
            sink.finding(ruleFinding(p, event, fields));
          }
          if (p.correlated) sink.correlationInput({ ruleKey: p.key, targetId: entry.target.id, event });
        }
      };
      run(exact);
      run(any);
      if (other.length) {
        for (const entry of other) {
          if (!matchesTarget(entry.target, event)) continue;
          run([{ ...entry, check: false }]);
        }
      }
      return matched;
    },
  };
}
