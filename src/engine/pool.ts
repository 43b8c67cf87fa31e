/**
 * @module engine/pool
 * A small worker-thread pool for streaming tasks. A task yields partial results; after each
 * partial the worker waits for a credit from the main thread, so a consumer that writes output
 * in order can hold back workers that run ahead (bounded memory whatever the input size).
 */
import { availableParallelism } from 'node:os';
import type { WorkerOptions } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';

/** A task the worker entry (`engine/worker.ts`) knows how to run, keyed by `type`. */
export interface PoolTask {
  type: string;
  [k: string]: unknown;
}

type FromWorker =
  | { kind: 'partial'; id: number; data: unknown }
  | { kind: 'done'; id: number }
  | { kind: 'failed'; id: number; message: string; stack?: string };

interface Running {
  onPartial: (data: unknown) => void | Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
  /** The task's partials taken so far (each after the one before); settles when all are taken. */
  taken: Promise<void>;
}

interface Slot {
  worker: Worker;
  /** Ids of the tasks sent to this worker, oldest first (it runs them in that order). */
  tasks: number[];
}

/**
 * Tasks a worker holds at once: the one it runs and the next, so it never waits for the main
 * thread between tasks (many small files make many short tasks).
 */
export const TASKS_PER_WORKER = 2;

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Evidence below this size is read on the calling thread when the thread count is `auto`: each
 * worker starts cold (its own module loading, JIT warm-up and, for hunts, its own copy of the
 * rules), which costs more than it saves on small evidence (see docs/cli/hunt.md).
 */
export const AUTO_WORKERS_MIN_BYTES = 128 * 1024 * 1024;

/** A thread count: a number (0 = the calling thread only) or `auto` (decided by evidence size). */
export type WorkerCount = number | 'auto';

/** The workers to start for `count` over evidence of `totalBytes`. */
export function resolveWorkers(count: WorkerCount, totalBytes: number): number {
  if (count !== 'auto') return count;
  return totalBytes >= AUTO_WORKERS_MIN_BYTES ? defaultWorkerCount() : 0;
}

type WorkerEntry = { entry: URL | string; options: WorkerOptions };

function workerEntry(): WorkerEntry {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from source (tests, tsx): bootstrap the tsx loader inside the worker, then load
    // the TypeScript entry. Built code (dist/) starts worker.js directly.
    const target = new URL('./worker.ts', here).href;
    const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
    return { entry: code, options: { eval: true } };
  }
  return { entry: new URL('./worker.js', here), options: {} };
}

export interface PoolOptions {
  /**
   * V8 old-generation cap per worker, in MiB. V8 grows the heap lazily far beyond the live data;
   * a cap makes it collect sooner and keeps resident memory bounded.
   */
  maxOldGenerationSizeMb?: number;
}

function startWorker(opts: PoolOptions): Worker {
  const { entry, options } = workerEntry();
  return new Worker(entry, {
    ...options,
    ...(opts.maxOldGenerationSizeMb
      ? { resourceLimits: { maxOldGenerationSizeMb: opts.maxOldGenerationSizeMb } }
      : {}),
  });
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Array<{ id: number; task: PoolTask; run: Running }> = [];
  private readonly running = new Map<number, Running>();
  private nextId = 1;
  private nextRecycle = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly options: PoolOptions = {},
  ) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(options);
      const slot: Slot = { worker, tasks: [] };
      worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
      worker.on('error', (e) => this.onWorkerError(slot, e));
      this.slots.push(slot);
    }
  }

  /** Run a task on the next free worker; `onPartial` is awaited before the worker continues. */
  submit(task: PoolTask, onPartial: (data: unknown) => void | Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<void>((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({ id, task, run: { onPartial, resolve, reject, taken: Promise.resolve() } });
      this.pump();
    });
  }

  /**
   * Hand a buffer a worker transferred back to the workers for reuse (round robin; the worker's
   * task module decides whether to keep it).
   */
  recycle(type: string, buffer: ArrayBuffer): void {
    if (this.closed || this.slots.length === 0) return;
    const slot = this.slots[this.nextRecycle++ % this.slots.length] as Slot;
    slot.worker.postMessage({ kind: 'recycle', type, buffer }, [buffer]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    // Breadth first: every worker gets a task before any gets a second.
    for (let level = 1; level <= TASKS_PER_WORKER; level++) {
      for (const slot of this.slots) {
        if (slot.tasks.length >= level) continue;
        const next = this.queue.shift();
        if (!next) return;
        slot.tasks.push(next.id);
        this.running.set(next.id, next.run);
        slot.worker.postMessage({ kind: 'task', id: next.id, task: next.task });
      }
    }
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const run = this.running.get(msg.id);
    if (!run) return;
    if (msg.kind === 'partial') {
      const step = run.taken.then(() => run.onPartial(msg.data));
      run.taken = step;
      step.then(
        () => slot.worker.postMessage({ kind: 'credit', id: msg.id }),
        (e: unknown) => {
          slot.worker.postMessage({ kind: 'cancel', id: msg.id });
          this.finish(slot, msg.id);
          run.reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
      return;
    }
    // A worker reports the end without waiting for its last partial's credit: the task settles
    // once every partial was taken (a consumer that fails on the last one still fails the task).
    run.taken.then(
      () => {
        this.finish(slot, msg.id);
        if (msg.kind === 'done') run.resolve();
        else {
          const e = new Error(msg.message);
          if (msg.stack) e.stack = msg.stack;
          run.reject(e);
        }
      },
      () => {}, // already rejected, with the consumer's error
    );
  }

  private finish(slot: Slot, id: number): void {
    this.running.delete(id);
    slot.tasks = slot.tasks.filter((t) => t !== id);
    this.pump();
  }

  private onWorkerError(slot: Slot, e: Error): void {
    // A worker that dies takes only its own tasks with it; the pool replaces it.
    for (const id of slot.tasks) {
      const run = this.running.get(id);
      this.running.delete(id);
      run?.reject(e);
    }
    const worker = startWorker(this.options);
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (err) => this.onWorkerError(slot, err));
    slot.worker = worker;
    slot.tasks = [];
    this.pump();
  }
}
