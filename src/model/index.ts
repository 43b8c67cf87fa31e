/**
 * @module model
 * Fathom's stable data model: events and findings.
 */
export type { Event, FieldValue, Provenance, SourceKind } from './event.js';
export { SYSTEM_FIELDS, getField, eventTimeMs, timestampToMs } from './event.js';
export type { Finding, Evidence, AttackRef, Level, FindingSource } from './finding.js';
export { LEVELS, levelRank, isLevel, findingId } from './finding.js';
