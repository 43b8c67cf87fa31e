/**
 * @module model/finding
 * The finding every detector emits (Sigma rules, correlations, analyzers, IOC matches, YARA).
 * Stable interface (JSON Schema: docs/schema/finding.schema.json). Ids are deterministic.
 */
import { stableId } from '../core/ids.js';
import type { Event, FieldValue, Provenance } from './event.js';

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(l: Level): number {
  return LEVELS.indexOf(l);
}

export function isLevel(s: unknown): s is Level {
  return typeof s === 'string' && (LEVELS as readonly string[]).includes(s);
}

export type FindingSource = 'sigma' | 'sigma-correlation' | 'analyzer' | 'ioc' | 'yara';

export interface AttackRef {
  /** Technique and sub-technique ids, upper case: `T1059.001`. */
  techniques: string[];
  /** Tactic short names (ATT&CK v19 names where they differ from v18): `execution`, `stealth`. */
  tactics: string[];
  /** Tags that looked like ATT&CK but did not resolve against the pinned data, kept verbatim. */
  unknown?: string[];
}

/** Evidence: an event (with its provenance) or a line of a text log / a file. */
export type Evidence =
  | { kind: 'event'; event: Event }
  | { kind: 'line'; source: Provenance; text: string }
  | { kind: 'file'; source: Provenance; sha256?: string; size?: number };

export interface Finding {
  /** Deterministic: a hash of the rule id and the evidence provenance. */
  id: string;
  /** Sigma rule `id` (or `name`, or a content hash when it has neither), or an analyzer id. */
  ruleId: string;
  source: FindingSource;
  title: string;
  level: Level;
  attack: AttackRef;
  /** Time of the (first) evidence, ISO UTC. */
  timestamp: string;
  /** Time of the last evidence for findings spanning a window (correlations). */
  endTimestamp?: string;
  host: string;
  description: string;
  /** Key fields worth showing in a table (e.g. CommandLine, Image, TargetFilename). */
  fields?: Record<string, FieldValue>;
  tags?: string[];
  evidence: Evidence[];
}

function provenanceOf(ev: Evidence): Provenance {
  return ev.kind === 'event' ? ev.event.source : ev.source;
}

/** Deterministic finding id: the rule and where each piece of evidence was read. */
export function findingId(ruleId: string, evidence: readonly Evidence[]): string {
  const parts: string[] = [ruleId];
  for (const ev of evidence) {
    const p = provenanceOf(ev);
    parts.push(`${p.file}@${p.offset}${p.line !== undefined ? `:${p.line}` : ''}`);
  }
  return stableId(...parts);
}
