/**
 * @module model
 * Fathom's stable data model: events and findings.
 */
export type { Event, FieldValue, Provenance, SourceKind } from './event.js';
export { eventTimeMs, getField, SYSTEM_FIELDS, timestampToMs } from './event.js';
export type { AttackRef, Evidence, Finding, FindingSource, Level } from './finding.js';
export { findingId, isLevel, LEVELS, levelRank } from './finding.js';
