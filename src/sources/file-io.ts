/**
 * @module sources/file-io
 * Positional reads of one file, blocking on worker threads and asynchronous on the main thread.
 * An asynchronous call waits for a libuv pool thread to be scheduled; when worker threads keep
 * every core busy that wait is long (measured: ~7 % of each dump worker idle on the 1 GiB bench
 * file, 11–16 % on the corpus's small files), while a blocking read on a worker costs only that
 * worker's time. The main thread keeps asynchronous reads, so progress and other tasks go on.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { isMainThread } from 'node:worker_threads';

export interface FileReader {
  /** Size in bytes, and whether it is a regular file. */
  stat(): Promise<{ size: number; isFile: boolean }>;
  /** Read up to `length` bytes at `position` into `buffer` at `offset`; the bytes read (0 at the end). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Read until `buffer[offset .. end)` is full or the file ends; the offset reached. */
  fill(buffer: Uint8Array, offset: number, end: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** Open a file for positional reads (rejects when it cannot be opened). */
export async function openReader(path: string, blocking = !isMainThread): Promise<FileReader> {
  let read: FileReader['read'];
  let stat: FileReader['stat'];
  let close: FileReader['close'];
  if (blocking) {
    const fd = openSync(path, 'r');
    read = async (b, o, l, p) => readSync(fd, b, o, l, p);
    stat = async () => {
      const st = fstatSync(fd);
      return { size: st.size, isFile: st.isFile() };
    };
    close = async () => closeSync(fd);
  } else {
    const fh = await openFile(path, 'r');
    read = async (b, o, l, p) => (await fh.read(b, o, l, p)).bytesRead;
    stat = async () => {
      const st = await fh.stat();
      return { size: st.size, isFile: st.isFile() };
    };
    close = () => fh.close();
  }
  return {
    read,
    stat,
    close,
    async fill(buffer, offset, end, position) {
      let got = offset;
      while (got < end) {
        const n = await read(buffer, got, end - got, position + (got - offset));
        if (n === 0) break;
        got += n;
      }
      return got;
    },
  };
}
