/**
 * @module sigma/pipeline/load
 * Loads the logsource mapping: the shipped `data/logsources/*.yml` (found from the package
 * root) plus the user's extra files, merged in that order, into a `LogsourceMap` that resolves
 * a rule's `logsource` to its targets. Unknown logsources resolve to `null`, never to "every event".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import { readCachedValue, writeCacheEntry } from '../../core/disk-cache.js';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';
import { cacheKey } from '../cache-key.js';
import type { LogsourceEntry, ParsedMappingFile } from './schema.js';
import { parseMappingFile } from './schema.js';
import type { LogsourceSelector, LogsourceTarget } from './types.js';

export interface LogsourceMap {
  /** Every target, in load order (a user's file may override a shipped target by id). */
  readonly targets: LogsourceTarget[];
  /** Warnings and notes from loading (errors too, with `collectIssues`). */
  readonly issues: Issue[];
  /** The targets a rule's logsource means, or null when the logsource is unknown. */
  resolve(ls: LogsourceSelector): LogsourceTarget[] | null;
  targetById(id: string): LogsourceTarget | undefined;
}

export interface LoadLogsourceOptions {
  /** User mapping files, loaded after the shipped ones (same schema). */
  extraFiles?: readonly string[];
  /** Replace the shipped directory (tests). */
  dataDir?: string;
  /** Return the map with every issue instead of failing on the first error (lint, UI). */
  collectIssues?: boolean;
  /**
   * Keep each file's parsed form in this cache directory, keyed by its path, its text and this
   * build of Fathom (parsing the YAML is most of loading the map).
   */
  cacheDir?: string;
}

const CACHE_PREFIX = 'logsource-';
/** Parsed mapping files kept (the shipped ones plus a few users' own). */
const CACHE_KEEP = 32;

function isParsedMappingFile(v: unknown): v is ParsedMappingFile {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o.targets) && Array.isArray(o.entries) && Array.isArray(o.issues);
}

/** `parseMappingFile` through the cache in `dir` (when given). */
function parseMappingFileCached(text: string, file: string, dir: string | undefined): ParsedMappingFile {
  if (!dir) return parseMappingFile(text, file);
  const key = cacheKey(['logsource 1', file, text]);
  const cached = readCachedValue(dir, CACHE_PREFIX, key, isParsedMappingFile);
  if (cached) return cached.value;
  const parsed = parseMappingFile(text, file);
  writeCacheEntry(dir, CACHE_PREFIX, key, serialize(parsed), CACHE_KEEP);
  return parsed;
}

/** The folder holding package.json, walking up from this module. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string | null {
  let dir = dirname(from);
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

export function shippedLogsourceDir(): string | null {
  const root = packageRoot();
  return root ? join(root, 'data', 'logsources') : null;
}

function key(s: LogsourceSelector): string {
  return `${s.category ?? ''}|${s.product ?? ''}|${s.service ?? ''}`;
}

class MapImpl implements LogsourceMap {
  readonly targets: LogsourceTarget[];
  readonly issues: Issue[];
  private readonly byId: Map<string, LogsourceTarget>;
  private readonly byKey: Map<string, LogsourceTarget[]>;
  private readonly byCategory: Map<string, LogsourceTarget[]>;

  constructor(byId: Map<string, LogsourceTarget>, entries: Map<string, string[]>, issues: Issue[]) {
    this.byId = byId;
    this.targets = [...byId.values()];
    this.issues = issues;
    this.byKey = new Map();
    this.byCategory = new Map();
    for (const [k, ids] of entries) {
      const ts = ids.map((id) => byId.get(id)).filter((t): t is LogsourceTarget => t !== undefined);
      this.byKey.set(k, ts);
      const [category, , service] = k.split('|');
      if (category) {
        const ck = `${category}|${service}`;
        const list = this.byCategory.get(ck) ?? [];
        for (const t of ts) if (!list.includes(t)) list.push(t);
        this.byCategory.set(ck, list);
      }
    }
  }

  targetById(id: string): LogsourceTarget | undefined {
    return this.byId.get(id);
  }

  /**
   * Exact (category, product, service) first. A rule with a category but no product (e.g.
   * `category: process_creation` alone) takes that category's targets over every product.
   */
  resolve(ls: LogsourceSelector): LogsourceTarget[] | null {
    const sel: LogsourceSelector = {};
    if (ls.category) sel.category = ls.category.toLowerCase();
    if (ls.product) sel.product = ls.product.toLowerCase();
    if (ls.service) sel.service = ls.service.toLowerCase();
    const exact = this.byKey.get(key(sel));
    if (exact?.length) return exact;
    if (sel.category && !sel.product) {
      const any = this.byCategory.get(`${sel.category}|${sel.service ?? ''}`);
      if (any?.length) return any;
    }
    return null;
  }
}

/**
 * Load the shipped mapping plus `extraFiles`. Merge rules: a target id defined again in a later
 * file replaces the earlier one (a note is recorded); logsources items with the same selector
 * add their targets. Fails with every error unless `collectIssues` is set.
 */
export function loadLogsourceMap(opts: LoadLogsourceOptions = {}): Result<LogsourceMap, Issue> {
  const issues: Issue[] = [];
  const files: Array<{ path: string; shipped: boolean }> = [];
  const dir = opts.dataDir ?? shippedLogsourceDir();
  if (!dir || !existsSync(dir)) {
    issues.push(
      issue('logsource-data-missing', `shipped logsource mapping not found (${dir ?? 'no package root'})`),
    );
  } else {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.yml') || name.endsWith('.yaml'))
        files.push({ path: join(dir, name), shipped: true });
    }
  }
  for (const p of opts.extraFiles ?? []) files.push({ path: p, shipped: false });

  const byId = new Map<string, LogsourceTarget>();
  const entries = new Map<string, string[]>();
  const allEntries: LogsourceEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f.path, 'utf8');
    } catch (e) {
      issues.push(
        issue('logsource-file-unreadable', `cannot read: ${(e as Error).message}`, { file: f.path }),
      );
      continue;
    }
    const parsed = parseMappingFileCached(text, f.path, opts.cacheDir);
    issues.push(...parsed.issues);
    for (const t of parsed.targets) {
      const prev = byId.get(t.id);
      if (prev) {
        if (f.shipped) {
          issues.push(
            issue('logsource-duplicate-target', `target '${t.id}' already defined at ${prev.origin}`, {
              file: f.path,
            }),
          );
          continue;
        }
        issues.push(
          issue(
            'logsource-target-overridden',
            `target '${t.id}' (${prev.origin}) replaced by ${t.origin}`,
            { file: f.path },
            undefined,
            'info',
          ),
        );
      }
      byId.set(t.id, t);
    }
    allEntries.push(...parsed.entries);
  }
  for (const e of allEntries) {
    const k = key(e.selector);
    const list = entries.get(k) ?? [];
    for (const id of e.targets) {
      if (!byId.has(id)) {
        issues.push(
          issue('logsource-unknown-target', `logsources item names unknown target '${id}'`, e.location),
        );
        continue;
      }
      if (!list.includes(id)) list.push(id);
    }
    if (list.length) entries.set(k, list);
  }
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length && !opts.collectIssues) return err(...errors);
  return ok(new MapImpl(byId, entries, issues));
}
