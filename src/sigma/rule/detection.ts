/**
 * @module sigma/rule/detection
 * The `detection` section (and a filter's `filter` section) → search identifiers and a resolved
 * condition. A map is the AND of its entries, a list of maps the OR of those ANDs, a list of plain
 * values a keyword search (OR; `'|all':` makes it an AND).
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { parseCondition } from '../condition/parse.js';
import { buildItem } from '../modifiers/chain.js';
import type { Condition, Detection, DetectionNode, Selection } from './types.js';
import type { LNode, Pos } from './yaml.js';

export interface DetectionContext {
  readonly file: string;
  readonly placeholders?: Record<string, string[]> | undefined;
}

export interface DetectionParse {
  /** Null when the section is unusable; with errors, selections that did parse are kept. */
  readonly detection: Detection | null;
  readonly errors: Issue[];
  readonly warnings: Issue[];
}

/** Keys of a detection section that are not search identifiers. */
const RESERVED = new Set(['condition', 'timeframe']);

export function splitKey(key: string): { field: string | null; modifiers: string[] } {
  const [f, ...mods] = key.split('|');
  return { field: f ? f : null, modifiers: mods.map((m) => m.trim()).filter((m) => m !== '') };
}

export function parseDetection(
  node: LNode,
  ctx: DetectionContext,
  exclude: ReadonlySet<string> = new Set(),
): DetectionParse {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const at = (p: Pos) => ({ file: ctx.file, line: p.line, col: p.col });
  if (node.kind !== 'map') {
    errors.push(
      issue(
        'invalid-detection',
        'detection must be a map of search identifiers and a condition',
        at(node.pos),
      ),
    );
    return { detection: null, errors, warnings };
  }
  const selections = new Map<string, Selection>();
  let condNode: LNode | undefined;
  let condPos: Pos = node.pos;
  let broken = false;
  for (const e of node.entries) {
    if (exclude.has(e.key)) continue;
    if (e.key === 'condition') {
      condNode = e.value;
      condPos = e.keyPos;
      continue;
    }
    if (e.key === 'timeframe') {
      warnings.push(
        issue(
          'legacy-timeframe',
          `'timeframe' in detection is a v1 aggregation leftover and is ignored`,
          at(e.keyPos),
          undefined,
          'warning',
        ),
      );
      continue;
    }
    const sel = parseSelection(e.key, e.value, e.keyPos, ctx, errors, warnings);
    if (sel) selections.set(e.key, sel);
    else broken = true;
  }
  if (!condNode) {
    errors.push(issue('missing-field', `detection has no 'condition'`, at(node.pos)));
    return { detection: null, errors, warnings };
  }
  const texts: Array<{ text: string; pos: Pos }> = [];
  if (condNode.kind === 'scalar' && typeof condNode.value === 'string')
    texts.push({ text: condNode.value, pos: condNode.pos });
  else if (condNode.kind === 'seq') {
    for (const it of condNode.items) {
      if (it.kind === 'scalar' && typeof it.value === 'string') texts.push({ text: it.value, pos: it.pos });
      else errors.push(issue('bad-condition', 'a condition list must hold strings', at(it.pos)));
    }
  } else {
    errors.push(issue('bad-condition', 'condition must be a string or a list of strings', at(condPos)));
  }
  if (texts.length === 0 && errors.length === 0)
    errors.push(issue('bad-condition', 'empty condition', at(condPos)));
  const ids = [...node.entries.map((e) => e.key).filter((k) => !RESERVED.has(k) && !exclude.has(k))];
  const conds: Condition[] = [];
  for (const t of texts) {
    const r = parseCondition(t.text, ids);
    if (r.ok) conds.push(r.condition);
    else {
      errors.push(
        issue(
          r.error.code,
          r.error.message,
          { file: ctx.file, line: t.pos.line, col: t.pos.col + r.error.offset },
          {
            condition: t.text,
          },
        ),
      );
    }
  }
  if (errors.length || broken || conds.length === 0) return { detection: null, errors, warnings };
  const condition: Condition = conds.length === 1 ? (conds[0] as Condition) : { kind: 'or', items: conds };
  return { detection: { selections, condition, conditionText: texts.map((t) => t.text) }, errors, warnings };
}

function parseSelection(
  name: string,
  value: LNode,
  pos: Pos,
  ctx: DetectionContext,
  errors: Issue[],
  warnings: Issue[],
): Selection | null {
  const at = (p: Pos) => ({ file: ctx.file, line: p.line, col: p.col });
  const before = errors.length;
  const mapNode = (n: LNode & { kind: 'map' }): DetectionNode | null => {
    if (n.entries.length === 0) {
      errors.push(issue('invalid-detection', `search identifier '${name}' has an empty map`, at(n.pos)));
      return null;
    }
    const items: DetectionNode[] = [];
    let failed = false;
    entries: for (const e of n.entries) {
      const { field, modifiers } = splitKey(e.key);
      let v: unknown;
      if (e.value.kind === 'scalar') v = e.value.value;
      else if (e.value.kind === 'seq') {
        const vals: unknown[] = [];
        for (const it of e.value.items) {
          if (it.kind !== 'scalar') {
            errors.push(issue('invalid-value', `values of '${e.key}' must be scalars`, at(it.pos)));
            failed = true;
            continue entries;
          }
          vals.push(it.value);
        }
        if (vals.length === 0) {
          errors.push(issue('invalid-value', `'${e.key}' has an empty value list`, at(e.value.pos)));
          failed = true;
          continue;
        }
        v = vals;
      } else {
        errors.push(
          issue('invalid-value', `'${e.key}' must have a scalar or a list of scalars`, at(e.value.pos)),
        );
        return null;
      }
      const r = buildItem(field, modifiers, v, e.keyPos, ctx);
      if (!r.ok) {
        errors.push(issue(r.error.code, `${e.key}: ${r.error.message}`, at(e.keyPos)));
        failed = true;
        continue;
      }
      for (const w of r.warnings)
        warnings.push(issue(w.code, `${e.key}: ${w.message}`, at(e.keyPos), undefined, w.severity));
      items.push({ kind: 'item', item: r.item });
    }
    if (failed) return null;
    return items.length === 1 ? (items[0] as DetectionNode) : { kind: 'and', items };
  };
  const keywords = (vals: unknown[], p: Pos): DetectionNode | null => {
    const r = buildItem(null, [], vals.length === 1 ? vals[0] : vals, p, ctx);
    if (!r.ok) {
      errors.push(issue(r.error.code, `${name}: ${r.error.message}`, at(p)));
      return null;
    }
    return { kind: 'item', item: r.item };
  };
  let node: DetectionNode | null = null;
  let shape: Selection['shape'] = 'map';
  if (value.kind === 'map') {
    node = mapNode(value);
    shape = value.entries.every((e) => splitKey(e.key).field === null) ? 'keywords' : 'map';
  } else if (value.kind === 'seq') {
    if (value.items.length === 0) {
      errors.push(issue('invalid-detection', `search identifier '${name}' is an empty list`, at(value.pos)));
      return null;
    }
    const alts: DetectionNode[] = [];
    const plain: unknown[] = [];
    let plainPos: Pos = value.pos;
    let maps = 0;
    for (const it of value.items) {
      if (it.kind === 'map') {
        maps++;
        const n = mapNode(it);
        if (n) alts.push(n);
      } else if (it.kind === 'scalar') {
        if (plain.length === 0) plainPos = it.pos;
        plain.push(it.value);
      } else {
        errors.push(
          issue('invalid-detection', `search identifier '${name}' holds a nested list`, at(it.pos)),
        );
      }
    }
    if (plain.length) {
      const k = keywords(plain, plainPos);
      if (k) alts.push(k);
    }
    shape = maps > 0 ? 'list-of-maps' : 'keywords';
    node = alts.length === 1 ? (alts[0] as DetectionNode) : { kind: 'or', items: alts };
  } else if (value.value === null || value.value === undefined) {
    errors.push(issue('invalid-detection', `search identifier '${name}' is empty`, at(pos)));
  } else {
    node = keywords([value.value], value.pos);
    shape = 'keywords';
  }
  if (errors.length > before || !node) return null;
  return { name, node, shape, line: pos.line, col: pos.col };
}
