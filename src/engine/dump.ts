/**
 * @module engine/dump
 * `fathom dump`: plan tasks over the evidence (large EVTX files split into chunk ranges), run
 * them on worker threads, and deliver the rendered text in file/record order with counts and
 * every issue. Output order is deterministic whatever the thread count.
 */
import { open, stat } from 'node:fs/promises';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { Progress } from '../core/log.js';
import { nullProgress } from '../core/log.js';
import { walkEvidence } from '../sources/walk.js';
import type { DumpFormat, DumpPartial, DumpTask } from './dump-task.js';
import { EVTX_CHUNK_SIZE, EVTX_HEADER_SIZE, runDumpTask } from './dump-task.js';
import { runOrdered } from './ordered.js';
import { WorkerPool } from './pool.js';

export interface DumpOptions {
  format: DumpFormat;
  recover?: boolean;
  /** Worker threads; 0 runs everything on the calling thread. */
  workers: number;
  /** Chunks per task when a large EVTX file is split (default 32 = 2 MiB). */
  chunksPerTask?: number;
  progress?: Progress;
}

export interface DumpFileSummary {
  path: string;
  kind?: string;
  bytes: number;
  records: number;
  errors: number;
}

export interface DumpSummary {
  files: DumpFileSummary[];
  records: number;
  errors: number;
  bytes: number;
  issues: Issue[];
}

const EVTX_MAGIC = 'ElfFile\u0000';

async function isPlainEvtx(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    return bytesRead === 8 && Buffer.from(head).toString('latin1') === EVTX_MAGIC;
  } finally {
    await fh.close();
  }
}

/** Split the evidence into tasks. Issues for unreadable paths are returned, not thrown. */
export async function planDump(
  paths: string[],
  opts: DumpOptions,
): Promise<{ tasks: DumpTask[]; sizes: Map<string, number>; issues: Issue[] }> {
  const tasks: DumpTask[] = [];
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
    let evtx = false;
    try {
      evtx =
        opts.workers > 0 && size > EVTX_HEADER_SIZE + 2 * per * EVTX_CHUNK_SIZE && (await isPlainEvtx(path));
    } catch {
      evtx = false;
    }
    if (!evtx) {
      tasks.push({ type: 'dump-file', path, format: opts.format, recover });
      continue;
    }
    const chunks = Math.ceil((size - EVTX_HEADER_SIZE) / EVTX_CHUNK_SIZE);
    for (let c = 0; c < chunks; c += per) {
      tasks.push({
        type: 'dump-evtx-range',
        path,
        format: opts.format,
        recover,
        firstChunk: c,
        chunkCount: Math.min(per, chunks - c),
      });
    }
  }
  return { tasks, sizes, issues };
}

function taskBytes(t: DumpTask, sizes: Map<string, number>): number {
  if (t.type === 'dump-file') return sizes.get(t.path) ?? 0;
  return t.chunkCount * EVTX_CHUNK_SIZE + (t.firstChunk === 0 ? EVTX_HEADER_SIZE : 0);
}

/**
 * Dump the evidence, calling `write` with rendered text in order. Returns the summary; never
 * throws on bad evidence (a task that fails outright becomes an issue naming its file).
 */
export async function runDump(
  paths: string[],
  opts: DumpOptions,
  write: (text: string) => void | Promise<void>,
): Promise<DumpSummary> {
  const progress = opts.progress ?? nullProgress;
  const { tasks, sizes, issues } = await planDump(paths, opts);
  const files = new Map<string, DumpFileSummary>();
  for (const [path, bytes] of sizes) files.set(path, { path, bytes, records: 0, errors: 0 });
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  progress.start(totalBytes, 'dump');

  const pool = opts.workers > 0 ? new WorkerPool(Math.min(opts.workers, Math.max(1, tasks.length))) : null;
  const execute = pool
    ? (task: DumpTask, emit: (p: DumpPartial) => Promise<void>) =>
        pool.submit(task as unknown as { type: string }, (d) => emit(d as DumpPartial))
    : async (task: DumpTask, emit: (p: DumpPartial) => Promise<void>) => {
        for await (const p of runDumpTask(task)) await emit(p);
      };
  try {
    await runOrdered<DumpTask, DumpPartial | { end: true }>(
      tasks,
      async (task, emit) => {
        await execute(task, emit);
        await emit({ end: true });
      },
      async (p, task) => {
        if ('end' in p) {
          progress.advance(taskBytes(task, sizes));
          return;
        }
        const f = files.get(task.path);
        if (f) {
          f.records += p.records;
          f.errors += p.errors;
          if (p.kind && !f.kind) f.kind = p.kind;
          if (task.type === 'dump-evtx-range') f.kind = 'evtx';
        }
        for (const i of p.issues) issues.push(i);
        if (p.text) await write(p.text);
      },
      (p) => ('end' in p ? 0 : p.text.length),
      (error, task) => {
        issues.push(issue('task-failed', `reading failed: ${error.message}`, { file: task.path }));
      },
      { concurrency: pool ? pool.size * 2 : 1 },
    );
  } finally {
    progress.done();
    await pool?.close();
  }
  const list = [...files.values()];
  return {
    files: list,
    records: list.reduce((a, f) => a + f.records, 0),
    errors: list.reduce((a, f) => a + f.errors, 0),
    bytes: totalBytes,
    issues,
  };
}
