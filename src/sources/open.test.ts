import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/sources/inputs.js';
import { openEvidence, readHead } from './open.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function readAll(path: string) {
  const input = await openEvidence(path);
  const parts: Uint8Array[] = [];
  for await (const c of input.open()) parts.push(c);
  return { input, bytes: Buffer.concat(parts), issues: input.drainIssues() };
}

/** Pseudo-random text that does not compress to nothing, so truncation points fall mid-stream. */
function text(n: number, seed = 7): string {
  let x = seed;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    lines.push(`{"n":${i},"r":"${x.toString(36)}${(x * 7).toString(16)}"}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('openEvidence', () => {
  it('reads plain files as they are', async () => {
    const p = tmp.write('plain.json', 'hello\n');
    const { input, bytes, issues } = await readAll(p);
    expect(input.compressed).toBe(false);
    expect(bytes.toString()).toBe('hello\n');
    expect(issues).toEqual([]);
  });

  it('decompresses gzip by its magic, whatever the name, including multi-member streams', async () => {
    const a = text(2000, 1);
    const b = text(10, 2);
    const p = tmp.write('noext', Buffer.concat([gzipSync(a), gzipSync(b)]));
    const { input, bytes, issues } = await readAll(p);
    expect(input.compressed).toBe(true);
    expect(bytes.toString()).toBe(a + b);
    expect(issues).toEqual([]);
    // A fresh stream each call.
    expect(Buffer.from(await readHead(input, 10)).toString()).toBe(a.slice(0, 10));
    expect(Buffer.from(await readHead(input, 10)).toString()).toBe(a.slice(0, 10));
  });

  it('keeps what a truncated gzip decoded and names the compressed offset reached', async () => {
    const plain = text(20000);
    const gz = gzipSync(plain);
    const cut = Math.floor(gz.length / 2);
    const p = tmp.write('cut.json.gz', gz.subarray(0, cut));
    const { bytes, issues } = await readAll(p);
    expect(bytes.length).toBeGreaterThan(plain.length / 4);
    expect(plain.startsWith(bytes.toString('latin1'))).toBe(true);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'gzip-truncated', location: { file: p } });
    expect(issues[0]?.location?.offset).toBeGreaterThan(0);
    expect(issues[0]?.location?.offset).toBe(cut); // every byte that is there was decoded
  });

  it('reports garbage after a gzip member as corrupt and keeps the member', async () => {
    const p = tmp.write('trail.gz', Buffer.concat([gzipSync('first\n'), Buffer.from('not gzip at all')]));
    const { bytes, issues } = await readAll(p);
    expect(bytes.toString()).toBe('first\n');
    expect(issues.map((i) => i.code)).toEqual(['gzip-corrupt']);
  });

  it('reports a damaged deflate stream with the offset it reached, keeping the output before it', async () => {
    const plain = text(20000);
    const gz = Buffer.from(gzipSync(plain));
    const at = Math.floor(gz.length * 0.6);
    for (let i = at; i < at + 64; i++) gz[i] = 0xff; // a run of garbage inside the deflate data
    const p = tmp.write('flip.gz', gz);
    const { bytes, issues } = await readAll(p);
    expect(issues.map((i) => i.code)).toEqual(['gzip-corrupt']);
    const offset = issues[0]?.location?.offset ?? -1;
    expect(offset).toBeGreaterThanOrEqual(at);
    expect(offset).toBeLessThan(gz.length);
    // Everything decoded from the undamaged part is there.
    const keep = Math.floor(plain.length * 0.25); // well before the damaged block
    expect(bytes.subarray(0, keep).toString('latin1')).toBe(plain.slice(0, keep));
  });

  it('reports each stream problem once even when the content is opened twice', async () => {
    const p = tmp.write('cut2.gz', gzipSync(text(5000)).subarray(0, 500));
    const input = await openEvidence(p);
    await readHead(input);
    for await (const _ of input.open()) {
      // drain
    }
    expect(input.drainIssues()).toHaveLength(1);
    expect(input.drainIssues()).toHaveLength(0);
  });

  it('rejects a missing file or a directory (the registry turns that into an issue)', async () => {
    await expect(openEvidence(`${tmp.dir}/missing`)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(openEvidence(tmp.dir)).rejects.toBeDefined();
  });
});
