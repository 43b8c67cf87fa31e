import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildEvtx, type Defect } from '../../../test/utils/evtx-builder.js';
import { sampleEvent } from '../../../test/utils/evtx-samples.js';
import type { Event } from '../../model/event.js';
import type { ReaderInput, SourceItem } from '../types.js';
import { evtxSource, parseChunk, parseEvtxBytes, readEvtx, recordToEvent } from './index.js';

/** 3 chunks of 10 events each (record ids 100..129). */
const events = Array.from({ length: 30 }, (_, i) => sampleEvent(i));
const build = (dirty: Defect[] = []) => buildEvtx(events, { chunkCapacity: 10, alignRecords: true, dirty });

function summary(bytes: Uint8Array, recover = false) {
  const res = parseEvtxBytes(bytes, { file: 'd.evtx', recover });
  const ok = res.items.filter((i) => i.ok);
  return {
    ok: ok.length,
    bad: res.items.length - ok.length,
    ids: ok.map((i) => (i.ok ? recordToEvent(i.value, 'd').recordId : null)),
    flags: ok.map((i) => (i.ok ? i.value.flags : [])),
    issues: res.issues,
    items: res.items,
  };
}

describe('EVTX chunks and dirty files (project-built fixtures)', () => {
  it('reads a clean file: every record, no flags', () => {
    const s = summary(build());
    expect(s.ok).toBe(30);
    expect(s.bad).toBe(0);
    expect(s.ids).toEqual(events.map((e) => e.recordId));
    expect(s.flags.every((f) => f.length === 0)).toBe(true);
  });

  it('maps the System header and EventData onto the event model', () => {
    const res = parseEvtxBytes(build(), { file: 'd.evtx' });
    const first = res.items[0];
    if (!first?.ok) throw new Error('first record failed');
    const ev: Event = recordToEvent(first.value, 'd.evtx');
    expect(ev).toMatchObject({
      kind: 'evtx',
      channel: 'Security',
      provider: 'Microsoft-Windows-Security-Auditing',
      providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
      eventId: 4624,
      recordId: 100,
      computer: 'WS01.corp.local',
      userSid: 'S-1-5-18',
      processId: 4,
      threadId: 100,
      keywords: '0x8020000000000000',
      timestamp: '2024-03-01T10:11:00.1234567Z',
      fields: { TargetUserName: 'user0', LogonType: '3' },
      source: { file: 'd.evtx', offset: 4096 + 512, chunk: 0, recordNumber: 100 },
    });
  });

  it('flags CRC mismatches on every record instead of failing', () => {
    const s = summary(
      build([
        { kind: 'file-header-crc' },
        { kind: 'chunk-header-crc', chunk: 1 },
        { kind: 'chunk-data-crc', chunk: 2 },
      ]),
    );
    expect(s.ok).toBe(30);
    expect(s.flags[0]).toEqual(['file-header-crc-mismatch']);
    expect(s.flags[10]).toEqual(['file-header-crc-mismatch', 'chunk-header-crc-mismatch']);
    expect(s.flags[20]).toEqual(['file-header-crc-mismatch', 'chunk-data-crc-mismatch']);
  });

  it('a chunk with a bad signature is one issue with its offset; the other chunks are read', () => {
    const s = summary(build([{ kind: 'chunk-magic', chunk: 1 }]));
    expect(s.ok).toBe(20);
    expect(s.issues.map((i) => [i.code, i.location?.offset])).toEqual([
      ['evtx.chunk-bad-magic', 4096 + 65536],
    ]);
  });

  it('finds chunks past the header chunk count', () => {
    const s = summary(build([{ kind: 'header-chunk-count', count: 1 }]));
    expect(s.ok).toBe(30);
  });

  it('a garbage record is one error; the chain resynchronises on the next record of the chunk', () => {
    const dirty: Defect[] = [{ kind: 'garbage-record', chunk: 0, record: 3, seed: 7 }];
    const s = summary(build(dirty));
    expect(s.bad).toBe(1);
    expect(s.ok).toBe(29);
    expect(s.flags.every((f) => f.length === 0)).toBe(true);
    // Nothing is left in slack for --recover: the records after the break are live records.
    const r = summary(build(dirty), true);
    expect(r.ok).toBe(29);
    expect(r.flags.filter((f) => f.includes('recovered'))).toHaveLength(0);
  });

  it('a zero record size is an invalid record data size, never a loop', () => {
    const s = summary(build([{ kind: 'record-size', chunk: 1, record: 2, size: 0 }]));
    expect(s.items.filter((i) => !i.ok).map((i) => (i.ok ? '' : i.issues[0]?.code))).toEqual([
      'evtx.record-bad-size',
    ]);
    expect(s.ok).toBe(29);
  });

  it('a corrupt template pointer fails that record only', () => {
    const s = summary(build([{ kind: 'template-pointer', chunk: 0, record: 5 }]));
    expect(s.bad).toBe(1);
    expect(s.ok).toBe(29);
  });

  it('recovers records from chunk slack, flagged recovered', () => {
    const plain = summary(build([{ kind: 'slack', chunk: 2, count: 3 }]));
    expect(plain.ok).toBe(27);
    const rec = summary(build([{ kind: 'slack', chunk: 2, count: 3 }]), true);
    expect(rec.ok).toBe(30);
    expect(rec.flags.slice(27).every((f) => f.includes('recovered'))).toBe(true);
  });

  it('a truncated file keeps the records before the cut', () => {
    const full = build();
    const s = summary(full.subarray(0, 4096 + 65536 + 300));
    expect(s.ok).toBeGreaterThanOrEqual(10);
    expect(s.ok).toBeLessThan(30);
  });

  it('parseChunk is pure: same records from a chunk alone', () => {
    const full = build();
    const r = parseChunk(full.subarray(4096 + 65536, 4096 + 2 * 65536), {
      file: 'd',
      chunkIndex: 1,
      fileOffset: 4096 + 65536,
    });
    expect(r.items.filter((i) => i.ok)).toHaveLength(10);
    const first = r.items[0];
    expect(first?.ok && first.value.offset).toBe(4096 + 65536 + 512);
  });

  it('sniffs ElfFile (1), a bare ElfChnk (lower), and nothing else', () => {
    const full = build();
    expect(evtxSource.sniff({ head: full.subarray(0, 64), path: 'x' })).toBe(1);
    const chunkOnly = full.subarray(4096, 4096 + 64);
    expect(evtxSource.sniff({ head: chunkOnly, path: 'x' })).toBeGreaterThan(0);
    expect(evtxSource.sniff({ head: chunkOnly, path: 'x' })).toBeLessThan(1);
    expect(evtxSource.sniff({ head: new Uint8Array(64), path: 'x.evtx' })).toBe(0);
  });
});

/** An input that yields `bytes` in pieces of pseudo-random sizes (like a gunzip stream). */
function input(bytes: Uint8Array, seed = 1): ReaderInput {
  return {
    path: 's.evtx',
    compressed: true,
    async *open() {
      let s = seed;
      for (let p = 0; p < bytes.length; ) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        const n = 1 + (s % 20000);
        yield bytes.subarray(p, p + n);
        p += n;
      }
    },
  };
}

async function collect(it: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readEvtx (streaming)', () => {
  it('yields the same events as the in-memory parser, whatever the piece sizes', async () => {
    const bytes = build([{ kind: 'chunk-magic', chunk: 1 }]);
    const want = parseEvtxBytes(bytes, { file: 's.evtx' })
      .items.filter((i) => i.ok)
      .map((i) => (i.ok ? recordToEvent(i.value, 's.evtx') : null));
    for (const seed of [1, 2, 3]) {
      const got = await collect(readEvtx(input(bytes, seed)));
      expect(got.filter((g) => g.ok).map((g) => (g.ok ? g.value : null))).toEqual(want);
      const errs = got.filter((g) => !g.ok);
      expect(errs.map((e) => (e.ok ? '' : e.issues[0]?.code))).toEqual(['evtx.chunk-bad-magic']);
    }
  });

  it('reads a bare chunk and reports non-EVTX input as one issue', async () => {
    const bytes = build();
    const chunk = bytes.subarray(4096, 4096 + 65536);
    const got = await collect(readEvtx(input(chunk)));
    expect(got.filter((g) => g.ok)).toHaveLength(10);
    const junk = await collect(readEvtx(input(gzipSync(Buffer.from('not evtx')))));
    expect(junk.map((j) => (j.ok ? 'ok' : j.issues[0]?.code))).toEqual(['evtx.bad-magic']);
  });
});

describe('parseChunk on raw blocks', () => {
  it('an all-zero block yields nothing; a non-zero block without the signature is one issue', () => {
    expect(
      parseChunk(new Uint8Array(65536), { file: 'z', chunkIndex: 3, fileOffset: 4096 + 3 * 65536 }),
    ).toEqual({
      items: [],
      issues: [],
    });
    const junk = new Uint8Array(65536).fill(7);
    const r = parseChunk(junk, { file: 'z', chunkIndex: 3, fileOffset: 4096 + 3 * 65536 });
    expect(r.issues.map((i) => [i.code, i.location?.offset])).toEqual([
      ['evtx.chunk-bad-magic', 4096 + 3 * 65536],
    ]);
  });

  it('carries the file-header flags given in extraFlags', () => {
    const full = build();
    const r = parseChunk(full.subarray(4096, 4096 + 65536), {
      file: 'd',
      chunkIndex: 0,
      fileOffset: 4096,
      extraFlags: ['file-header-crc-mismatch'],
    });
    const first = r.items[0];
    expect(first?.ok && first.value.flags).toEqual(['file-header-crc-mismatch']);
  });
});

describe('non-EVTX input', () => {
  it('caps bad-signature issues per file and keeps scanning', async () => {
    const junk = new Uint8Array(4096 + 40 * 65536).fill(0x41);
    const res = parseEvtxBytes(junk, { file: 'junk' });
    expect(res.items).toEqual([]);
    expect(res.issues.map((i) => i.code)).toEqual([
      'evtx.bad-magic',
      ...Array.from({ length: 16 }, () => 'evtx.chunk-bad-magic'),
      'evtx.chunk-bad-magic',
    ]);
    expect(res.issues[res.issues.length - 1]?.details).toEqual({ more: 24, total: 40 });
    const streamed = await collect(readEvtx(input(junk)));
    expect(streamed).toHaveLength(18);
  });
});
