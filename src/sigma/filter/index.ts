/**
 * @module sigma/filter
 * Sigma meta-filters, with pySigma's semantics: the filter's condition is ANDed to the condition
 * of every target rule (`rules:` ids or names, or `any`) whose logsource matches the filter's;
 * the filter's search identifiers are namespaced (`filter:<key>:<name>`); correlations are never
 * filtered. Authors write `not ...` to suppress: a filter condition without a top-level `not`
 * draws a warning naming both readings. Each rule lists the filters that changed it.
 */
import { stableId } from '../../core/ids.js';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { parseDetection } from '../rule/detection.js';
import { MetaReader } from '../rule/meta.js';
import type { Condition, Detection, LogSource, Selection, SigmaFilter, SigmaRule } from '../rule/types.js';
import type { LNode } from '../rule/yaml.js';
import { toPlain } from '../rule/yaml.js';

export interface FilterParse {
  readonly filter: SigmaFilter | null;
  readonly errors: Issue[];
  readonly warnings: Issue[];
}

export function filterKey(f: Pick<SigmaFilter, 'id' | 'name' | 'title' | 'file' | 'line'>): string {
  return f.id ?? f.name ?? `sha:${stableId('sigma-filter', f.title, f.file, f.line)}`;
}

/** Whether a condition has a top-level `not` (`not x`, or an `and` with a negated operand). */
export function hasTopLevelNot(c: Condition): boolean {
  return c.kind === 'not' || (c.kind === 'and' && c.items.some((x) => x.kind === 'not'));
}

export function parseFilterDocument(
  root: LNode & { kind: 'map' },
  file: string,
  placeholders: Record<string, string[]> | undefined,
): FilterParse {
  const m = new MetaReader(root, file);
  const title = m.str('title', { required: true, max: 256 }) ?? '';
  const id = m.id();
  const name = m.str('name', { max: 256 });
  const description = m.str('description', { max: 65_535 }) ?? '';
  m.date('date');
  m.date('modified');
  const taxonomy = m.str('taxonomy') ?? 'sigma';
  const logsource = m.logsource(true);
  const errors = [...m.errors];
  const warnings = [...m.warnings];
  const fe = m.get('filter');
  let rules: string[] | 'any' = [];
  let detection: Detection | null = null;
  if (fe?.value.kind !== 'map') {
    errors.push(
      issue(
        fe ? 'invalid-field' : 'missing-field',
        `'filter' must be a map with rules, selections and a condition`,
        m.at(fe?.keyPos ?? root.pos),
      ),
    );
  } else {
    const re = fe.value.entries.find((e) => e.key === 'rules');
    const rv = toPlain(re?.value);
    if (!re) errors.push(issue('missing-field', `filter has no 'rules'`, m.at(fe.keyPos)));
    else if (rv === 'any') rules = 'any';
    else if (typeof rv === 'string') rules = [rv];
    else if (Array.isArray(rv) && rv.length > 0 && rv.every((x) => typeof x === 'string'))
      rules = rv as string[];
    else
      errors.push(
        issue(
          'invalid-field',
          `filter 'rules' must be a list of rule ids or names, or 'any'`,
          m.at(re.keyPos),
        ),
      );
    const d = parseDetection(fe.value, { file, placeholders }, new Set(['rules']));
    errors.push(...d.errors);
    warnings.push(...d.warnings);
    detection = d.detection;
    if (detection && !hasTopLevelNot(detection.condition)) {
      warnings.push(
        issue(
          'filter-without-not',
          `filter condition '${detection.conditionText.join(' or ')}' has no top-level 'not'. Fathom follows pySigma: the condition is ANDed to each target rule, so the rules will only fire on events it matches. If the intent is to suppress those events (how the spec's example reads), write 'not ${detection.conditionText.length === 1 ? detection.conditionText[0] : '(...)'}'.`,
          m.at(fe.keyPos),
          undefined,
          'warning',
        ),
      );
    }
  }
  if (errors.length || !detection) return { filter: null, errors, warnings };
  return {
    filter: {
      ...(id !== undefined ? { id } : {}),
      ...(name !== undefined ? { name } : {}),
      title,
      description,
      taxonomy,
      logsource: logsource ?? {},
      rules,
      detection,
      file,
      line: root.pos.line,
      col: root.pos.col,
      warnings,
      raw: toPlain(root) as Record<string, unknown>,
    },
    errors,
    warnings,
  };
}

/** A filter applies to a rule when every logsource key the filter sets has the rule's value. */
export function logsourceMatches(filter: LogSource, rule: LogSource): boolean {
  for (const k of ['category', 'product', 'service'] as const) {
    const f = filter[k];
    if (f !== undefined && f !== rule[k]) return false;
  }
  return true;
}

function renameCondition(c: Condition, rename: (n: string) => string): Condition {
  switch (c.kind) {
    case 'id':
      return { kind: 'id', name: rename(c.name) };
    case 'of':
      return { ...c, names: c.names.map(rename) };
    case 'not':
      return { kind: 'not', item: renameCondition(c.item, rename) };
    default:
      return { kind: c.kind, items: c.items.map((x) => renameCondition(x, rename)) };
  }
}

/** The rule with one filter applied (its condition ANDed, identifiers namespaced). */
export function applyFilter(rule: SigmaRule, filter: SigmaFilter): SigmaRule {
  const key = filterKey(filter);
  const ns = (n: string) => `filter:${key}:${n}`;
  const selections = new Map<string, Selection>(rule.detection.selections);
  for (const [n, s] of filter.detection.selections) selections.set(ns(n), { ...s, name: ns(n) });
  const detection: Detection = {
    selections,
    condition: {
      kind: 'and',
      items: [rule.detection.condition, renameCondition(filter.detection.condition, ns)],
    },
    conditionText: [
      `(${rule.detection.conditionText.join(') or (')}) and (${filter.detection.conditionText.join(') or (')})`,
    ],
  };
  return { ...rule, detection, filters: [...rule.filters, key] };
}

export interface FilterApplication {
  readonly rules: SigmaRule[];
  /** For each filter (by key), the keys of the rules it changed. */
  readonly applied: ReadonlyMap<string, string[]>;
  readonly issues: Issue[];
}

/** Apply every filter to its targets; rules no filter targets are returned unchanged. */
export function applyFilters(
  rules: readonly SigmaRule[],
  filters: readonly SigmaFilter[],
  keyOf: (r: SigmaRule) => string,
): FilterApplication {
  const applied = new Map<string, string[]>();
  const issues: Issue[] = [];
  let out = [...rules];
  for (const f of filters) {
    const key = filterKey(f);
    const changed: string[] = [];
    const targets = f.rules === 'any' ? null : new Set(f.rules);
    const found = new Set<string>();
    out = out.map((r) => {
      const named =
        targets === null ||
        (r.id !== undefined && targets.has(r.id)) ||
        (r.name !== undefined && targets.has(r.name));
      if (!named) return r;
      if (r.id !== undefined && targets?.has(r.id)) found.add(r.id);
      if (r.name !== undefined && targets?.has(r.name)) found.add(r.name);
      if (!logsourceMatches(f.logsource, r.logsource)) return r;
      changed.push(keyOf(r));
      return applyFilter(r, f);
    });
    if (targets) {
      for (const t of targets) {
        if (!found.has(t)) {
          issues.push(
            issue(
              'filter-target-not-found',
              `filter '${f.title}' targets rule '${t}', which is not loaded`,
              { file: f.file, line: f.line, col: f.col },
              undefined,
              'warning',
            ),
          );
        }
      }
    }
    applied.set(key, changed);
  }
  return { rules: out, applied, issues };
}
