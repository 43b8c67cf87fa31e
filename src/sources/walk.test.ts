import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectAll, tempDir } from '../../test/sources/inputs.js';
import type { WalkItem } from './walk.js';
import { walkEvidence } from './walk.js';

const tmp = tempDir();
afterAll(() => {
  try {
    chmodSync(join(tmp.dir, 'tree', 'locked'), 0o755);
  } catch {
    // not created on this platform
  }
  tmp.cleanup();
});

const root = join(tmp.dir, 'tree');
for (const d of ['B', 'a/z', 'a/y', 'deep/1/2/3']) mkdirSync(join(root, d), { recursive: true });
for (const f of [
  'b.json',
  'a/x.json',
  'a/z/y.json',
  'a/y/w.xml',
  'B/c.gz',
  'a.txt',
  'deep/1/2/3/f',
  'deep/1/e',
])
  writeFileSync(join(root, f), 'x');

let linksOk = true;
try {
  symlinkSync(root, join(root, 'loop'), 'dir');
  symlinkSync(join(root, 'b.json'), join(root, 'c-link.json'), 'file');
} catch {
  linksOk = false; // e.g. Windows without the symlink privilege
}

const rel = (items: WalkItem[]) =>
  items.map((i) =>
    'path' in i
      ? relative(root, i.path).split('\\').join('/')
      : `${i.issue.code}:${relative(root, i.issue.location?.file ?? '')
          .split('\\')
          .join('/')}`,
  );

describe('walkEvidence', () => {
  it('lists files depth-first in code-unit order of names', async () => {
    const items = await collectAll(walkEvidence([root]));
    const files = rel(items.filter((i) => 'path' in i));
    expect(files).toEqual([
      'B/c.gz',
      'a/x.json',
      'a/y/w.xml',
      'a/z/y.json',
      'a.txt',
      'b.json',
      'deep/1/2/3/f',
      'deep/1/e',
    ]);
    // The same order on a second run.
    expect(rel(await collectAll(walkEvidence([root])))).toEqual(rel(items));
  });

  it.skipIf(!linksOk)('reports symbolic links instead of following them (no loops)', async () => {
    const items = await collectAll(walkEvidence([root]));
    expect(rel(items).filter((s) => s.startsWith('symlink-skipped'))).toEqual([
      'symlink-skipped:c-link.json',
      'symlink-skipped:loop',
    ]);
    // A link named explicitly is followed.
    const direct = await collectAll(walkEvidence([join(root, 'c-link.json')]));
    expect(direct).toEqual([{ path: join(root, 'c-link.json'), inDirectory: false }]);
  });

  it('bounds the depth and says where it stopped', async () => {
    const items = await collectAll(walkEvidence([root], { maxDepth: 2 }));
    expect(rel(items)).toContain('walk-too-deep:deep/1/2');
    expect(rel(items)).toContain('deep/1/e');
    expect(rel(items)).not.toContain('deep/1/2/3/f');
  });

  it('passes files through, reports missing paths, and keeps going', async () => {
    const items = await collectAll(
      walkEvidence([join(root, 'missing'), join(root, 'a.txt'), join(root, 'a', 'y')]),
    );
    expect(rel(items)).toEqual(['unreadable:missing', 'a.txt', 'a/y/w.xml']);
    // A file named on the command line is not "in a directory"; one found by walking is.
    const flags = items.flatMap((i) => ('path' in i ? [i.inDirectory] : []));
    expect(flags).toEqual([false, true]);
  });

  it('does not list a directory twice when given twice', async () => {
    const items = await collectAll(walkEvidence([join(root, 'a', 'y'), join(root, 'a', 'y')]));
    expect(rel(items)).toEqual(['a/y/w.xml', 'walk-loop:a/y']);
  });

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  it.skipIf(isRoot || process.platform === 'win32')(
    'reports an unreadable directory (skipped as root: permissions do not apply)',
    async () => {
      const locked = join(root, 'locked');
      mkdirSync(locked, { recursive: true });
      writeFileSync(join(locked, 'f'), 'x');
      chmodSync(locked, 0);
      const items = await collectAll(walkEvidence([locked]));
      expect(rel(items)).toEqual(['unreadable:locked']);
    },
  );
});
