/**
 * @module engine/ordered
 * Run streaming tasks concurrently while delivering their partial results strictly in task
 * order. Partials of tasks that run ahead are buffered up to `maxBufferedBytes`; past that the
 * producing task waits (its `emit` promise stays pending) until the head catches up.
 */

/**
 * Tasks kept in flight on the calling thread: while one waits for file I/O another parses, and
 * order is still kept by `runOrdered`.
 */
export const INLINE_READ_AHEAD = 3;

export interface OrderedOptions {
  concurrency: number;
  /** Upper bound on buffered out-of-order partials, in `sizeOf` units (default 64 MiB). */
  maxBuffered?: number;
}

export type Executor<T, P> = (task: T, emit: (partial: P) => Promise<void>) => Promise<void>;

interface Pending<P> {
  partial: P;
  release: () => void;
}

interface TaskState<P> {
  buffered: Array<Pending<P>>;
  done: boolean;
  error?: Error;
}

/**
 * Execute `tasks` with at most `concurrency` in flight; `sink` sees every partial in task order.
 * A task that fails is passed to `onError` (in order) and the rest go on.
 */
export async function runOrdered<T, P>(
  tasks: readonly T[],
  execute: Executor<T, P>,
  sink: (partial: P, task: T) => void | Promise<void>,
  sizeOf: (partial: P) => number,
  onError: (error: Error, task: T) => void,
  opts: OrderedOptions,
): Promise<void> {
  const maxBuffered = opts.maxBuffered ?? 64 * 1024 * 1024;
  const states: Array<TaskState<P>> = tasks.map(() => ({ buffered: [], done: false }));
  let head = 0;
  let bufferedSize = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const startTask = async (i: number) => {
    const st = states[i] as TaskState<P>;
    // The head task waits for each partial to be written; others run ahead while the
    // buffer has room, then wait until their partials are written in turn.
    const emit = (partial: P) =>
      new Promise<void>((release) => {
        st.buffered.push({ partial, release });
        bufferedSize += sizeOf(partial);
        if (i !== head && bufferedSize <= maxBuffered) release();
        notify();
      });
    try {
      await execute(tasks[i] as T, emit);
    } catch (e) {
      st.error = e instanceof Error ? e : new Error(String(e));
    }
    st.done = true;
    notify();
  };

  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const launch = () => {
    while (next < tasks.length && inFlight.size < opts.concurrency) {
      const p = startTask(next++).finally(() => {
        inFlight.delete(p);
        launch();
        notify();
      });
      inFlight.add(p);
    }
  };
  launch();
  while (head < tasks.length) {
    const st = states[head] as TaskState<P>;
    const item = st.buffered.shift();
    if (item) {
      bufferedSize -= sizeOf(item.partial);
      await sink(item.partial, tasks[head] as T);
      item.release();
      continue;
    }
    if (st.done) {
      if (st.error) onError(st.error, tasks[head] as T);
      head++;
      launch();
      continue;
    }
    await new Promise<void>((r) => {
      wake = r;
    });
  }
  await Promise.all(inFlight);
}
