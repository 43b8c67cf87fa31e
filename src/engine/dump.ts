/**
 * @module engine/dump
 * `fathom dump`: plan tasks over the evidence (large EVTX files split into chunk ranges), run
 * them on worker threads, and deliver the rendered text in file/record order with counts and
 * every issue. Output order is deterministic whatever the thread count.
 */
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import type { Progress } from '../core/log.js';
import { nullProgress } from '../core/log.js';
import type { DumpFormat, DumpPartial, DumpTask } from './dump-task.js';
import { runDumpTask } from './dump-task.js';
import type { WorkerCount } from './pool.js';
import { resolveWorkers, WorkerPool } from './pool.js';
import { planReadTasks } from './read-task.js';
import { runReadTasks } from './run-tasks.js';

/** Bytes of rendered output buffered out of order (keeps resident memory low on huge files). */
export const DUMP_MAX_BUFFERED = 16 * 1024 * 1024;

/**
 * Heap cap of each dump worker (MiB): a worker holds one chunk range and its rendered text; without
 * a cap V8 grows the heap lazily and resident memory follows.
 */
export const DUMP_WORKER_HEAP_MB = 96;

export interface DumpOptions {
  format: DumpFormat;
  recover?: boolean;
  /** Worker threads; 0 runs everything on the calling thread; `auto` decides by evidence size. */
  workers: WorkerCount;
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
  /** Worker threads used (0: the calling thread). */
  workers: number;
}

/**
 * Dump the evidence, calling `write` with the rendered output in order: text from the calling
 * thread, UTF-8 bytes from worker threads. Bytes are reused once `write`'s promise settles, so
 * `write` must have finished with them by then. Returns the summary; never throws on bad
 * evidence (a task that fails outright becomes an issue naming its file).
 */
export async function runDump(
  paths: string[],
  opts: DumpOptions,
  write: (chunk: string | Uint8Array) => void | Promise<void>,
): Promise<DumpSummary> {
  const progress = opts.progress ?? nullProgress;
  const plan = await planReadTasks(paths, {
    split: opts.workers === 'auto' || opts.workers > 0,
    recover: opts.recover ?? false,
    ...(opts.chunksPerTask ? { chunksPerTask: opts.chunksPerTask } : {}),
  });
  const { sizes, issues } = plan;
  const totalBytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  const workers = resolveWorkers(opts.workers, totalBytes);
  // Workers hand on UTF-8 bytes (moved, not copied, and written as they are).
  const encode = workers > 0;
  const tasks: DumpTask[] = plan.tasks.map((read) => ({ type: 'dump', read, format: opts.format, encode }));
  const files = new Map<string, DumpFileSummary>();
  for (const [path, bytes] of sizes) files.set(path, { path, bytes, records: 0, errors: 0 });
  progress.start(totalBytes, 'dump');

  const pool =
    workers > 0
      ? new WorkerPool(Math.min(workers, Math.max(1, tasks.length)), {
          maxOldGenerationSizeMb: DUMP_WORKER_HEAP_MB,
        })
      : null;
  try {
    await runReadTasks(tasks, {
      pool,
      inline: runDumpTask,
      sink: async (p: DumpPartial, task: DumpTask) => {
        const f = files.get(task.read.path);
        if (f) {
          f.records += p.records;
          f.errors += p.errors;
          if (p.kind && !f.kind) f.kind = p.kind;
        }
        for (const i of p.issues) issues.push(i);
        if (p.bytes) {
          if (p.bytes.byteLength) await write(p.bytes);
          pool?.recycle('dump', p.bytes.buffer as ArrayBuffer);
        } else if (p.text) await write(p.text);
      },
      // Memory held, so a worker's buffer counts whole.
      sizeOf: (p) => p.bytes?.buffer.byteLength ?? p.text.length,
      onError: (error, task) => {
        issues.push(issue('task-failed', `reading failed: ${error.message}`, { file: task.read.path }));
      },
      progress,
      sizes,
      // Rendered text waiting for its turn: ranges that run ahead hold at most this much.
      maxBuffered: DUMP_MAX_BUFFERED,
    });
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
    workers: pool ? pool.size : 0,
  };
}
