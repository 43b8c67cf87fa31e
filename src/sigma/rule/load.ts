/**
 * @module sigma/rule/load
 * Loading rule files: directory walk (.yml/.yaml), multi-document YAML, dispatch of each document
 * to the rule, correlation or meta-filter parser, and the load status of every document. Nothing
 * is dropped silently: a document that cannot load becomes a `RefusedRule` with a stable code and
 * its file:line:col. Fail-fast (default) reports a refused document's first error; collect mode
 * (`collectIssues`) reports all of them and keeps placeholder rules for lint and the UI.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { applyFilters, parseFilterDocument } from '../filter/index.js';
import { parseCorrelation } from './correlation-bridge.js';
import { parseRuleDocument, ruleKey } from './parse.js';
import type { LoadOptions, LoadStatus, RefusedRule, RuleSet, SigmaRule } from './types.js';
import { parseYamlDocuments } from './yaml.js';

/** Rule files larger than this are refused (`file-too-large`). */
export const MAX_RULE_FILE_BYTES = 8 * 1024 * 1024;

/** In collect mode, the placeholder rules of refused documents, by refusal. */
export const placeholderRules = new WeakMap<RefusedRule, SigmaRule>();

function emptySet(): RuleSet {
  return { rules: [], correlations: [], filters: [], refused: [], issues: [] };
}

function refuse(
  set: RuleSet,
  errors: Issue[],
  warnings: Issue[],
  file: string,
  fallback: { line: number; col: number },
  meta: { id?: string | undefined; title?: string | undefined },
  collect: boolean,
): RefusedRule {
  const first = errors[0] as Issue;
  const r: RefusedRule = {
    file,
    line: first.location?.line ?? fallback.line,
    col: first.location?.col ?? fallback.col,
    ...(meta.id !== undefined ? { id: meta.id } : {}),
    ...(meta.title ? { title: meta.title } : {}),
    code: first.code,
    message: first.message,
  };
  set.refused.push(r);
  if (collect) set.issues.push(...errors, ...warnings);
  else set.issues.push(first);
  return r;
}

function textField(raw: unknown, key: string): string | undefined {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const v = (raw as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

function loadInto(set: RuleSet, text: string, file: string, opts: LoadOptions): void {
  const collect = opts.collectIssues === true;
  const emit = opts.onDocument;
  const docs = parseYamlDocuments(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  for (const doc of docs) {
    if (doc.errors.length) {
      const errs = doc.errors.map((e) =>
        issue('yaml-syntax', e.message, { file, line: e.pos.line, col: e.pos.col }),
      );
      refuse(set, errs, [], file, doc.pos, {}, collect);
      emit?.({ kind: 'unknown', file, ...doc.pos, status: 'refused', errors: errs, warnings: [] });
      continue;
    }
    const yamlWarnings = doc.warnings.map((w) =>
      issue(w.code, w.message, { file, line: w.pos.line, col: w.pos.col }, undefined, 'warning'),
    );
    const root = doc.root;
    if (!root || (root.kind === 'scalar' && (root.value === null || root.value === undefined))) continue;
    const at = { file, line: root.pos.line, col: root.pos.col };
    if (root.kind !== 'map') {
      const errs = [issue('invalid-document', 'a Sigma document must be a YAML map', at)];
      refuse(set, errs, [], file, root.pos, {}, collect);
      emit?.({ kind: 'unknown', ...at, status: 'refused', errors: errs, warnings: yamlWarnings });
      continue;
    }
    const has = (k: string) => root.entries.some((e) => e.key === k);
    if (has('correlation')) {
      const r = parseCorrelation(root, file);
      const meta = { id: textField(r.raw, 'id'), title: textField(r.raw, 'title') };
      if (r.ok) {
        const warnings = [...yamlWarnings, ...r.warnings];
        set.correlations.push(r.value);
        set.issues.push(...warnings);
        emit?.({
          kind: 'correlation',
          ...at,
          ...defined(meta),
          status: status([], warnings),
          errors: [],
          warnings,
          correlation: r.value,
        });
      } else {
        refuse(set, [...r.issues], yamlWarnings, file, root.pos, meta, collect);
        emit?.({
          kind: 'correlation',
          ...at,
          ...defined(meta),
          status: 'refused',
          errors: [...r.issues],
          warnings: yamlWarnings,
        });
      }
      continue;
    }
    if (has('filter') && !has('detection')) {
      const f = parseFilterDocument(root, file, opts.placeholders);
      const warnings = [...yamlWarnings, ...f.warnings];
      const raw = Object.fromEntries(
        root.entries.map((e) => [e.key, e.value.kind === 'scalar' ? e.value.value : null]),
      );
      const meta = { id: textField(raw, 'id'), title: textField(raw, 'title') };
      if (f.filter && f.errors.length === 0) {
        const filter = { ...f.filter, warnings };
        set.filters.push(filter);
        set.issues.push(...warnings);
        emit?.({
          kind: 'filter',
          ...at,
          ...defined(meta),
          status: status([], warnings),
          errors: [],
          warnings,
          filter,
        });
      } else {
        const errs = f.errors.length ? f.errors : [issue('invalid-filter', 'filter could not be read', at)];
        refuse(set, errs, warnings, file, root.pos, meta, collect);
        emit?.({ kind: 'filter', ...at, ...defined(meta), status: 'refused', errors: errs, warnings });
      }
      continue;
    }
    const p = parseRuleDocument(root, file, opts.placeholders);
    const warnings = [...yamlWarnings, ...p.warnings];
    const rule: SigmaRule = { ...p.rule, warnings };
    const meta = { id: rule.id, title: rule.title || undefined };
    if (p.errors.length) {
      const r = refuse(set, p.errors, warnings, file, root.pos, meta, collect);
      if (collect) placeholderRules.set(r, rule);
      emit?.({ kind: 'rule', ...at, ...defined(meta), status: 'refused', errors: p.errors, warnings, rule });
      continue;
    }
    set.rules.push(rule);
    set.issues.push(...warnings);
    emit?.({
      kind: 'rule',
      ...at,
      ...defined(meta),
      status: status([], warnings),
      errors: [],
      warnings,
      rule,
    });
  }
}

function status(errors: readonly Issue[], warnings: readonly Issue[]): LoadStatus {
  if (errors.length) return 'refused';
  return warnings.some((w) => w.severity === 'warning' || w.severity === 'error')
    ? 'loaded-with-warnings'
    : 'loaded';
}

function defined(meta: { id?: string | undefined; title?: string | undefined }): {
  id?: string;
  title?: string;
} {
  return { ...(meta.id !== undefined ? { id: meta.id } : {}), ...(meta.title ? { title: meta.title } : {}) };
}

function finish(set: RuleSet, opts: LoadOptions): RuleSet {
  const seen = new Map<string, SigmaRule>();
  for (const r of set.rules) {
    for (const k of [r.id, r.name]) {
      if (k === undefined) continue;
      const prev = seen.get(k);
      if (prev && prev !== r) {
        set.issues.push(
          issue(
            'duplicate-id',
            `'${k}' is used by ${prev.file}:${prev.line} and ${r.file}:${r.line}`,
            { file: r.file, line: r.line, col: r.col },
            undefined,
            'warning',
          ),
        );
      } else seen.set(k, r);
    }
  }
  if (set.filters.length && opts.applyFilters !== false) {
    const a = applyFilters(set.rules, set.filters, ruleKey);
    set.rules = a.rules;
    set.issues.push(...a.issues);
  }
  return set;
}

/** Load the Sigma documents of one YAML text (several documents may be separated by `---`). */
export function loadRuleText(text: string, file: string, opts: LoadOptions = {}): RuleSet {
  const set = emptySet();
  loadInto(set, text, file, opts);
  return finish(set, opts);
}

async function walk(path: string, out: string[], seen: Set<string>, depth: number): Promise<void> {
  const real = await realpath(path);
  if (seen.has(real) || depth > 32) return;
  seen.add(real);
  const st = await stat(real);
  if (st.isDirectory()) {
    const names = (await readdir(real)).sort();
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const p = join(path, n);
      const s = await stat(p).catch(() => null);
      if (!s) continue;
      if (s.isDirectory()) await walk(p, out, seen, depth + 1);
      // `X.tests.yml` beside a rule holds its test events (docs/rules.md), not rules.
      else if (/\.ya?ml$/i.test(n) && !/\.tests\.ya?ml$/i.test(n)) out.push(p);
    }
  } else out.push(path);
}

type ReadResult =
  | { kind: 'text'; text: string }
  | { kind: 'too-large'; size: number }
  | { kind: 'error'; message: string };

/** Rule files read ahead of the parser. */
const READ_AHEAD = 16;

async function readRuleFile(f: string): Promise<ReadResult> {
  try {
    const st = await stat(f);
    if (st.size > MAX_RULE_FILE_BYTES) return { kind: 'too-large', size: st.size };
    return { kind: 'text', text: await readFile(f, 'utf8') };
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
}

/** Reads `files` up to `ahead` ahead of the one asked for; `next(i)` is asked in order. */
function readAhead(files: readonly string[], ahead: number): { next(i: number): Promise<ReadResult> } {
  const pending = new Map<number, Promise<ReadResult>>();
  let started = 0;
  return {
    next(i: number) {
      while (started < files.length && started <= i + ahead) {
        pending.set(started, readRuleFile(files[started] as string));
        started++;
      }
      const p = pending.get(i) ?? readRuleFile(files[i] as string);
      pending.delete(i);
      return p;
    },
  };
}

/** The rule files of files and directories (walked recursively for .yml/.yaml, sorted), and the paths that could not be walked. */
export async function listRuleFiles(
  paths: readonly string[],
): Promise<{ files: string[]; errors: Array<{ path: string; message: string }> }> {
  const files: string[] = [];
  const errors: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  for (const p of paths) {
    try {
      await walk(p, files, seen, 0);
    } catch (e) {
      errors.push({ path: p, message: (e as Error).message });
    }
  }
  return { files, errors };
}

/** Load rule files and directories (walked recursively for .yml/.yaml, in sorted order). */
export async function loadRuleFiles(paths: string[], opts: LoadOptions = {}): Promise<RuleSet> {
  const set = emptySet();
  const { files, errors } = await listRuleFiles(paths);
  for (const { path: p, message } of errors) {
    const r: RefusedRule = { file: p, line: 0, col: 0, code: 'read-error', message };
    set.refused.push(r);
    set.issues.push(issue('read-error', r.message, { file: p }));
  }
  // Files are read ahead with bounded concurrency (I/O overlaps parsing), then loaded in order.
  const texts = readAhead(files, READ_AHEAD);
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as string;
    const got = await texts.next(i);
    if (got.kind === 'too-large') {
      const msg = `rule file is ${got.size} bytes (limit ${MAX_RULE_FILE_BYTES})`;
      set.refused.push({ file: f, line: 0, col: 0, code: 'file-too-large', message: msg });
      set.issues.push(issue('file-too-large', msg, { file: f }));
      continue;
    }
    if (got.kind === 'error') {
      const r: RefusedRule = { file: f, line: 0, col: 0, code: 'read-error', message: got.message };
      set.refused.push(r);
      set.issues.push(issue('read-error', r.message, { file: f }));
      continue;
    }
    loadInto(set, got.text, f, opts);
  }
  return finish(set, opts);
}
