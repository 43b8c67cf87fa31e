/**
 * @module sigma/pipeline
 * Public surface of runtime logsource mapping: load the mapping data, resolve a rule's
 * logsource to targets, see events through a target's translation, and decide whether a rule
 * applies to a target.
 */
export type { Applicability, SelectionUsage } from './applicability.js';
export { checkApplicability } from './applicability.js';
export type { LoadLogsourceOptions, LogsourceMap } from './load.js';
export { loadLogsourceMap, packageRoot, shippedLogsourceDir } from './load.js';
export type { LogsourceEntry, ParsedMappingFile } from './schema.js';
export { parseMappingFile } from './schema.js';
export type { Transform, TransformInput } from './transforms.js';
export { TRANSFORMS } from './transforms.js';
export type { FieldMapEntry, LogsourceSelector, LogsourceTarget, TargetCondition } from './types.js';
export { makeView, matchesTarget } from './view.js';
