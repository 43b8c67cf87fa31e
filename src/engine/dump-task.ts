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
  /**
   * Hand the text on encoded as UTF-8 (`bytes`, not `text`): set for worker threads, whose
   * partials then move to the main thread without a copy and go to the output as they are.
   */
  encode?: boolean;
}

export interface DumpPartial {
  /** Rendered text (empty when `bytes` carries it). */
  text: string;
  /** The rendered text as UTF-8, for tasks run with `encode`. */
  bytes?: Uint8Array;
  records: number;
  errors: number;
  issues: Issue[];
  /** Source kind that read the file (first partial with events). */
  kind?: string;
}

const PARTIAL_TEXT = 1 << 20;

/**
 * Capacity of the buffers a dump worker encodes into. Buffers come back from the main thread once
 * written (`recycleDumpBuffer`), so a worker keeps reusing a few instead of leaving the main
 * thread's heap to collect a stream of them (measured on the 1 GiB file: +35 MB resident without).
 */
export const DUMP_BUFFER_BYTES = 2 * 1024 * 1024;
const MAX_SPARE = 4;
const spare: ArrayBuffer[] = [];
const encoder = new TextEncoder();

/** A written buffer handed back to this thread for reuse. */
export function recycleDumpBuffer(buffer: ArrayBuffer): void {
  if (buffer.byteLength === DUMP_BUFFER_BYTES && spare.length < MAX_SPARE) spare.push(buffer);
}

/** UTF-8 of `text` in an ArrayBuffer of its own (so it can be transferred, not copied). */
function ownBytes(text: string): Uint8Array {
  // Most text is ASCII, so a partial's text (~1 M characters) nearly always fits one buffer.
  if (text.length <= DUMP_BUFFER_BYTES) {
    const buffer = spare.pop() ?? new ArrayBuffer(DUMP_BUFFER_BYTES);
    const { read, written } = encoder.encodeInto(text, new Uint8Array(buffer));
    if (read === text.length) return new Uint8Array(buffer, 0, written);
    recycleDumpBuffer(buffer);
  }
  const b = Buffer.from(text, 'utf8');
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b;
  return new Uint8Array(b);
}

/** The buffers of a partial that a worker can transfer instead of copying. */
export function dumpTransfer(p: DumpPartial): ArrayBuffer[] {
  return p.bytes ? [p.bytes.buffer as ArrayBuffer] : [];
}

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
    const text = parts.join('');
    if (task.encode) p.bytes = ownBytes(text);
    else p.text = text;
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
