/**
 * @module engine/dump-task
 * The worker-side job of `fathom dump`: read one task's events and render them, yielding
 * ~1 MiB partials of text with counts and issues.
 */
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import { eventToJsonLine, eventToXml } from '../sources/render.js';
import type { EventWithXml } from '../sources/types.js';
import type { ReadTask } from './read-task.js';
import { addItemIssues, MAX_ISSUES_PER_PARTIAL, readTaskBatches } from './read-task.js';

export type DumpFormat = 'jsonl' | 'xml';

export interface DumpTask {
  type: 'dump';
  read: ReadTask;
  format: DumpFormat;
}

export interface DumpPartial {
  text: string;
  records: number;
  errors: number;
  issues: Issue[];
  /** Source kind that read the file (first partial with events). */
  kind?: string;
}

const PARTIAL_TEXT = 1 << 20;

/** Run one dump task, yielding partial renderings in order. Never throws on bad evidence. */
export async function* runDumpTask(task: DumpTask): AsyncGenerator<DumpPartial> {
  const path = task.read.path;
  let parts: string[] = [];
  let size = 0;
  let p: DumpPartial = { text: '', records: 0, errors: 0, issues: [] };
  let suppressed = 0;
  const take = (): DumpPartial => {
    if (suppressed) {
      p.issues.push(
        issue('issues-suppressed', `${suppressed} further issues in this part were not listed`, {
          file: path,
        }),
      );
    }
    p.text = parts.join('');
    const out = p;
    parts = [];
    size = 0;
    suppressed = 0;
    p = { text: '', records: 0, errors: 0, issues: [] };
    return out;
  };
  const jsonl = task.format === 'jsonl';
  for await (const batch of readTaskBatches(task.read, { xml: !jsonl })) {
    for (const item of batch) {
      if (item.ok) {
        const ev = item.value as EventWithXml;
        if (!p.kind) p.kind = ev.kind;
        const text = jsonl ? `${eventToJsonLine(ev)}\n` : (ev.xml ?? eventToXml(ev));
        parts.push(text);
        size += text.length;
        p.records++;
      } else {
        suppressed += addItemIssues(p, item.issues);
      }
    }
    if (size >= PARTIAL_TEXT || p.issues.length >= MAX_ISSUES_PER_PARTIAL) yield take();
  }
  yield take();
}
