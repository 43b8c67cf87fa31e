/**
 * @module engine/worker
 * Worker-thread entry: runs the streaming tasks the pool sends, one at a time in the order sent.
 * Each partial result needs a credit from the main thread before the next of its task is sent;
 * the next is computed meanwhile (at most one partial waits per task). Task kinds are an explicit
 * table (no import side effects).
 */
import { parentPort } from 'node:worker_threads';
import type { DumpPartial, DumpTask } from './dump-task.js';
import { dumpTransfer, recycleDumpBuffer, runDumpTask } from './dump-task.js';
import type { HuntPrepareTask, HuntTask } from './hunt/task.js';
import { runHuntPrepareTask, runHuntTask } from './hunt/task.js';

type TaskRunner = (task: never) => AsyncIterable<unknown>;

const RUNNERS: Record<string, TaskRunner> = {
  dump: runDumpTask as (t: DumpTask) => AsyncIterable<unknown>,
  hunt: ((t: HuntTask) => runHuntTask(t)) as (t: HuntTask) => AsyncIterable<unknown>,
  'hunt-prepare': runHuntPrepareTask as (t: HuntPrepareTask) => AsyncIterable<unknown>,
};

/** Buffers a task kind's partials hand over (transferred, not copied). */
const TRANSFERS: Record<string, (partial: never) => ArrayBuffer[]> = {
  dump: dumpTransfer as (p: DumpPartial) => ArrayBuffer[],
};

/** Where buffers the main thread hands back (`WorkerPool.recycle`) go, by task kind. */
const RECYCLERS: Record<string, (buffer: ArrayBuffer) => void> = {
  dump: recycleDumpBuffer,
};

const credits = new Map<number, () => void>();
const cancelled = new Set<number>();

async function runTask(id: number, task: { type: string }): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const runner = RUNNERS[task.type];
  if (!runner) {
    port.postMessage({ kind: 'failed', id, message: `unknown task type ${task.type}` });
    return;
  }
  const transfer = TRANSFERS[task.type];
  try {
    let credit: Promise<void> | null = null;
    for await (const data of runner(task as never)) {
      if (credit !== null) await credit;
      if (cancelled.has(id)) break;
      credit = new Promise<void>((r) => credits.set(id, r));
      port.postMessage({ kind: 'partial', id, data }, transfer ? transfer(data as never) : []);
    }
    // The last partial's credit is not awaited: the pool keeps partials in order whatever comes
    // after them, and the next task's first partial waits for its own credit. Waiting here cost a
    // round trip to the main thread per task (~11-16 % of a dump worker idle on the corpus's
    // many small files).
    port.postMessage({ kind: 'done', id });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ kind: 'failed', id, message: err.message, stack: err.stack });
  } finally {
    credits.delete(id);
    cancelled.delete(id);
  }
}

/** Tasks run one after another, in the order the pool sent them. */
let queue: Promise<void> = Promise.resolve();

type ToWorker = { kind: string; id: number; task?: { type: string }; type?: string; buffer?: ArrayBuffer };

parentPort?.on('message', (msg: ToWorker) => {
  if (msg.kind === 'recycle' && msg.type && msg.buffer) RECYCLERS[msg.type]?.(msg.buffer);
  else if (msg.kind === 'task' && msg.task) {
    const task = msg.task;
    queue = queue.then(() => runTask(msg.id, task));
  } else if (msg.kind === 'credit') credits.get(msg.id)?.();
  else if (msg.kind === 'cancel') {
    cancelled.add(msg.id);
    credits.get(msg.id)?.();
  }
});
