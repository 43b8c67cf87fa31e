/**
 * @module attack
 * Public surface of the ATT&CK layer: the pinned data (derived from MITRE's STIX bundle and
 * committed under data/attack/), the v19 overlay, Sigma tag resolution, APT40 coverage and
 * Navigator layers. See docs/attack.md.
 */

export type {
  CoverageEntry,
  CoverageReport,
  CoverageRow,
  CoverageRuleInput,
  CoverageSummary,
  CoveringRule,
} from './coverage.js';
export { COVERAGE_COLUMNS, coverageCsv, coverageRows, coverageTable } from './coverage.js';
export type {
  AttackData,
  AttackOverlay,
  LoadAttackOptions,
  OverlayTactic,
  OverlayTechnique,
} from './data.js';
export {
  buildAttackData,
  defaultOverlayPath,
  defaultTablePath,
  loadAttack,
  packageRoot,
  safeLoadAttack,
} from './data.js';
export type { ImportOptions } from './import.js';
export {
  deriveAttackTable,
  importAttackBundle,
  renderAttackNotice,
  serializeAttackTable,
  writeAttackTable,
} from './import.js';
export type { NavigatorLayer, NavigatorLayerOptions, NavigatorTechnique } from './navigator.js';
export { COVERAGE_COLORS, LAYER_FORMAT_VERSION, NAVIGATOR_VERSION, toNavigatorLayer } from './navigator.js';
export type {
  AttackCampaign,
  AttackGroup,
  AttackMitigation,
  AttackSoftware,
  AttackSource,
  AttackTable,
  AttackTactic,
  AttackTechnique,
} from './table.js';
export { ATTACK_TABLE_FORMAT, checkAttackTable, MITRE_COPYRIGHT } from './table.js';
export type { Apt40Technique, ResolvedTags } from './tags.js';
export {
  APT40_CAMPAIGN,
  APT40_GROUP,
  apt40Techniques,
  resolveTags,
  resolveTagsDetailed,
  techniqueName,
  techniqueTitle,
} from './tags.js';
