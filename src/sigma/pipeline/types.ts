/**
 * @module sigma/pipeline/types
 * The data model of runtime logsource mapping: which events a Sigma `logsource` means
 * (targets keyed by the event's own Channel/EventID, or by source kind), and how a target
 * translates its events into the rule's field vocabulary (field maps, value maps, fields
 * with no equivalent). Loaded from `data/logsources/*.yml` (see docs/logsources.md).
 */
import type { FieldValue } from '../../model/event.js';

/** A rule's `logsource` as far as mapping is concerned (`definition` never changes the mapping). */
export interface LogsourceSelector {
  category?: string;
  product?: string;
  service?: string;
}

/**
 * How one rule field is computed from the event. `from` names the event field(s) read
 * (omitted: the transform reads the event itself), `transform` names a built-in value
 * transform (see `transforms.ts`), `params` are its options.
 */
export interface FieldMapEntry {
  from: string[];
  transform?: string;
  params?: Readonly<Record<string, string>>;
}

/** An event-field precondition a target adds to Channel/EventID (e.g. 4657 OperationType). */
export interface TargetCondition {
  field: string;
  /** Any of these values (compared case-insensitively, as strings). */
  values: string[];
}

/** One kind of event a logsource resolves to, and how to see it with the rule's field names. */
export interface LogsourceTarget {
  /** Stable id, e.g. `sysmon-1`, `security-4688`, `ps-4104`, `zeek-http`. */
  id: string;
  description?: string;
  /** Event channels (compared case-insensitively). `['*']`: any non-empty channel. `[]`: channel not checked (needs `kinds`). */
  channels: string[];
  /** EventIDs; null: any. */
  eventIds: number[] | null;
  /** Provider names (case-insensitive); absent: any. */
  providers?: string[];
  /** `Event.kind` values (source kinds); absent: any. */
  kinds?: string[];
  /** Further preconditions on event fields. */
  where?: TargetCondition[];
  /** Rule field name → how to compute it from the event. Empty for untranslated targets. */
  fieldMap: Readonly<Record<string, FieldMapEntry>>;
  /** Rule field name → (event value → rule value), applied after `fieldMap`. Keys match case-insensitively. */
  valueMaps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Rule field names this kind of event has no equivalent for: they read as absent, and `checkApplicability` refuses selections on them. */
  unavailableFields: string[];
  /** Where the target was defined (file:line), for messages. */
  origin?: string;
}

/** A transform turns the values read from `from` fields (or the event) into the rule's value. */
export type FieldValueOrAbsent = FieldValue | undefined;
