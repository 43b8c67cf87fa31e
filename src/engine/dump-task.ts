/**
 * @module engine/dump-task
 * The unit of work of `fathom dump`: a whole evidence file, or a range of 64 KiB chunks of a
 * large EVTX file. Runs in a worker thread or inline; yields rendered text in ~1 MiB partials.
 */
import { open } from 'node:fs/promises';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { Event } from '../model/event.js';
import { parseChunk, recordToEvent, renderRecordXml } from '../sources/evtx/index.js';
import { readEvidenceFile } from '../sources/registry.js';
import { eventToJsonLine, eventToXml } from '../sources/render.js';
import type { EventWithXml } from '../sources/types.js';

export type DumpFormat = 'jsonl' | 'xml';

export const EVTX_HEADER_SIZE = 4096;
export const EVTX_CHUNK_SIZE = 65536;

export type DumpTask =
  | { type: 'dump-file'; path: string; format: DumpFormat; recover: boolean }
  | {
      type: 'dump-evtx-range';
      path: string;
      format: DumpFormat;
      recover: boolean;
      firstChunk: number;
      chunkCount: number;
    };

export interface DumpPartial {
  text: string;
  records: number;
  errors: number;
  issues: Issue[];
  /** Source kind that read the file (first partial of a file task). */
  kind?: string;
}

const PARTIAL_TEXT = 1 << 20;
const MAX_ISSUES_PER_PARTIAL = 200;

class Batcher {
  parts: string[] = [];
  size = 0;
  records = 0;
  errors = 0;
  issues: Issue[] = [];
  suppressed = 0;
  kind: string | undefined;

  addText(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    this.records++;
  }

  addIssues(list: readonly Issue[], countsAsError: boolean): void {
    if (countsAsError) this.errors++;
    for (const i of list) {
      if (this.issues.length < MAX_ISSUES_PER_PARTIAL) this.issues.push(i);
      else this.suppressed++;
    }
  }

  full(): boolean {
    return this.size >= PARTIAL_TEXT || this.issues.length >= MAX_ISSUES_PER_PARTIAL;
  }

  take(path: string): DumpPartial {
    if (this.suppressed) {
      this.issues.push(
        issue('issues-suppressed', `${this.suppressed} further issues in this part were not listed`, {
          file: path,
        }),
      );
    }
    const p: DumpPartial = {
      text: this.parts.join(''),
      records: this.records,
      errors: this.errors,
      issues: this.issues,
    };
    if (this.kind) p.kind = this.kind;
    this.parts = [];
    this.size = 0;
    this.records = 0;
    this.errors = 0;
    this.issues = [];
    this.suppressed = 0;
    this.kind = undefined;
    return p;
  }
}

function render(e: Event, format: DumpFormat, xml?: string): string {
  if (format === 'jsonl') return `${eventToJsonLine(e)}\n`;
  return xml ?? eventToXml(e);
}

/** Run one dump task, yielding partial renderings in order. Never throws on bad evidence. */
export async function* runDumpTask(task: DumpTask): AsyncGenerator<DumpPartial> {
  const b = new Batcher();
  if (task.type === 'dump-file') {
    for await (const item of readEvidenceFile(task.path, {
      recover: task.recover,
      xml: task.format === 'xml',
    })) {
      if (item.ok) {
        const ev = item.value as EventWithXml;
        if (b.kind === undefined && b.records === 0) b.kind = ev.kind;
        b.addText(render(ev, task.format, ev.xml));
      } else {
        b.addIssues(
          item.issues,
          item.issues.some((i) => i.severity === 'error'),
        );
      }
      if (b.full()) yield b.take(task.path);
    }
    yield b.take(task.path);
    return;
  }
  const fh = await open(task.path, 'r');
  try {
    const buf = new Uint8Array(EVTX_CHUNK_SIZE);
    for (let c = task.firstChunk; c < task.firstChunk + task.chunkCount; c++) {
      const fileOffset = EVTX_HEADER_SIZE + c * EVTX_CHUNK_SIZE;
      const { bytesRead } = await fh.read(buf, 0, EVTX_CHUNK_SIZE, fileOffset);
      if (bytesRead === 0) break;
      const chunk = bytesRead === EVTX_CHUNK_SIZE ? buf : buf.subarray(0, bytesRead);
      const res = parseChunk(chunk, { file: task.path, chunkIndex: c, fileOffset, recover: task.recover });
      b.addIssues(res.issues, false);
      for (const item of res.items) {
        if (item.ok) {
          const ev = recordToEvent(item.value, task.path);
          b.addText(render(ev, task.format, task.format === 'xml' ? renderRecordXml(item.value) : undefined));
        } else {
          b.addIssues(item.issues, true);
        }
      }
      if (b.full()) yield b.take(task.path);
    }
  } finally {
    await fh.close();
  }
  yield b.take(task.path);
}
