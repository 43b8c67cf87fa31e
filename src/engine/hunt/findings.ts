/**
 * @module engine/hunt/findings
 * Findings from Sigma matches and correlation hits: deterministic ids, ATT&CK from the rule's
 * tags, the key fields worth a table column, and the priority order (level, then time).
 */
import { resolveTags } from '../../attack/index.js';
import type { Event, FieldValue } from '../../model/event.js';
import { timestampToMs } from '../../model/event.js';
import type { Evidence, Finding, Level } from '../../model/finding.js';
import { findingId, isLevel, levelRank } from '../../model/finding.js';
import type { CorrelationHit } from '../../sigma/correlate/index.js';
import { correlationKey } from '../../sigma/correlate/index.js';
import { ruleFieldUsage } from '../../sigma/rule/index.js';
import type { EventView } from '../../sigma/view.js';
import type { PreparedRule } from './prepare.js';

/** Fields shown first when a finding's rule does not name any (`fields:`). */
const COMMON_FIELDS = [
  'CommandLine',
  'Image',
  'ParentImage',
  'TargetFilename',
  'TargetObject',
  'Details',
  'SourceImage',
  'TargetImage',
  'GrantedAccess',
  'QueryName',
  'DestinationIp',
  'DestinationHostname',
  'DestinationPort',
  'ScriptBlockText',
  'TaskName',
  'ServiceName',
  'TargetUserName',
  'User',
  'IpAddress',
] as const;

const MAX_KEY_FIELDS = 8;
const MAX_FIELD_CHARS = 1024;

function clip(v: FieldValue): FieldValue {
  if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) return `${v.slice(0, MAX_FIELD_CHARS)}…`;
  return v;
}

/** Field names each rule's findings show: its `fields:`, the fields its detection uses, then common ones. */
export function keyFieldNames(rule: PreparedRule['rule']): string[] {
  const names: string[] = [];
  const add = (n: string) => {
    if (!names.includes(n) && n !== 'EventID' && n !== 'Channel' && n !== 'Provider_Name') names.push(n);
  };
  for (const f of rule.fields) add(f);
  for (const u of ruleFieldUsage(rule)) if (!u.negated) for (const f of u.fields) add(f);
  for (const f of COMMON_FIELDS) add(f);
  return names;
}

export function keyFields(names: readonly string[], view: EventView): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  let n = 0;
  for (const name of names) {
    const v = view.get(name);
    if (v === undefined || v === null || v === '') continue;
    out[name] = clip(v);
    if (++n >= MAX_KEY_FIELDS) break;
  }
  return out;
}

export function ruleFinding(p: PreparedRule, event: Event, fields: Record<string, FieldValue>): Finding {
  const evidence: Evidence[] = [{ kind: 'event', event }];
  const f: Finding = {
    id: findingId(p.key, evidence),
    ruleId: p.key,
    source: 'sigma',
    title: p.rule.title,
    level: p.rule.level,
    attack: p.attack,
    timestamp: event.timestamp,
    host: event.computer,
    description: p.rule.description,
    fields,
    tags: [...p.rule.tags],
    evidence,
  };
  return f;
}

export function correlationFinding(hit: CorrelationHit): Finding {
  const c = hit.correlation;
  const key = correlationKey(c);
  const evidence: Evidence[] = hit.matches.map((m) => ({ kind: 'event', event: m.view.event }));
  const level: Level = c.level && isLevel(c.level) ? c.level : 'medium';
  const first = hit.matches[0]?.view.event;
  const hosts = [...new Set(hit.matches.map((m) => m.view.event.computer))];
  const fields: Record<string, FieldValue> = { ...hit.group, matches: hit.matchCount, value: hit.value };
  return {
    id: findingId(key, evidence),
    ruleId: key,
    source: 'sigma-correlation',
    title: c.title,
    level,
    attack: resolveTags(c.tags ?? []),
    timestamp: first?.timestamp ?? new Date(hit.startMs).toISOString(),
    endTimestamp:
      hit.matches[hit.matches.length - 1]?.view.event.timestamp ?? new Date(hit.endMs).toISOString(),
    host: hosts.join(', '),
    description: c.description ?? `${c.type} correlation over ${c.rules.join(', ')} within ${c.timespan}`,
    fields,
    tags: [...(c.tags ?? [])],
    evidence,
  };
}

/** Priority order: level (critical first), then time, then rule and id for stability. */
export function compareFindings(a: Finding, b: Finding): number {
  // Sources keep their own timestamp precision, so compare times as numbers, not strings.
  const ta = timestampToMs(a.timestamp);
  const tb = timestampToMs(b.timestamp);
  return (
    levelRank(b.level) - levelRank(a.level) ||
    (ta < tb ? -1 : ta > tb ? 1 : 0) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
