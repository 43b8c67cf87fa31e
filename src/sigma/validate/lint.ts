/**
 * @module sigma/validate/lint
 * `lintRules`: every Sigma document under the given paths with its load status and every issue
 * (collect mode), plus checks that need the whole rule or the whole set: unused search
 * identifiers, `all of them` (discouraged by the spec), time modifiers (read in UTC), duplicate
 * ids and names across files. Severity: `error` refuses a document, `warning` is a spec violation
 * or a risky construct that still loads, `info` is advice.
 */
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { conditionNames } from '../condition/parse.js';
import { loadRuleFiles } from '../rule/load.js';
import type { Condition, DetectionNode, DocumentRecord, LoadStatus, SigmaRule } from '../rule/types.js';

export interface LintEntry
  extends Pick<DocumentRecord, 'kind' | 'file' | 'line' | 'col' | 'id' | 'title' | 'status'> {
  /** Refusal code (the first error), for refused documents. */
  readonly reason?: string;
  readonly issues: Issue[];
}

export interface LintReport {
  readonly entries: LintEntry[];
  /** Issues about the set (duplicate ids and names) and unreadable paths. */
  readonly issues: Issue[];
  readonly counts: {
    readonly documents: number;
    readonly loaded: number;
    readonly loadedWithWarnings: number;
    readonly refused: number;
    /** Refused documents per reason code. */
    readonly byReason: Readonly<Record<string, number>>;
  };
}

export interface LintOptions {
  readonly placeholders?: Record<string, string[]>;
}

const TIME_MODS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);

function usesTime(n: DetectionNode): boolean {
  if (n.kind === 'item') return n.item.modifiers.some((m) => TIME_MODS.has(m));
  return n.items.some(usesTime);
}

function hasAllOfThem(c: Condition): boolean {
  if (c.kind === 'of') return c.quant === 'all' && c.pattern === 'them';
  if (c.kind === 'not') return hasAllOfThem(c.item);
  if (c.kind === 'id') return false;
  return c.items.some(hasAllOfThem);
}

/** Checks on one loaded rule that loading itself does not make. */
export function ruleChecks(rule: SigmaRule): Issue[] {
  const out: Issue[] = [];
  const at = { file: rule.file, line: rule.line, col: rule.col };
  const used = conditionNames(rule.detection.condition);
  for (const [name, s] of rule.detection.selections) {
    const loc = { file: rule.file, line: s.line, col: s.col };
    if (!used.has(name)) {
      out.push(
        issue(
          'unused-identifier',
          `search identifier '${name}' is not used by the condition`,
          loc,
          undefined,
          'warning',
        ),
      );
    }
    if (usesTime(s.node)) {
      out.push(
        issue(
          'time-modifier-utc',
          `'${name}' uses a time modifier: Fathom reads dates in UTC (the spec does no zone conversion)`,
          loc,
          undefined,
          'info',
        ),
      );
    }
  }
  if (hasAllOfThem(rule.detection.condition)) {
    out.push(
      issue(
        'all-of-them',
        `'all of them' is discouraged: downstream users cannot add a filter`,
        at,
        undefined,
        'info',
      ),
    );
  }
  return out;
}

/** Lint every Sigma document under `paths` (files or directories). */
export async function lintRules(paths: string[], opts: LintOptions = {}): Promise<LintReport> {
  const entries: LintEntry[] = [];
  const set = await loadRuleFiles(paths, {
    collectIssues: true,
    applyFilters: false,
    ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
    onDocument(d) {
      const issues = [...d.errors, ...d.warnings];
      if (d.rule && d.status !== 'refused') issues.push(...ruleChecks(d.rule));
      const hasWarn = issues.some((i) => i.severity !== 'info');
      const status: LoadStatus =
        d.status === 'refused' ? 'refused' : hasWarn ? 'loaded-with-warnings' : 'loaded';
      entries.push({
        kind: d.kind,
        file: d.file,
        line: d.line,
        col: d.col,
        ...(d.id !== undefined ? { id: d.id } : {}),
        ...(d.title !== undefined ? { title: d.title } : {}),
        status,
        ...(d.errors[0] ? { reason: d.errors[0].code } : {}),
        issues,
      });
    },
  });
  // Set-level issues: loader issues not tied to one document (duplicates, unreadable paths).
  const setIssues = set.issues.filter(
    (i) => i.code === 'duplicate-id' || i.code === 'read-error' || i.code === 'file-too-large',
  );
  for (const r of set.refused) {
    if (r.code === 'read-error' || r.code === 'file-too-large') {
      entries.push({
        kind: 'unknown',
        file: r.file,
        line: r.line,
        col: r.col,
        status: 'refused',
        reason: r.code,
        issues: [issue(r.code, r.message, { file: r.file })],
      });
    }
  }
  const byReason: Record<string, number> = {};
  let loaded = 0;
  let loadedWithWarnings = 0;
  let refused = 0;
  for (const e of entries) {
    if (e.status === 'loaded') loaded++;
    else if (e.status === 'loaded-with-warnings') loadedWithWarnings++;
    else {
      refused++;
      const k = e.reason ?? 'unknown';
      byReason[k] = (byReason[k] ?? 0) + 1;
    }
  }
  return {
    entries,
    issues: setIssues,
    counts: { documents: entries.length, loaded, loadedWithWarnings, refused, byReason },
  };
}
