import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCacheEntry, writeCacheEntry } from './disk-cache.js';

describe('disk cache', () => {
  it('reads back what it wrote, per kind, and keeps the most recently used entries of a kind', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'fathom-disk-cache-')), 'made-on-write');
    expect(readCacheEntry(dir, 'a-', 'k0')).toBeNull();
    for (let i = 0; i < 5; i++) {
      expect(writeCacheEntry(dir, 'a-', `k${i}`, Uint8Array.of(i), 3)).toBeNull();
      // Distinct times, oldest first.
      const t = new Date(Date.now() - (10 - i) * 1000);
      utimesSync(join(dir, `a-k${i}.v8`), t, t);
    }
    expect(writeCacheEntry(dir, 'b-', 'k0', Uint8Array.of(9), 3)).toBeNull();
    // Reading k2 makes it the most recent: the next write drops k3, not k2.
    expect([...(readCacheEntry(dir, 'a-', 'k2') ?? [])]).toEqual([2]);
    expect(writeCacheEntry(dir, 'a-', 'k5', Uint8Array.of(5), 3)).toBeNull();
    expect(readdirSync(dir).sort()).toEqual(['a-k2.v8', 'a-k4.v8', 'a-k5.v8', 'b-k0.v8']);
  });

  it('reports an entry it cannot write and leaves nothing behind', () => {
    const root = mkdtempSync(join(tmpdir(), 'fathom-disk-cache-'));
    const file = join(root, 'not-a-directory');
    writeFileSync(file, 'x');
    expect(writeCacheEntry(file, 'a-', 'k', Uint8Array.of(1), 3)).toMatch(/EEXIST|ENOTDIR/);
    expect(readdirSync(root)).toEqual(['not-a-directory']);
    expect(readCacheEntry(file, 'a-', 'k')).toBeNull();
  });
});
