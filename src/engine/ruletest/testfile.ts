/**
 * @module engine/ruletest/testfile
 * Reading a rule test file (`X.tests.yml`): the `rule` it tests, its positive and negative cases,
 * and each case's events as flat maps with their line numbers. Bad files yield typed issues with
 * line:col, never exceptions.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Node } from 'yaml';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import type { Result } from '../../core/result.js';
import { err, ok } from '../../core/result.js';

/** Test files larger than this are refused. */
export const MAX_TEST_FILE_BYTES = 4 * 1024 * 1024;
/** At most this many events per case (bounded allocation on untrusted files). */
export const MAX_EVENTS_PER_CASE = 10_000;

export interface TestEvent {
  readonly fields: Record<string, unknown>;
  readonly line: number;
}

export interface TestCase {
  readonly name: string;
  readonly line: number;
  readonly events: readonly TestEvent[];
}

export interface RuleTestFile {
  readonly file: string;
  readonly rule: string;
  readonly positive: readonly TestCase[];
  readonly negative: readonly TestCase[];
}

/** The test file that belongs beside a rule file: `X.yml` → `X.tests.yml`. */
export function testFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, '.tests.yml');
}

export function isTestFile(path: string): boolean {
  return /\.tests\.ya?ml$/i.test(path);
}

function lineOf(node: Node | null | undefined, lc: LineCounter): number {
  const start = node?.range?.[0];
  return start === undefined ? 0 : lc.linePos(start).line;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse a test file's text. */
export function parseTestFile(text: string, file: string): Result<RuleTestFile, Issue> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return err(
      ...doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return issue('test-file-invalid', e.message, { file, line: pos?.line ?? 0, col: pos?.col ?? 0 });
      }),
    );
  }
  const issues: Issue[] = [];
  const at = (node: Node | null | undefined) => ({ file, line: lineOf(node, lc) });
  const root = doc.contents;
  if (!isMap(root))
    return err(
      issue('test-file-invalid', 'a test file must be a YAML map with rule, positive and negative', {
        file,
        line: 1,
      }),
    );
  const js: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isPlainObject(js))
    return err(issue('test-file-invalid', 'a test file must be a YAML map', { file, line: 1 }));
  const rule = js.rule;
  if (typeof rule !== 'string' || rule.trim() === '')
    issues.push(issue('test-file-invalid', "'rule' must name the tested rule's id", at(root)));

  const readCases = (key: 'positive' | 'negative'): TestCase[] => {
    const out: TestCase[] = [];
    const seqNode = root.get(key, true);
    const value = js[key];
    if (value === undefined || value === null) return out;
    if (!Array.isArray(value) || !isSeq(seqNode)) {
      issues.push(issue('test-file-invalid', `'${key}' must be a list of cases`, at(seqNode as Node)));
      return out;
    }
    value.forEach((c: unknown, i: number) => {
      const caseNode = seqNode.items[i] as Node | undefined;
      if (!isPlainObject(c)) {
        issues.push(
          issue('test-file-invalid', `${key}[${i}] must be a map with name and events`, at(caseNode)),
        );
        return;
      }
      const name = typeof c.name === 'string' ? c.name : `${key} #${i + 1}`;
      const evNode = isMap(caseNode) ? (caseNode.get('events', true) as Node | undefined) : undefined;
      if (!Array.isArray(c.events) || c.events.length === 0) {
        issues.push(
          issue(
            'test-file-invalid',
            `${key} case '${name}' needs a non-empty 'events' list`,
            at(evNode ?? caseNode),
          ),
        );
        return;
      }
      if (c.events.length > MAX_EVENTS_PER_CASE) {
        issues.push(
          issue(
            'test-file-invalid',
            `${key} case '${name}' has ${c.events.length} events (limit ${MAX_EVENTS_PER_CASE})`,
            at(evNode),
          ),
        );
        return;
      }
      const events: TestEvent[] = [];
      c.events.forEach((e: unknown, j: number) => {
        const eNode = isSeq(evNode) ? (evNode.items[j] as Node | undefined) : undefined;
        if (!isPlainObject(e)) {
          issues.push(
            issue(
              'test-file-invalid',
              `${key} case '${name}': event #${j + 1} must be a flat map of fields`,
              at(eNode),
            ),
          );
          return;
        }
        events.push({ fields: e, line: lineOf(eNode, lc) });
      });
      out.push({ name, line: lineOf(caseNode, lc), events });
    });
    return out;
  };
  const positive = readCases('positive');
  const negative = readCases('negative');
  if (issues.length) return err(...issues);
  return ok({ file, rule: String(rule).trim(), positive, negative });
}

/** Read and parse a test file; `null` when there is none. */
export async function readTestFile(file: string): Promise<Result<RuleTestFile, Issue> | null> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return null;
  }
  if (size > MAX_TEST_FILE_BYTES) {
    return err(
      issue('test-file-invalid', `test file is ${size} bytes (limit ${MAX_TEST_FILE_BYTES})`, { file }),
    );
  }
  try {
    return parseTestFile(await readFile(file, 'utf8'), file);
  } catch (e) {
    return err(issue('test-file-invalid', (e as Error).message, { file }));
  }
}
