/**
 * @module test/utils/correlation
 * Test helpers for correlations: build base-rule matches over plain events and a rule resolver.
 * Used by this folder's tests and by the conformance tables.
 */
import { parse, parseAllDocuments } from 'yaml';
import type { Event, FieldValue } from '../../src/model/event.js';
import type { BaseRuleMatch, ResolveRule, SigmaCorrelation } from '../../src/sigma/correlate/index.js';
import { parseCorrelationDocument } from '../../src/sigma/correlate/index.js';
import { plainView } from '../../src/sigma/view.js';

const T0 = Date.parse('2024-05-01T00:00:00Z');

/** A match of rule `rule` at `sec` seconds after a fixed origin, with these event fields. */
export function match(rule: string, sec: number, fields: Record<string, FieldValue> = {}): BaseRuleMatch {
  const timeMs = T0 + sec * 1000;
  const event: Event = {
    kind: 'evtx',
    timestamp: new Date(timeMs).toISOString(),
    channel: 'Security',
    provider: 'test',
    eventId: 0,
    recordId: null,
    computer: typeof fields.Computer === 'string' ? fields.Computer : 'PC01',
    fields,
    source: { file: 'built', offset: 0 },
  };
  return { ruleKey: rule, ruleName: rule, timeMs, view: plainView(event) };
}

/** Seconds after the origin, for assertions. */
export function sec(ms: number): number {
  return (ms - T0) / 1000;
}

/** Resolves every reference to a base rule whose key and name are the reference itself. */
export const identityResolver: ResolveRule = (ref) => ({ key: ref, name: ref });

/** Parse a correlation from YAML text, throwing on issues (tests only). */
export function correlationFromYaml(text: string): SigmaCorrelation {
  const r = parseCorrelationDocument(parse(text) as Record<string, unknown>, {
    file: 'inline.yml',
    line: 1,
    col: 1,
  });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.value;
}

/** Split a multi-document YAML into correlations and the names/ids of plain rules. */
export function loadMultiDoc(text: string): {
  correlations: SigmaCorrelation[];
  rules: Array<{ id?: string; name?: string }>;
} {
  const correlations: SigmaCorrelation[] = [];
  const rules: Array<{ id?: string; name?: string }> = [];
  for (const d of parseAllDocuments(text)) {
    const o = d.toJS() as Record<string, unknown> | null;
    if (!o) continue;
    if ('correlation' in o) {
      const r = parseCorrelationDocument(o, { file: 'inline.yml', line: 1, col: 1 });
      if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
      correlations.push(r.value);
    } else {
      const rule: { id?: string; name?: string } = {};
      if (typeof o.id === 'string') rule.id = o.id;
      if (typeof o.name === 'string') rule.name = o.name;
      rules.push(rule);
    }
  }
  return { correlations, rules };
}
