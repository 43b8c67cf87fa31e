import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDump } from '../../src/engine/dump.js';
import type { BuilderEvent } from '../utils/evtx-builder.js';
import { buildEvtxDetailed } from '../utils/evtx-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'fathom-dump-ranges-'));

function events(n: number): BuilderEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    channel: 'Security',
    provider: 'Microsoft-Windows-Security-Auditing',
    eventId: 4688,
    timestamp: `2026-03-03T02:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
    computer: 'FS01',
    recordId: 1000 + i,
    data: { NewProcessName: 'C:\\Windows\\System32\\cmd.exe', CommandLine: `cmd /c job ${i}` },
  }));
}

async function dump(
  file: string,
  workers: number,
): Promise<{ text: string; records: number; errors: number }> {
  let text = '';
  const s = await runDump([file], { format: 'jsonl', workers, chunksPerTask: 2 }, (t) => {
    // The calling thread hands on text, workers UTF-8 bytes.
    expect(typeof t === 'string').toBe(workers === 0);
    text += typeof t === 'string' ? t : Buffer.from(t).toString('utf8');
  });
  return { text, records: s.records, errors: s.errors };
}

describe('dump over chunk ranges on worker threads', () => {
  it('splits a multi-chunk EVTX file into ranges and keeps record order', async () => {
    // 12 chunks of 5 records: split into 6 ranges of 2 chunks on 2 workers.
    const file = join(dir, 'twelve-chunks.evtx');
    writeFileSync(file, buildEvtxDetailed(events(60), { chunkCapacity: 5 }).bytes);
    const inline = await dump(file, 0);
    const parallel = await dump(file, 2);
    expect(inline.records).toBe(60);
    expect(parallel.records).toBe(60);
    expect(parallel.text).toBe(inline.text);
    const ids = parallel.text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { recordId: number }).recordId);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => 1000 + i));
  });

  it('reuses a worker buffer only after write has settled', async () => {
    // One chunk per task: many partials, whose buffers go back to the workers after each write.
    // A buffer handed back too early is detached (or overwritten) while write still reads it.
    const file = join(dir, 'reuse.evtx');
    writeFileSync(file, buildEvtxDetailed(events(120), { chunkCapacity: 5 }).bytes);
    const inline = await dump(file, 0);
    let text = '';
    let bytesSeen = 0;
    const s = await runDump([file], { format: 'jsonl', workers: 2, chunksPerTask: 1 }, async (t) => {
      expect(t).toBeInstanceOf(Uint8Array);
      const bytes = t as Uint8Array;
      await new Promise((r) => setTimeout(r, 2));
      bytesSeen += bytes.byteLength;
      text += Buffer.from(bytes).toString('utf8');
    });
    expect(s.records).toBe(120);
    expect(bytesSeen).toBe(Buffer.byteLength(inline.text));
    expect(text).toBe(inline.text);
  });

  it('fails the dump when writing a last partial fails (workers end a task without waiting)', async () => {
    const file = join(dir, 'write-fails.evtx');
    writeFileSync(file, buildEvtxDetailed(events(10), { chunkCapacity: 5 }).bytes);
    const run = runDump([file], { format: 'jsonl', workers: 2, chunksPerTask: 1 }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('disk full');
    });
    await expect(run).rejects.toThrow('disk full');
  });

  it('counts a bad chunk in a range as errors and keeps the other ranges', async () => {
    const file = join(dir, 'bad-chunk-in-range.evtx');
    const built = buildEvtxDetailed(events(60), {
      chunkCapacity: 5,
      dirty: [{ kind: 'chunk-magic', chunk: 7 }],
    });
    writeFileSync(file, built.bytes);
    const parallel = await dump(file, 2);
    expect(parallel.records).toBe(55);
    expect(parallel.errors).toBeGreaterThanOrEqual(1);
  });

  it('carries the file header CRC flag on records in every range', async () => {
    const file = join(dir, 'bad-header-crc.evtx');
    writeFileSync(
      file,
      buildEvtxDetailed(events(60), { chunkCapacity: 5, dirty: [{ kind: 'file-header-crc' }] }).bytes,
    );
    const inline = await dump(file, 0);
    const parallel = await dump(file, 2);
    expect(parallel.text).toBe(inline.text);
    const flags = parallel.text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { source: { flags?: string[] } }).source.flags ?? []);
    expect(flags).toHaveLength(60);
    for (const f of flags) expect(f).toContain('file-header-crc-mismatch');
  });
});
