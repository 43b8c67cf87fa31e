/**
 * @module engine/read-task
 * The unit of reading shared by every pipeline (dump, hunt): a whole evidence file, or a range
 * of 64 KiB chunks of a large plain EVTX file (chunks are self-contained, so ranges parse in
 * parallel). Planning walks the evidence; reading yields events and issues, never throws on
 * bad evidence.
 */
import { stat } from 'node:fs/promises';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import { err } from '../core/result.js';
import { fileTruncation, parseChunk, readHeaderBlock, recordItem } from '../sources/evtx/index.js';
import { openReader } from '../sources/file-io.js';
import { readEvidenceBatches } from '../sources/registry.js';
import type { SourceItem } from '../sources/types.js';
import { walkEvidence } from '../sources/walk.js';

export const EVTX_HEADER_SIZE = 4096;
export const EVTX_CHUNK_SIZE = 65536;

/** A whole file (`inDirectory`: found by walking a directory), or a range of an EVTX file's chunks. */
export type ReadTask =
  | { kind: 'file'; path: string; recover: boolean; inDirectory: boolean }
  | { kind: 'evtx-range'; path: string; recover: boolean; firstChunk: number; chunkCount: number };

export interface ReadPlan {
  tasks: ReadTask[];
  /** Size of every evidence file, in walk order. */
  sizes: Map<string, number>;
  issues: Issue[];
}

export interface PlanOptions {
  recover?: boolean;
  /** Split large plain EVTX files into chunk ranges (only worth it with worker threads). */
  split: boolean;
  /** Chunks per range (default 32 = 2 MiB). */
  chunksPerTask?: number;
}

const EVTX_MAGIC = 'ElfFile\u0000';

async function isPlainEvtx(path: string): Promise<boolean> {
  const file = await openReader(path);
  try {
    const head = new Uint8Array(8);
    const got = await file.fill(head, 0, 8, 0);
    return got === 8 && Buffer.from(head).toString('latin1') === EVTX_MAGIC;
  } finally {
    await file.close();
  }
}

/** Walk the evidence and split it into read tasks, in a deterministic order. */
export async function planReadTasks(paths: string[], opts: PlanOptions): Promise<ReadPlan> {
  const tasks: ReadTask[] = [];
  const sizes = new Map<string, number>();
  const issues: Issue[] = [];
  const per = Math.max(1, opts.chunksPerTask ?? 32);
  const recover = opts.recover ?? false;
  for await (const entry of walkEvidence(paths)) {
    if ('issue' in entry) {
      issues.push(entry.issue);
      continue;
    }
    const path = entry.path;
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (e) {
      issues.push(issue('unreadable', `cannot stat: ${(e as Error).message}`, { file: path }));
      continue;
    }
    sizes.set(path, size);
    let split = false;
    if (opts.split && size > EVTX_HEADER_SIZE + 2 * per * EVTX_CHUNK_SIZE) {
      split = await isPlainEvtx(path).catch(() => false);
    }
    if (!split) {
      tasks.push({ kind: 'file', path, recover, inDirectory: entry.inDirectory });
      continue;
    }
    const chunks = Math.ceil((size - EVTX_HEADER_SIZE) / EVTX_CHUNK_SIZE);
    for (let c = 0; c < chunks; c += per) {
      tasks.push({ kind: 'evtx-range', path, recover, firstChunk: c, chunkCount: Math.min(per, chunks - c) });
    }
  }
  return { tasks, sizes, issues };
}

/** Issues a partial result keeps; the rest are counted and summarised. */
export const MAX_ISSUES_PER_PARTIAL = 200;

/**
 * Count an unreadable item into a partial result: one error record when any of its issues is an
 * error, its issues kept up to the cap. Returns how many issues were left out.
 */
export function addItemIssues(
  partial: { errors: number; issues: Issue[] },
  issues: readonly Issue[],
): number {
  if (issues.some((i) => i.severity === 'error')) partial.errors++;
  let left = 0;
  for (const i of issues) {
    if (partial.issues.length < MAX_ISSUES_PER_PARTIAL) partial.issues.push(i);
    else left++;
  }
  return left;
}

/** Bytes of evidence a task covers (for progress). */
export function readTaskBytes(t: ReadTask, sizes: Map<string, number>): number {
  if (t.kind === 'file') return sizes.get(t.path) ?? 0;
  return t.chunkCount * EVTX_CHUNK_SIZE + (t.firstChunk === 0 ? EVTX_HEADER_SIZE : 0);
}

type RangeTask = Extract<ReadTask, { kind: 'evtx-range' }>;

/** A range task's bytes: the file header, the file size and the task's chunks. */
interface RangeBytes {
  head: Uint8Array;
  size: number;
  range: Uint8Array;
  have: number;
}

/** Read a range task's bytes (blocking on worker threads: see `sources/file-io`). */
async function loadRange(task: RangeTask): Promise<RangeBytes> {
  const file = await openReader(task.path);
  try {
    const head = new Uint8Array(EVTX_HEADER_SIZE);
    const got = await file.fill(head, 0, EVTX_HEADER_SIZE, 0);
    const { size } = await file.stat();
    // The task's chunks are read in one go (a range is a few MiB at most), then parsed in turn.
    const range = new Uint8Array(task.chunkCount * EVTX_CHUNK_SIZE);
    const rangeStart = EVTX_HEADER_SIZE + task.firstChunk * EVTX_CHUNK_SIZE;
    const have = await file.fill(range, 0, range.length, rangeStart);
    return { head: head.subarray(0, got), size, range, have };
  } finally {
    await file.close();
  }
}

/**
 * The events of a task, in order, in batches (an EVTX chunk's items, or a few hundred events of
 * other formats): pipelines loop over each batch synchronously, one asynchronous step per batch.
 * Items that are not ok carry the issues of an unreadable record, chunk or file. With `xml`, EVTX
 * events carry their native XML (`EventWithXml`).
 */
export async function* readTaskBatches(
  task: ReadTask,
  opts: { xml?: boolean } = {},
): AsyncGenerator<SourceItem[]> {
  if (task.kind === 'file') {
    yield* readEvidenceBatches(task.path, {
      recover: task.recover,
      inDirectory: task.inDirectory,
      ...(opts.xml ? { xml: true } : {}),
    });
    return;
  }
  let bytes: RangeBytes;
  try {
    bytes = await loadRange(task);
  } catch (e) {
    yield [err(issue('unreadable', `cannot read: ${(e as Error).message}`, { file: task.path }))];
    return;
  }
  const { head, size, range, have } = bytes;
  // The file header's integrity flags travel with every record; its issues are reported once,
  // by the task holding the first chunk.
  const header = readHeaderBlock(head, task.path);
  const first: SourceItem[] = [];
  if (task.firstChunk === 0) for (const i of header.issues) first.push(err(i));
  // The task holding the last chunk says whether the file is shorter than its header claims.
  const lastTask = EVTX_HEADER_SIZE + (task.firstChunk + task.chunkCount) * EVTX_CHUNK_SIZE >= size;
  if (lastTask && header.header) {
    const truncated = fileTruncation(header.header, size, task.path);
    if (truncated) first.push(err(truncated));
  }
  if (first.length) yield first;
  const rangeStart = EVTX_HEADER_SIZE + task.firstChunk * EVTX_CHUNK_SIZE;
  for (let i = 0; i * EVTX_CHUNK_SIZE < have; i++) {
    const fileOffset = rangeStart + i * EVTX_CHUNK_SIZE;
    const chunk = range.subarray(i * EVTX_CHUNK_SIZE, Math.min(have, (i + 1) * EVTX_CHUNK_SIZE));
    const res = parseChunk(chunk, {
      file: task.path,
      chunkIndex: task.firstChunk + i,
      fileOffset,
      recover: task.recover,
      extraFlags: header.flags,
    });
    const out: SourceItem[] = [];
    for (const problem of res.issues) out.push(err(problem));
    for (const item of res.items)
      out.push(item.ok ? recordItem(item.value, task.path, opts.xml === true) : item);
    if (out.length) yield out;
  }
}
