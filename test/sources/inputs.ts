/**
 * @module test/sources/inputs
 * Test helpers for the text readers: in-memory `ReaderInput`s fed in small chunks (so every
 * boundary case of the streaming scanners is exercised), temporary files, and collecting results.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Issue } from '../../src/core/issue.js';
import type { Event } from '../../src/model/event.js';
import type { ReaderInput, SourceItem } from '../../src/sources/types.js';

/** A `ReaderInput` over bytes, yielded `chunk` bytes at a time. */
export function memInput(content: string | Uint8Array, chunk = 7, path = 'mem.txt'): ReaderInput {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return {
    path,
    compressed: false,
    async *open() {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    },
  };
}

/** Every byte-chunk size worth trying on a small input. */
export const CHUNK_SIZES = [1, 2, 3, 7, 64, 1 << 16] as const;

export interface Collected {
  events: Event[];
  issues: Issue[];
}

export async function collect(items: AsyncIterable<SourceItem>): Promise<Collected> {
  const events: Event[] = [];
  const issues: Issue[] = [];
  for await (const it of items) {
    if (it.ok) events.push(it.value);
    else issues.push(...it.issues);
  }
  return { events, issues };
}

export async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const it of items) out.push(it);
  return out;
}

/** A fresh temporary directory and a function removing it. */
export function tempDir(): {
  dir: string;
  write(name: string, data: string | Uint8Array): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'fathom-src-'));
  return {
    dir,
    write(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
