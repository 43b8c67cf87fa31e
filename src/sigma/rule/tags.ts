/**
 * @module sigma/rule/tags
 * Tag normalisation: lower case, v1 underscore style → v2 dash style for the `attack`, `cve` and
 * `detection` namespaces; ATT&CK tactic names of v18 (`defense-evasion`) and v19 (`stealth`,
 * `defense-impairment`) are both known. Unknown tags are kept and reported, never dropped.
 */

/** ATT&CK tactic short names, v18 and v19 (v19 split defense-evasion into stealth + defense-impairment). */
export const ATTACK_TACTICS = new Set([
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'stealth',
  'defense-impairment',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
]);

const ATTACK_ID = /^(t\d{4}(\.\d{3})?|g\d{4}|s\d{4}|ds\d{4}|m\d{4}|a\d{4}|c\d{4})$/;
const TAG_SHAPE = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
const KNOWN_NAMESPACES = new Set(['attack', 'car', 'cve', 'd3fend', 'detection', 'stp', 'tlp']);
const DETECTION = new Set(['dfir', 'emerging-threats', 'threat-hunting']);
const TLP = new Set(['red', 'amber', 'amber-strict', 'green', 'clear', 'white']);

export interface TagCheck {
  readonly tag: string;
  /** Set when the tag was rewritten (v1 style). */
  readonly from?: string;
  /** A reason when the tag is not one the spec's appendix defines. */
  readonly problem?: string;
}

export function normaliseTag(raw: string): TagCheck {
  const lower = raw.trim().toLowerCase();
  const dot = lower.indexOf('.');
  const ns = dot > 0 ? lower.slice(0, dot) : lower;
  let rest = dot > 0 ? lower.slice(dot + 1) : '';
  if (ns === 'attack' || ns === 'detection') rest = rest.replace(/_/g, '-');
  if (ns === 'cve') rest = rest.replace(/_/g, '-').replace(/^(\d{4})\.(\d+)$/, '$1-$2');
  const tag = dot > 0 ? `${ns}.${rest}` : lower;
  const from = tag !== raw ? raw : undefined;
  let problem: string | undefined;
  if (!TAG_SHAPE.test(tag)) problem = 'does not match namespace.value (lower case, digits, _ - .)';
  else if (!KNOWN_NAMESPACES.has(ns)) problem = `unknown tag namespace '${ns}'`;
  else if (ns === 'attack' && !ATTACK_ID.test(rest) && !ATTACK_TACTICS.has(rest)) {
    problem = `'${rest}' is neither an ATT&CK tactic (v18/v19) nor an ATT&CK id`;
  } else if (ns === 'detection' && !DETECTION.has(rest)) problem = `unknown detection type '${rest}'`;
  else if (ns === 'tlp' && !TLP.has(rest)) problem = `unknown TLP level '${rest}'`;
  else if (ns === 'cve' && !/^\d{4}-\d+$/.test(rest)) problem = `CVE tag should be cve.YYYY-NNNN`;
  return { tag, ...(from !== undefined ? { from } : {}), ...(problem ? { problem } : {}) };
}
