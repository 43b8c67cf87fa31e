/**
 * @module sigma/rule/parse
 * One YAML document → a `SigmaRule` (or the issues that refuse it). Every key of the v2.1 rule
 * format is read; keys the spec does not define are kept in `custom`. With errors, a placeholder
 * rule (null objects: empty logsource, a detection that never matches) is still built so lint and
 * the UI can show what was understood.
 */
import { stableId } from '../../core/ids.js';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Level } from '../../model/finding.js';
import { isLevel } from '../../model/finding.js';
import { parseDetection } from './detection.js';
import { MetaReader } from './meta.js';
import { normaliseTag } from './tags.js';
import type { Detection, RelatedRule, RuleStatus, SigmaRule } from './types.js';
import type { LNode } from './yaml.js';
import { toPlain } from './yaml.js';

export const RULE_KEYS = new Set([
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'references',
  'author',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
]);
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const RELATED = new Set(['derived', 'obsolete', 'merged', 'renamed', 'similar']);

/** A detection that never matches: the null object for unusable detection sections. */
export const EMPTY_DETECTION: Detection = {
  selections: new Map(),
  condition: { kind: 'or', items: [] },
  conditionText: [],
};

export interface RuleParse {
  /** The rule (also built, as a placeholder, when there are errors). */
  readonly rule: SigmaRule;
  readonly errors: Issue[];
  readonly warnings: Issue[];
}

export function parseRuleDocument(
  root: LNode & { kind: 'map' },
  file: string,
  placeholders: Record<string, string[]> | undefined,
): RuleParse {
  const m = new MetaReader(root, file);
  const title = m.str('title', { required: true, max: 256 }) ?? '';
  const id = m.id();
  const name = m.str('name', { max: 256 });
  const taxonomy = m.str('taxonomy') ?? 'sigma';
  if (taxonomy !== 'sigma') {
    const e = m.get('taxonomy');
    if (e)
      m.warn(
        'taxonomy',
        `taxonomy '${taxonomy}': field names are used as written (no translation to 'sigma')`,
        e.keyPos,
      );
  }
  const statusText = m.str('status');
  let status: RuleStatus | undefined;
  if (statusText !== undefined) {
    if (STATUSES.has(statusText)) status = statusText as RuleStatus;
    else
      m.warn(
        'invalid-status',
        `status '${statusText}' is not one of ${[...STATUSES].join(', ')}`,
        m.get('status')?.keyPos ?? root.pos,
      );
  }
  const description = m.str('description', { max: 65_535 }) ?? '';
  const license = m.str('license');
  const authorEntry = m.get('author');
  const author = authorEntry?.value.kind === 'seq' ? m.strList('author').join(', ') : m.str('author');
  const references = m.strList('references');
  const date = m.date('date');
  const modified = m.date('modified');
  const related = readRelated(m);
  const logsource = m.logsource(true);
  const fields = m.strList('fields');
  const falsepositives = m.strList('falsepositives');
  const scope = m.strList('scope');
  const levelText = m.str('level');
  let level: Level = 'medium';
  let levelDefaulted = true;
  if (levelText !== undefined) {
    const l = levelText.toLowerCase();
    if (isLevel(l)) {
      level = l;
      levelDefaulted = false;
      if (l !== levelText)
        m.warn(
          'invalid-level',
          `level '${levelText}' should be lower case`,
          m.get('level')?.keyPos ?? root.pos,
        );
    } else {
      m.warn(
        'invalid-level',
        `level '${levelText}' is not a Sigma level; 'medium' is used`,
        m.get('level')?.keyPos ?? root.pos,
      );
    }
  }
  const tags: string[] = [];
  const tagEntry = m.get('tags');
  for (const t of m.strList('tags')) {
    const c = normaliseTag(t);
    tags.push(c.tag);
    const p = tagEntry?.keyPos ?? root.pos;
    if (c.from !== undefined && c.from.toLowerCase() !== c.tag)
      m.warn('legacy-tag', `tag '${c.from}' uses the v1 style; read as '${c.tag}'`, p);
    if (c.problem) m.warn('unknown-tag', `tag '${t}': ${c.problem}`, p);
  }
  const custom: Record<string, unknown> = {};
  for (const e of root.entries) if (!RULE_KEYS.has(e.key)) custom[e.key] = toPlain(e.value);

  let detection: Detection = EMPTY_DETECTION;
  const detEntry = m.get('detection');
  const errors = [...m.errors];
  const warnings = [...m.warnings];
  if (!detEntry) errors.push(issue('missing-field', `'detection' is required`, m.at(root.pos)));
  else {
    const d = parseDetection(detEntry.value, { file, placeholders });
    errors.push(...d.errors);
    warnings.push(...d.warnings);
    if (d.detection) detection = d.detection;
  }
  const raw = toPlain(root) as Record<string, unknown>;
  const rule: SigmaRule = {
    ...(id !== undefined ? { id } : {}),
    ...(name !== undefined ? { name } : {}),
    title,
    level,
    levelDefaulted,
    ...(status ? { status } : {}),
    taxonomy,
    description,
    ...(license !== undefined ? { license } : {}),
    ...(author !== undefined ? { author } : {}),
    ...(date !== undefined ? { date } : {}),
    ...(modified !== undefined ? { modified } : {}),
    references,
    related,
    logsource: logsource ?? {},
    tags,
    falsepositives,
    fields,
    scope,
    detection,
    custom,
    filters: [],
    file,
    line: root.pos.line,
    col: root.pos.col,
    warnings,
    raw,
  };
  return { rule, errors, warnings };
}

function readRelated(m: MetaReader): RelatedRule[] {
  const e = m.get('related');
  if (!e) return [];
  const v = toPlain(e.value);
  if (!Array.isArray(v)) {
    m.warn('invalid-field', `'related' must be a list of {id, type}`, e.keyPos);
    return [];
  }
  const out: RelatedRule[] = [];
  for (const r of v) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      m.warn('invalid-field', `'related' items must be {id, type}`, e.keyPos);
      continue;
    }
    const o = r as Record<string, unknown>;
    const id = typeof o.id === 'string' ? o.id : undefined;
    const type = typeof o.type === 'string' ? o.type : undefined;
    if (!id || !type) {
      m.warn('invalid-field', `'related' items need an id and a type`, e.keyPos);
      continue;
    }
    if (type === 'obsoletes')
      m.warn('legacy-related', `related type 'obsoletes' is v1; read as 'obsolete'`, e.keyPos);
    else if (!RELATED.has(type))
      m.warn('invalid-related', `related type '${type}' is not one of ${[...RELATED].join(', ')}`, e.keyPos);
    out.push({ id, type: type === 'obsoletes' ? 'obsolete' : type });
  }
  return out;
}

/**
 * A rule's stable key: its id, else its name, else a hash of its title, logsource and detection
 * as written (so the key survives moving the file).
 */
export function ruleKey(rule: Pick<SigmaRule, 'id' | 'name' | 'title' | 'raw'>): string {
  return (
    rule.id ??
    rule.name ??
    `sha:${stableId('sigma-rule', rule.title, JSON.stringify(rule.raw.logsource ?? null), JSON.stringify(rule.raw.detection ?? null))}`
  );
}
