/**
 * @module cli/io
 * Terminal plumbing for commands: the output sink (stdout or `-o FILE`, with backpressure and
 * quiet handling of a closed pipe), progress on a TTY, and issue printing.
 */

import { createWriteStream } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Issue } from '../core/issue.js';
import { renderIssue } from '../core/issue.js';
import type { Progress } from '../core/log.js';
import type { WorkerCount } from '../engine/pool.js';

export const EXIT = {
  ok: 0,
  fatal: 1,
  usage: 2,
  /** The work finished, but some evidence, records or rules could not be read (see stderr). */
  partial: 3,
  /** `--fail-on LEVEL`: findings at or above that level were produced. */
  findings: 4,
} as const;

export interface OutputSink {
  /** Text, or text already encoded as UTF-8. */
  write(chunk: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** True once the reader went away (e.g. `| head`): producers may stop early. */
  readonly closed: boolean;
}

export function openOutput(file: string | undefined): OutputSink {
  const stream: Writable = file ? createWriteStream(file) : process.stdout;
  let closed = false;
  let failure: Error | undefined;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    else failure = e;
  });
  return {
    get closed() {
      return closed;
    },
    async write(chunk: string | Uint8Array) {
      if (failure) throw failure;
      if (closed || chunk.length === 0) return;
      if (typeof chunk !== 'string') {
        // Bytes are handed back for reuse once this settles: wait until they are written.
        await new Promise<void>((resolve) => stream.write(chunk, () => resolve()));
        if (failure) throw failure;
        return;
      }
      if (!stream.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            stream.off('close', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
          stream.on('close', done);
        });
      }
    },
    async close() {
      if (file) await new Promise<void>((resolve) => stream.end(resolve));
      if (failure) throw failure;
    },
  };
}

/** A progress line on stderr, only when stderr is a terminal; redraws at most ~10 times a second. */
export function terminalProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { start() {}, advance() {}, done() {} };
  let total = 0;
  let done = 0;
  let label = '';
  let last = 0;
  const t0 = Date.now();
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const pct = total ? Math.min(100, (100 * done) / total) : 0;
    const secs = (now - t0) / 1000;
    const rate = secs > 0 ? done / 1048576 / secs : 0;
    process.stderr.write(
      `\r${label}: ${pct.toFixed(1)}%  ${(done / 1048576).toFixed(1)} MiB  ${rate.toFixed(1)} MiB/s   `,
    );
  };
  return {
    start(t, l) {
      total = t;
      label = l;
      draw(true);
    },
    advance(n) {
      done += n;
      draw(false);
    },
    done() {
      draw(true);
      process.stderr.write('\n');
    },
  };
}

const SEVERITY_ORDER: Readonly<Record<string, number>> = { error: 0, warning: 1, info: 2 };

/** Files found in a directory that no reader recognised (a warning: they are skipped). */
export function isSkippedFile(i: Issue): boolean {
  return i.code === 'unrecognised-format' && i.severity === 'warning';
}

/** Two issues that say the same thing of the same place, but for a number (one record of a run). */
function alike(a: Issue, b: Issue): boolean {
  return (
    a.code === b.code &&
    a.severity === b.severity &&
    a.location?.file === b.location?.file &&
    a.location?.offset === b.location?.offset &&
    a.location?.line === b.location?.line &&
    a.location?.col === b.location?.col &&
    a.message.replace(/\d+/g, '#') === b.message.replace(/\d+/g, '#')
  );
}

/**
 * The lines that list a command's issues under `tool: N issues:`, errors first. Unless `all`:
 * at most `limit` lines, then a count of the rest; a run of issues that differ only in a number
 * (e.g. each record of a missing run) is one line with a count; and files skipped as not evidence
 * (an evidence folder holds many) are summed up in one line instead of listed.
 */
export function issueLines(tool: string, issues: readonly Issue[], all: boolean, limit = 50): string[] {
  if (!issues.length) return [];
  const skipped = all ? 0 : issues.filter(isSkippedFile).length;
  const sorted = [...(skipped ? issues.filter((i) => !isSkippedFile(i)) : issues)].sort(
    (a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3),
  );
  const entries: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    const first = sorted[k] as Issue;
    let n = 1;
    while (!all && k + n < sorted.length && alike(first, sorted[k + n] as Issue)) n++;
    entries.push(`  ${renderIssue(first)}${n > 1 ? ` (and ${n - 1} more like it)` : ''}`);
    k += n;
  }
  const max = all ? Number.POSITIVE_INFINITY : limit;
  const out = [
    `${tool}: ${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}:`,
    ...entries.slice(0, max),
  ];
  if (entries.length > max)
    out.push(`  ... and ${entries.length - max} more (use --all-issues to list every one)`);
  if (skipped) {
    out.push(
      `  ${skipped} ${skipped === 1 ? 'file' : 'files'} in the directories walked ${skipped === 1 ? 'is' : 'are'} not a format Fathom reads, skipped (--all-issues lists them)`,
    );
  }
  return out;
}

/** Print `issueLines` to stderr. */
export function printIssues(tool: string, issues: readonly Issue[], all: boolean, limit = 50): void {
  for (const line of issueLines(tool, issues, all, limit)) process.stderr.write(`${line}\n`);
}

export function parseIntOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max} (got '${value}')`);
  }
  return n;
}

/** `--threads`: `auto` (the default: worker threads only for large evidence) or a count. */
export function parseThreadsOption(value: string): WorkerCount {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256) {
    throw new UsageError(`--threads must be auto or an integer from 0 to 256 (got '${value}')`);
  }
  return n;
}

export class UsageError extends Error {}

/** Commander option parser for repeatable options (`-r a -r b`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Fathom's cache directory: `FATHOM_CACHE_DIR`, else the platform's user cache directory
 * (`%LOCALAPPDATA%\\fathom\\Cache` on Windows, `~/Library/Caches/fathom` on macOS,
 * `$XDG_CACHE_HOME/fathom` or `~/.cache/fathom` elsewhere).
 */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.FATHOM_CACHE_DIR) return env.FATHOM_CACHE_DIR;
  const home = homedir();
  if (platform === 'win32')
    return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'fathom', 'Cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'fathom');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'fathom');
}
