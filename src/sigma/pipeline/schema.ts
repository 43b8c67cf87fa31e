/**
 * @module sigma/pipeline/schema
 * Validates one logsource mapping file (`data/logsources/*.yml` or a user's extra file) and
 * turns it into targets and logsource entries. Every problem becomes an `Issue` with
 * file:line:col; a bad item is skipped and the rest of the file still loads.
 */
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Issue, Location } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { TRANSFORMS } from './transforms.js';
import type { FieldMapEntry, LogsourceSelector, LogsourceTarget, TargetCondition } from './types.js';

/** A `logsources:` item: a selector and the ids of the targets it resolves to. */
export interface LogsourceEntry {
  selector: LogsourceSelector;
  targets: string[];
  location: Location;
}

export interface ParsedMappingFile {
  targets: LogsourceTarget[];
  entries: LogsourceEntry[];
  issues: Issue[];
}

const TARGET_KEYS = new Set([
  'id',
  'description',
  'channels',
  'eventIds',
  'providers',
  'kinds',
  'where',
  'fieldMap',
  'valueMaps',
  'unavailableFields',
]);
const ENTRY_KEYS = new Set(['category', 'product', 'service', 'targets', 'description']);
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

class Ctx {
  readonly issues: Issue[] = [];
  doc: Document | undefined;
  constructor(
    readonly file: string,
    readonly lc: LineCounter,
  ) {}
  /** Follow a YAML alias (`*name`) to its anchored node. */
  d(node: unknown): unknown {
    if (isAlias(node) && this.doc) return node.resolve(this.doc) ?? node;
    return node;
  }
  at(node: Node | Pair | null | undefined): { file: string; line?: number; col?: number } {
    const n = node && 'range' in node ? node : node && 'key' in node ? (node.key as Node | null) : null;
    const off = n?.range?.[0];
    if (off === undefined) return { file: this.file };
    const p = this.lc.linePos(off);
    return { file: this.file, line: p.line, col: p.col };
  }
  origin(node: Node | null | undefined): string {
    const l = this.at(node);
    return l.line ? `${this.file}:${l.line}` : this.file;
  }
  fail(code: string, message: string, node: Node | Pair | null | undefined): void {
    this.issues.push(issue(code, message, this.at(node)));
  }
}

function scalarString(ctx: Ctx, node: unknown, what: string): string | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
    return String(node.value);
  }
  ctx.fail('logsource-schema', `${what} must be a string`, node as Node);
  return undefined;
}

function stringList(ctx: Ctx, raw: unknown, what: string): string[] | undefined {
  const node = ctx.d(raw);
  if (!isSeq(node)) {
    ctx.fail('logsource-schema', `${what} must be a list of strings`, node as Node);
    return undefined;
  }
  const out: string[] = [];
  for (const item of node.items) {
    const s = scalarString(ctx, item, `each item of ${what}`);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function fieldMapEntry(ctx: Ctx, node: unknown, field: string): FieldMapEntry | undefined {
  if (isScalar(node)) {
    const s = scalarString(ctx, node, `fieldMap.${field}`);
    return s === undefined ? undefined : { from: [s] };
  }
  if (!isMap(node)) {
    ctx.fail(
      'logsource-schema',
      `fieldMap.${field} must be a field name or {from, transform, params}`,
      node as Node,
    );
    return undefined;
  }
  const entry: { from: string[]; transform?: string; params?: Record<string, string> } = { from: [] };
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'from') {
      if (isSeq(pair.value)) entry.from = stringList(ctx, pair.value, `fieldMap.${field}.from`) ?? [];
      else {
        const s = scalarString(ctx, pair.value, `fieldMap.${field}.from`);
        if (s !== undefined) entry.from = [s];
      }
    } else if (key === 'transform') {
      const t = scalarString(ctx, pair.value, `fieldMap.${field}.transform`);
      if (t !== undefined && !(t in TRANSFORMS)) {
        ctx.fail(
          'logsource-unknown-transform',
          `fieldMap.${field}: unknown transform '${t}' (known: ${Object.keys(TRANSFORMS).join(', ')})`,
          pair.value as Node,
        );
        return undefined;
      }
      if (t !== undefined) entry.transform = t;
    } else if (key === 'params') {
      const params = stringMap(ctx, pair.value, `fieldMap.${field}.params`);
      if (params) entry.params = params;
    } else {
      ctx.fail('logsource-schema', `fieldMap.${field}: unknown key '${key}' (from, transform, params)`, pair);
    }
  }
  if (!entry.transform && entry.from.length !== 1) {
    ctx.fail(
      'logsource-schema',
      `fieldMap.${field}: without a transform, 'from' must name exactly one field`,
      node,
    );
    return undefined;
  }
  return entry;
}

function stringMap(ctx: Ctx, raw: unknown, what: string): Record<string, string> | undefined {
  const node = ctx.d(raw);
  if (!isMap(node)) {
    ctx.fail('logsource-schema', `${what} must be a map`, node as Node);
    return undefined;
  }
  const out: Record<string, string> = Object.create(null);
  for (const pair of node.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const v = isScalar(pair.value) && pair.value.value !== null ? String(pair.value.value) : undefined;
    if (k === undefined || v === undefined) {
      ctx.fail('logsource-schema', `${what}: keys and values must be scalars`, pair);
      continue;
    }
    out[k] = v;
  }
  return out;
}

function parseTarget(ctx: Ctx, node: unknown): LogsourceTarget | undefined {
  if (!isMap(node)) {
    ctx.fail('logsource-schema', 'each target must be a map', node as Node);
    return undefined;
  }
  const map = node as YAMLMap;
  const t: {
    -readonly [K in keyof LogsourceTarget]: LogsourceTarget[K];
  } = { id: '', channels: [], eventIds: null, fieldMap: {}, valueMaps: {}, unavailableFields: [] };
  // Null-prototype maps: keys come from user files (`__proto__`, `constructor` stay plain keys).
  const fieldMap: Record<string, FieldMapEntry> = Object.create(null);
  const valueMaps: Record<string, Record<string, string>> = Object.create(null);
  let bad = false;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const v = ctx.d(pair.value);
    switch (key) {
      case 'id': {
        const id = scalarString(ctx, v, 'target id');
        if (id === undefined || !ID_RE.test(id)) {
          ctx.fail('logsource-schema', `target id must match ${ID_RE.source}`, v as Node);
          bad = true;
        } else t.id = id;
        break;
      }
      case 'description': {
        const d = scalarString(ctx, v, 'description');
        if (d !== undefined) t.description = d;
        break;
      }
      case 'channels':
        t.channels = stringList(ctx, v, 'channels') ?? [];
        break;
      case 'providers': {
        const p = stringList(ctx, v, 'providers');
        if (p) t.providers = p;
        break;
      }
      case 'kinds': {
        const k = stringList(ctx, v, 'kinds');
        if (k) t.kinds = k;
        break;
      }
      case 'eventIds': {
        if (isScalar(v) && v.value === null) break;
        if (!isSeq(v)) {
          ctx.fail('logsource-schema', 'eventIds must be a list of integers or null', v as Node);
          bad = true;
          break;
        }
        const ids: number[] = [];
        for (const item of v.items) {
          const n = isScalar(item) ? item.value : undefined;
          if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
            ctx.fail('logsource-schema', 'each EventID must be an integer 0..65535', item as Node);
            bad = true;
          } else ids.push(n);
        }
        t.eventIds = ids;
        break;
      }
      case 'where': {
        if (!isSeq(v)) {
          ctx.fail('logsource-schema', 'where must be a list of {field, values}', v as Node);
          bad = true;
          break;
        }
        const conds: TargetCondition[] = [];
        for (const item of v.items) {
          const m = isMap(item) ? stringListMap(ctx, item) : undefined;
          if (!m) {
            ctx.fail('logsource-schema', 'each where item must be {field: name, values: [..]}', item as Node);
            bad = true;
          } else conds.push(m);
        }
        t.where = conds;
        break;
      }
      case 'fieldMap': {
        if (!isMap(v)) {
          ctx.fail('logsource-schema', 'fieldMap must be a map of rule field → event field', v as Node);
          bad = true;
          break;
        }
        for (const p of v.items) {
          const f = isScalar(p.key) ? String(p.key.value) : '';
          const e = fieldMapEntry(ctx, ctx.d(p.value), f);
          if (e) fieldMap[f] = e;
          else bad = true;
        }
        break;
      }
      case 'valueMaps': {
        if (!isMap(v)) {
          ctx.fail(
            'logsource-schema',
            'valueMaps must be a map of rule field → {event value: rule value}',
            v as Node,
          );
          bad = true;
          break;
        }
        for (const p of v.items) {
          const f = isScalar(p.key) ? String(p.key.value) : '';
          const m = stringMap(ctx, ctx.d(p.value), `valueMaps.${f}`);
          if (m) valueMaps[f] = m;
          else bad = true;
        }
        break;
      }
      case 'unavailableFields':
        t.unavailableFields = stringList(ctx, v, 'unavailableFields') ?? [];
        break;
      default:
        ctx.fail('logsource-schema', `unknown target key '${key}' (${[...TARGET_KEYS].join(', ')})`, pair);
    }
  }
  if (!t.id) {
    if (!bad) ctx.fail('logsource-schema', 'target without an id', node);
    return undefined;
  }
  if (t.channels.length === 0 && !t.kinds?.length && !t.providers?.length) {
    ctx.fail(
      'logsource-unbounded-target',
      `target '${t.id}' names no channels, kinds or providers: it would match every event`,
      node,
    );
    return undefined;
  }
  if (bad) return undefined;
  t.fieldMap = fieldMap;
  t.valueMaps = valueMaps;
  t.origin = ctx.origin(node);
  return t;
}

function stringListMap(ctx: Ctx, node: YAMLMap): TargetCondition | undefined {
  let field: string | undefined;
  let values: string[] | undefined;
  for (const p of node.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    if (k === 'field') field = scalarString(ctx, p.value, 'where.field');
    else if (k === 'values') values = stringList(ctx, p.value, 'where.values');
    else return undefined;
  }
  return field && values ? { field, values } : undefined;
}

function parseEntry(ctx: Ctx, node: unknown): LogsourceEntry | undefined {
  if (!isMap(node)) {
    ctx.fail('logsource-schema', 'each logsources item must be a map', node as Node);
    return undefined;
  }
  const selector: LogsourceSelector = {};
  let targets: string[] | undefined;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'category' || key === 'product' || key === 'service') {
      const s = scalarString(ctx, pair.value, key);
      if (s !== undefined) selector[key] = s.toLowerCase();
    } else if (key === 'targets') targets = stringList(ctx, pair.value, 'targets');
    else if (!ENTRY_KEYS.has(key)) {
      ctx.fail('logsource-schema', `unknown logsources key '${key}' (${[...ENTRY_KEYS].join(', ')})`, pair);
    }
  }
  if (!selector.category && !selector.product && !selector.service) {
    ctx.fail('logsource-schema', 'a logsources item needs category, product or service', node);
    return undefined;
  }
  if (!targets?.length) {
    ctx.fail('logsource-schema', 'a logsources item needs a non-empty targets list', node);
    return undefined;
  }
  return { selector, targets, location: ctx.at(node) };
}

/** Parse and validate one mapping file's text. */
export function parseMappingFile(text: string, file: string): ParsedMappingFile {
  const lc = new LineCounter();
  const ctx = new Ctx(file, lc);
  const out: ParsedMappingFile = { targets: [], entries: [], issues: ctx.issues };
  if (text.length > MAX_FILE_BYTES) {
    ctx.fail('logsource-file-too-large', `mapping file larger than ${MAX_FILE_BYTES} bytes`, null);
    return out;
  }
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const p = lc.linePos(e.pos[0]);
    ctx.issues.push(
      issue('logsource-yaml', e.message.split('\n')[0] ?? e.code, { file, line: p?.line, col: p?.col }),
    );
  }
  if (doc.errors.length) return out;
  ctx.doc = doc;
  const root = doc.contents;
  if (!isMap(root)) {
    ctx.fail('logsource-schema', 'a mapping file is a map with `targets` and/or `logsources`', root);
    return out;
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'targets' || key === 'logsources') {
      if (!isSeq(pair.value)) {
        ctx.fail('logsource-schema', `${key} must be a list`, pair);
        continue;
      }
      for (const raw of pair.value.items) {
        const item = ctx.d(raw);
        if (key === 'targets') {
          const t = parseTarget(ctx, item);
          if (t) out.targets.push(t);
        } else {
          const e = parseEntry(ctx, item);
          if (e) out.entries.push(e);
        }
      }
    } else if (key !== 'title' && key !== 'description') {
      ctx.fail(
        'logsource-schema',
        `unknown top-level key '${key}' (title, description, targets, logsources)`,
        pair,
      );
    }
  }
  return out;
}
