/**
 * @module sources/open
 * Opening evidence: a `ReaderInput` over a file whose content is decompressed transparently when it
 * is gzip (detected by the magic `1f 8b`, never by the `.gz` extension). Streaming, so memory does
 * not grow with file size; multi-member gzip is read to the end. A corrupt or truncated gzip stream
 * ends the content early without throwing: everything decoded before is delivered, and an issue
 * naming the file and the compressed offset reached is collected for the caller (`drainIssues`).
 */
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Issue } from '../core/issue.js';
import { issue } from '../core/issue.js';
import { openReader } from './file-io.js';
import type { ReaderInput } from './types.js';

/** A `ReaderInput` plus what the byte layer (I/O, decompression) had to say. */
export interface EvidenceInput extends ReaderInput {
  /** Size of the file on disk (compressed size when `compressed`). */
  readonly size: number;
  /** Issues the byte layer met while streaming (each reported once), emptied by the call. */
  drainIssues(): Issue[];
  /** The first bytes of a plain (uncompressed) file, read when it was opened (for sniffing). */
  readonly head?: Uint8Array;
}

/** Bytes of a plain file read at open time, so sniffing needs no second pass over the file. */
const OPEN_HEAD = 65536;

const CHUNK = 1 << 16;
/** Plain files are read in larger blocks: fewer I/O round trips for the same bytes. */
const PLAIN_BLOCK = 1 << 20;
/**
 * Plain files up to this size are read whole when opened (one open, one read): most evidence
 * files are small, and a stream per file costs more than its bytes. Larger files stream.
 */
export const WHOLE_FILE_MAX = 8 << 20;

/**
 * Open a file as evidence. Rejects only when the file cannot be opened or is not a regular file
 * (the caller turns that into an issue); problems while streaming become issues instead.
 *
 * @example
 * const input = await openEvidence('Security.json.gz');
 * for await (const bytes of input.open()) { ... } // decompressed bytes
 */
export async function openEvidence(path: string): Promise<EvidenceInput> {
  const file = await openReader(path);
  let size = 0;
  let magic: Buffer;
  try {
    const st = await file.stat();
    if (!st.isFile) throw Object.assign(new Error(`not a regular file: ${path}`), { code: 'ENOTFILE' });
    size = st.size;
    magic = Buffer.allocUnsafe(size <= WHOLE_FILE_MAX ? Math.max(2, size) : OPEN_HEAD);
    // A read may return fewer bytes than asked: `fill` reads on until the end or the file's end.
    let got = await file.fill(magic, 0, Math.min(magic.length, OPEN_HEAD), 0);
    // The rest of a small plain file now (a gzip file is decompressed from disk instead).
    const gzip = got >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    if (!gzip && got === OPEN_HEAD) got = await file.fill(magic, got, magic.length, got);
    magic = magic.subarray(0, got);
  } finally {
    await file.close();
  }
  const compressed = magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  // The whole content is in hand when a plain file was small enough to read at once.
  const whole = !compressed && size <= WHOLE_FILE_MAX ? magic : null;
  const pending: Issue[] = [];
  const seen = new Set<string>();
  const report = (i: Issue): void => {
    const key = `${i.code}@${i.location?.offset ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    pending.push(i);
  };
  return {
    path,
    compressed,
    size,
    ...(compressed ? {} : { head: magic.subarray(0, OPEN_HEAD) }),
    open: () =>
      whole ? wholeContent(whole) : compressed ? gunzipStream(path, report) : plainStream(path, report),
    drainIssues: () => pending.splice(0, pending.length),
  };
}

async function* wholeContent(bytes: Buffer): AsyncIterable<Uint8Array> {
  if (bytes.length) yield bytes;
}

async function* plainStream(path: string, report: (i: Issue) => void): AsyncIterable<Uint8Array> {
  const src = createReadStream(path, { highWaterMark: PLAIN_BLOCK });
  let offset = 0;
  try {
    for await (const chunk of src) {
      const b = chunk as Buffer;
      offset += b.length;
      yield b;
    }
  } catch (e) {
    report(
      issue(
        'read-error',
        `reading stopped: ${errorText(e)}`,
        { file: path, offset },
        { cause: errorCode(e) },
      ),
    );
  } finally {
    src.destroy();
  }
}

async function* gunzipStream(path: string, report: (i: Issue) => void): AsyncIterable<Uint8Array> {
  const src = createReadStream(path, { highWaterMark: CHUNK });
  const gz = createGunzip({ chunkSize: CHUNK });
  let readError: unknown = null;
  src.on('error', (e) => {
    readError = e;
    gz.destroy(e);
  });
  src.pipe(gz);
  let produced = 0;
  let failure: unknown = null;
  let goodInput = 0;
  try {
    for await (const chunk of gz) {
      const b = chunk as Buffer;
      produced += b.length;
      yield b;
    }
  } catch (e) {
    failure = e;
    goodInput = gz.bytesWritten;
  } finally {
    src.unpipe(gz);
    src.destroy();
    gz.destroy();
  }
  if (failure === null) return;
  if (readError) {
    report(
      issue(
        'read-error',
        `reading stopped: ${errorText(readError)}`,
        { file: path, offset: goodInput },
        {
          cause: errorCode(readError),
        },
      ),
    );
    return;
  }
  // A stream that merely stops (a partial copy) has delivered everything it decoded. Damage is
  // different: zlib drops the output of the write that failed (up to one read chunk of input), so
  // replay that chunk byte by byte to keep every byte that decodes and find the exact offset.
  let e = failure;
  let at = goodInput;
  if (!/unexpected end/i.test(errorText(failure))) {
    const salvage = await salvageGzip(path, goodInput, produced);
    if (salvage.bytes.length) yield salvage.bytes;
    produced += salvage.bytes.length;
    e = salvage.error ?? failure;
    at = salvage.offset;
  }
  const truncated = /unexpected end/i.test(errorText(e));
  report(
    issue(
      truncated ? 'gzip-truncated' : 'gzip-corrupt',
      `${truncated ? 'gzip stream ends early' : 'gzip stream is corrupt'} at compressed byte ${at} ` +
        `(${produced} bytes decoded before it are kept): ${errorText(e)}`,
      { file: path, offset: at },
      { compressedOffset: at, decodedBytes: produced, cause: errorCode(e) },
    ),
  );
}

/**
 * Decode `path` again: the first `goodInput` compressed bytes in bulk (their output, already
 * delivered, is skipped), then one byte per write until zlib fails. Returns the output not yet
 * delivered, the compressed offset of the failure and its error.
 */
async function salvageGzip(
  path: string,
  goodInput: number,
  delivered: number,
): Promise<{ bytes: Buffer; offset: number; error: unknown }> {
  const gz = createGunzip({ chunkSize: CHUNK });
  const out: Buffer[] = [];
  let seen = 0;
  gz.on('data', (d: Buffer) => {
    const skip = Math.max(0, Math.min(d.length, delivered - seen));
    seen += d.length;
    if (skip < d.length) out.push(d.subarray(skip));
  });
  let error: unknown = null;
  gz.on('error', (e) => {
    error ??= e;
  });
  // Settle on the write callback or on an error, whichever comes first (zlib may report a bad
  // header through 'error' without calling the write callback).
  const write = (b: Uint8Array): Promise<boolean> =>
    new Promise((res) => {
      if (error || gz.destroyed) return res(false);
      const onError = (): void => res(false);
      gz.once('error', onError);
      gz.write(b, (e) => {
        gz.off('error', onError);
        res(!e && !error);
      });
    });
  let offset = 0;
  const fh = await openFile(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    while (offset < goodInput) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, goodInput - offset), offset);
      if (bytesRead <= 0 || !(await write(Buffer.from(buf.subarray(0, bytesRead))))) break;
      offset += bytesRead;
    }
    const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
    for (let i = 0; i < bytesRead && !error; i++) {
      if (!(await write(buf.subarray(i, i + 1)))) break;
      offset++;
    }
    if (!error) {
      await new Promise<void>((res) => {
        gz.once('error', () => res());
        gz.end(() => res());
      });
    }
  } finally {
    await fh.close();
    gz.destroy();
  }
  return { bytes: Buffer.concat(out), offset, error };
}

/** The first `n` bytes of the (decompressed) content, fewer when it is shorter. */
export async function readHead(input: ReaderInput, n = 65536): Promise<Uint8Array> {
  const cached = (input as Partial<EvidenceInput>).head;
  if (
    cached &&
    (cached.length >= n ||
      cached.length >= ((input as Partial<EvidenceInput>).size ?? Number.POSITIVE_INFINITY))
  ) {
    return cached.subarray(0, Math.min(n, cached.length));
  }
  const parts: Uint8Array[] = [];
  let have = 0;
  for await (const chunk of input.open()) {
    const take = Math.min(chunk.length, n - have);
    parts.push(chunk.subarray(0, take));
    have += take;
    if (have >= n) break;
  }
  return Buffer.concat(parts, have);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}
