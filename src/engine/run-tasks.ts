/**
 * @module engine/run-tasks
 * Runs read tasks for a pipeline (dump, hunt): on a worker pool when there is one, else on the
 * calling thread; partials reach `sink` in task order; progress advances by each task's bytes; a
 * task that fails outright is handed to `onError` (in order) and the rest go on.
 */
import type { Progress } from '../core/log.js';
import { INLINE_READ_AHEAD, runOrdered } from './ordered.js';
import type { WorkerPool } from './pool.js';
import type { ReadTask } from './read-task.js';
import { readTaskBytes } from './read-task.js';

export interface TaskRunOptions<T, P> {
  pool: WorkerPool | null;
  /** How the calling thread runs a task when there is no pool. */
  inline: (task: T) => AsyncIterable<P>;
  sink: (partial: P, task: T) => void | Promise<void>;
  /** Size of a partial for the out-of-order buffer. */
  sizeOf: (partial: P) => number;
  onError: (error: Error, task: T) => void;
  progress: Progress;
  sizes: Map<string, number>;
  maxBuffered?: number;
}

export async function runReadTasks<T extends { type: string; read: ReadTask }, P>(
  tasks: readonly T[],
  o: TaskRunOptions<T, P>,
): Promise<void> {
  const { pool } = o;
  const execute = pool
    ? (task: T, emit: (p: P) => Promise<void>) =>
        pool.submit(task as unknown as { type: string }, (d) => emit(d as P))
    : async (task: T, emit: (p: P) => Promise<void>) => {
        for await (const p of o.inline(task)) await emit(p);
      };
  await runOrdered<T, P | { end: true }>(
    tasks,
    async (task, emit) => {
      await execute(task, emit);
      await emit({ end: true });
    },
    (p, task) => {
      if (typeof p === 'object' && p !== null && 'end' in p) {
        o.progress.advance(readTaskBytes(task.read, o.sizes));
        return;
      }
      return o.sink(p as P, task);
    },
    (p) => (typeof p === 'object' && p !== null && 'end' in p ? 0 : o.sizeOf(p as P)),
    o.onError,
    {
      concurrency: pool ? pool.size * 2 : INLINE_READ_AHEAD,
      ...(o.maxBuffered ? { maxBuffered: o.maxBuffered } : {}),
    },
  );
}
