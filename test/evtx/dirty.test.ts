/**
 * @module test/evtx/dirty.test
 * Dirty fixtures named after their defect, built at test time by the project's EVTX writer,
 * with asserted ok/err counts (style rule 8). Base file: 12 records (100..111) in 3 chunks of 4.
 * Each case names which records must come back, how many error items there are, and the flags
 * or file-level issues the defect must leave. Records are 8-byte aligned, as Windows writes them
 * (resynchronisation after a broken record looks at aligned offsets only).
 */
import { describe, expect, it } from 'vitest';
import type { Issue } from '../../src/core/issue.js';
import { MAX_RECORDS_PER_CHUNK, parseEvtxBytes, readEvtx } from '../../src/sources/evtx/index.js';
import type { SourceItem } from '../../src/sources/types.js';
import { buildEvtx, buildEvtxDetailed, type Defect } from '../utils/evtx-builder.js';
import { sampleEvent } from '../utils/evtx-samples.js';

const events = Array.from({ length: 12 }, (_, i) => sampleEvent(i));
const opts = { chunkCapacity: 4, alignRecords: true };
const { layout } = buildEvtxDetailed(events, opts);
const chunk1 = layout.chunks[1];
const rec105 = chunk1?.records[1];
const rec106 = chunk1?.records[2];
if (!chunk1 || !rec105 || !rec106) throw new Error('unexpected layout');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const ALL = range(100, 111);
const without = (...n: number[]) => ALL.filter((x) => !n.includes(x));

interface Case {
  name: string;
  dirty: Defect[];
  recover?: boolean;
  /** Record numbers returned ok, in order. */
  ok: number[];
  /** Number of error items. */
  err: number;
  /** Error-item issue codes, in order. */
  errCodes?: string[];
  /** File-level issue codes that must be present. */
  issues?: string[];
  /** A flag every ok record of chunk `flagChunk` must carry. */
  flag?: string;
  flagChunk?: number;
}

const CASES: Case[] = [
  { name: 'clean', dirty: [], ok: ALL, err: 0 },
  { name: 'file-header-crc', dirty: [{ kind: 'file-header-crc' }], ok: ALL, err: 0 },
  {
    name: 'file-header-magic',
    dirty: [{ kind: 'file-header-magic' }],
    ok: ALL,
    err: 0,
    issues: ['evtx.bad-magic'],
  },
  {
    name: 'chunk-header-crc',
    dirty: [{ kind: 'chunk-header-crc', chunk: 1 }],
    ok: ALL,
    err: 0,
    flag: 'chunk-header-crc-mismatch',
    flagChunk: 1,
  },
  {
    name: 'chunk-data-crc',
    dirty: [{ kind: 'chunk-data-crc', chunk: 1 }],
    ok: ALL,
    err: 0,
    flag: 'chunk-data-crc-mismatch',
    flagChunk: 1,
  },
  {
    name: 'chunk-magic',
    dirty: [{ kind: 'chunk-magic', chunk: 1 }],
    ok: without(104, 105, 106, 107),
    err: 0,
    issues: ['evtx.chunk-bad-magic'],
  },
  { name: 'chunks-beyond-header-count', dirty: [{ kind: 'header-chunk-count', count: 1 }], ok: ALL, err: 0 },
  {
    name: 'truncated-file-mid-record',
    dirty: [{ kind: 'truncate-file', length: rec106.offset + 40 }],
    ok: range(100, 105),
    err: 2,
    errCodes: ['evtx.record-bad-size', 'evtx.records-missing'],
    issues: ['evtx.file-truncated'],
  },
  {
    name: 'garbage-record',
    dirty: [{ kind: 'garbage-record', chunk: 1, record: 2 }],
    ok: without(106),
    err: 1,
    errCodes: ['evtx.record-bad-magic'],
  },
  {
    name: 'garbage-record-recovered',
    dirty: [{ kind: 'garbage-record', chunk: 1, record: 2 }],
    recover: true,
    ok: without(106),
    err: 1,
    errCodes: ['evtx.record-bad-magic'],
  },
  {
    name: 'record-size-zero',
    dirty: [{ kind: 'record-size', chunk: 1, record: 2, size: 0 }],
    ok: without(106),
    err: 1,
    errCodes: ['evtx.record-bad-size'],
  },
  {
    name: 'record-size-absurd',
    dirty: [{ kind: 'record-size', chunk: 1, record: 2, size: 0xfffffff0, copy: true }],
    ok: without(106),
    err: 1,
    errCodes: ['evtx.record-bad-size'],
  },
  {
    name: 'record-size-absurd-recovered',
    dirty: [{ kind: 'record-size', chunk: 1, record: 2, size: 0xfffffff0 }],
    recover: true,
    ok: without(106),
    err: 1,
  },
  {
    name: 'record-magic',
    dirty: [{ kind: 'record-magic', chunk: 1, record: 2 }],
    ok: without(106),
    err: 1,
    errCodes: ['evtx.record-bad-magic'],
  },
  {
    name: 'template-pointer-to-garbage',
    dirty: [{ kind: 'template-pointer', chunk: 1, record: 2 }],
    ok: without(106),
    err: 1,
    errCodes: ['evtx.template-bad-offset'],
  },
  { name: 'slack-records', dirty: [{ kind: 'slack', chunk: 2, count: 2 }], ok: without(110, 111), err: 0 },
  {
    name: 'slack-records-recovered',
    dirty: [{ kind: 'slack', chunk: 2, count: 2 }],
    recover: true,
    ok: ALL,
    err: 0,
  },
];

describe('dirty EVTX fixtures (built by test/utils/evtx-builder.ts)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const bytes = buildEvtx(events, { ...opts, dirty: c.dirty });
    const r = parseEvtxBytes(bytes, { file: `${c.name}.evtx`, recover: c.recover ?? false });
    const ok = r.items.flatMap((i) => (i.ok ? [i.value] : []));
    const errs = r.items.flatMap((i) => (i.ok ? [] : [i.issues]));
    expect(ok.map((x) => x.recordNumber)).toEqual(c.ok);
    expect(errs.length).toBe(c.err);
    if (c.errCodes) expect(errs.map((e) => e[0]?.code)).toEqual(c.errCodes);
    for (const e of errs.flat()) {
      expect(e.location?.file).toBe(`${c.name}.evtx`);
      expect(typeof e.location?.offset).toBe('number');
    }
    const codes = r.issues.map((x) => x.code);
    for (const code of c.issues ?? []) expect(codes).toContain(code);
    if (c.flag) {
      const inChunk = ok.filter((x) => x.chunk === c.flagChunk);
      expect(inChunk.length).toBeGreaterThan(0);
      for (const x of inChunk) expect(x.flags).toContain(c.flag);
      for (const x of ok.filter((y) => y.chunk !== c.flagChunk)) expect(x.flags).not.toContain(c.flag);
    }
  });

  it('names the byte offset of a broken record', () => {
    const bytes = buildEvtx(events, { ...opts, dirty: [{ kind: 'record-magic', chunk: 1, record: 2 }] });
    const r = parseEvtxBytes(bytes, { file: 'm.evtx' });
    const bad = r.items.find((i) => !i.ok);
    expect(bad && !bad.ok ? bad.issues[0]?.location?.offset : null).toBe(rec106.offset);
  });

  it('flags the file-header CRC mismatch on the header and the records', () => {
    const r = parseEvtxBytes(buildEvtx(events, { ...opts, dirty: [{ kind: 'file-header-crc' }] }), {
      file: 'h.evtx',
    });
    expect(r.header?.crcOk).toBe(false);
    expect(parseEvtxBytes(buildEvtx(events, opts), { file: 'c.evtx' }).header?.crcOk).toBe(true);
  });

  it('marks records read from slack space as recovered', () => {
    const bytes = buildEvtx(events, { ...opts, dirty: [{ kind: 'slack', chunk: 2, count: 2 }] });
    const r = parseEvtxBytes(bytes, { file: 's.evtx', recover: true });
    const flagged = r.items.flatMap((i) =>
      i.ok && i.value.flags.includes('recovered') ? [i.value.recordNumber] : [],
    );
    expect(flagged).toEqual([110, 111]);
  });

  it('a torn chunk reports the records its header promises and does not hold (issue #2, gap 1)', async () => {
    // Chunk 1 (records 104..107) is zeroed from 40 bytes into record 105: 105 is torn (flagged),
    // 106 and 107 are gone. Each missing record is one error item naming the chunk and the run.
    const keep = rec105.offset - chunk1.offset + 40;
    const bytes = buildEvtx(events, { ...opts, dirty: [{ kind: 'truncate-chunk', chunk: 1, keep }] });
    const r = parseEvtxBytes(bytes, { file: 't.evtx' });
    const ok = r.items.flatMap((i) => (i.ok ? [i.value] : []));
    expect(ok.map((x) => x.recordNumber)).toEqual(without(106, 107));
    expect(ok.find((x) => x.recordNumber === 105)?.flags).toContain('record-size-copy-mismatch');
    const errs = errIssues(r.items);
    expect(errs.map((e) => [e.code, e.location?.file, e.location?.offset, e.details?.recordNumber])).toEqual([
      ['evtx.records-missing', 't.evtx', chunk1.offset, 106],
      ['evtx.records-missing', 't.evtx', chunk1.offset, 107],
    ]);
    expect(errs[0]?.details).toMatchObject({
      chunk: 1,
      first: 106,
      last: 107,
      count: 2,
      stoppedAt: rec106.offset,
    });
    expect(r.issues).toEqual([]);
    // The streaming reader yields the same error items (dump counts them as unreadable records).
    const streamed = await collect(readEvtx(input(bytes, 't.evtx')));
    expect(errIssues(streamed).map((e) => [e.code, e.details?.recordNumber])).toEqual([
      ['evtx.records-missing', 106],
      ['evtx.records-missing', 107],
    ]);
  });

  it('a truncated file says where its data ends and how many chunks are missing (issue #2, gap 2)', async () => {
    const atHeader = buildEvtx(events, { ...opts, dirty: [{ kind: 'truncate-file', length: 4096 }] });
    const a = parseEvtxBytes(atHeader, { file: 'a.evtx' });
    expect(a.items).toEqual([]);
    expect(a.issues.map((i) => [i.code, i.location?.offset, i.details])).toEqual([
      [
        'evtx.file-truncated',
        4096,
        { end: 4096, promisedChunks: 3, completeChunks: 0, partialChunkBytes: 0 },
      ],
    ]);
    const aStream = await collect(readEvtx(input(atHeader, 'a.evtx')));
    expect(errIssues(aStream).map((i) => [i.code, i.location?.offset])).toEqual([
      ['evtx.file-truncated', 4096],
    ]);

    // Cut 40 bytes into record 106: chunk 1 is partial (its records before the cut are kept and
    // flagged), record 106 runs past the end, 107 is missing, chunk 2 is gone.
    const cut = rec106.offset + 40;
    const midChunk = buildEvtx(events, { ...opts, dirty: [{ kind: 'truncate-file', length: cut }] });
    const b = parseEvtxBytes(midChunk, { file: 'b.evtx' });
    const ok = b.items.flatMap((i) => (i.ok ? [i.value] : []));
    expect(ok.map((x) => x.recordNumber)).toEqual(range(100, 105));
    for (const x of ok.filter((y) => y.chunk === 1)) expect(x.flags).toEqual(['chunk-truncated']);
    expect(errIssues(b.items).map((i) => [i.code, i.location?.offset, i.details?.recordNumber])).toEqual([
      ['evtx.record-bad-size', rec106.offset, undefined],
      ['evtx.records-missing', chunk1.offset, 107],
    ]);
    const partial = cut - chunk1.offset;
    expect(b.issues.map((i) => [i.code, i.location?.offset, i.details])).toEqual([
      [
        'evtx.file-truncated',
        cut,
        { end: cut, promisedChunks: 3, completeChunks: 1, partialChunkBytes: partial },
      ],
    ]);
    const bStream = await collect(readEvtx(input(midChunk, 'b.evtx')));
    expect(bStream.filter((i) => i.ok)).toHaveLength(6);
    expect(errIssues(bStream).map((i) => [i.code, i.location?.offset])).toEqual([
      ['evtx.record-bad-size', rec106.offset],
      ['evtx.records-missing', chunk1.offset],
      ['evtx.file-truncated', cut],
    ]);
  });

  it('resynchronises after a broken record and reads the rest of the chunk (issue #2, gap 3)', () => {
    // Garbage in place of record 105: one error at its offset, then 106 and 107 come back as
    // live records (not flagged recovered), with or without --recover.
    for (const recover of [false, true]) {
      const bytes = buildEvtx(events, { ...opts, dirty: [{ kind: 'garbage-record', chunk: 1, record: 1 }] });
      const r = parseEvtxBytes(bytes, { file: 'g.evtx', recover });
      const ok = r.items.flatMap((i) => (i.ok ? [i.value] : []));
      expect(ok.map((x) => x.recordNumber)).toEqual(without(105));
      for (const x of ok) expect(x.flags).toEqual([]);
      expect(errIssues(r.items).map((i) => [i.code, i.location?.offset])).toEqual([
        ['evtx.record-bad-magic', rec105.offset],
      ]);
    }
    // Garbage over two records: the break stands for the first (105); 106 is reported missing.
    const two = buildEvtx(events, {
      ...opts,
      dirty: [
        { kind: 'garbage-record', chunk: 1, record: 1 },
        { kind: 'garbage-record', chunk: 1, record: 2, seed: 99 },
      ],
    });
    const r2 = parseEvtxBytes(two, { file: 'g2.evtx' });
    expect(r2.items.flatMap((i) => (i.ok ? [i.value.recordNumber] : []))).toEqual(without(105, 106));
    expect(errIssues(r2.items).map((i) => [i.code, i.location?.offset, i.details?.recordNumber])).toEqual([
      ['evtx.record-bad-magic', rec105.offset, undefined],
      ['evtx.records-missing', chunk1.offset, 106],
    ]);
  });

  it('bounds the missing records a chunk header can claim (at most what a chunk can hold)', () => {
    // A file cut 600 bytes into chunk 0, whose header then claims records 100..100+n-1.
    const claim = (n: number) => {
      const b = buildEvtx(events, { ...opts, dirty: [{ kind: 'truncate-file', length: 4096 + 600 }] });
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      dv.setBigUint64(4096 + 32, BigInt(100 + n - 1), true);
      return parseEvtxBytes(b, { file: 'claim.evtx' });
    };
    const most = claim(MAX_RECORDS_PER_CHUNK);
    expect(MAX_RECORDS_PER_CHUNK).toBe(2322);
    const codes = errIssues(most.items).map((i) => i.code);
    // Record 100 runs past the cut (the break stands for it); 101..2421 are missing.
    expect(codes[0]).toBe('evtx.record-bad-size');
    expect(codes.slice(1)).toEqual(
      Array.from({ length: MAX_RECORDS_PER_CHUNK - 1 }, () => 'evtx.records-missing'),
    );
    const tooMany = claim(MAX_RECORDS_PER_CHUNK + 1);
    expect(errIssues(tooMany.items).map((i) => i.code)).toEqual(['evtx.record-bad-size']);
    expect(tooMany.issues.map((i) => [i.code, i.severity, i.location?.offset])).toEqual([
      ['evtx.chunk-bad-record-range', 'warning', 4096],
      ['evtx.file-truncated', 'error', 4096 + 600],
    ]);
  });

  it('reports a file cut inside its header, and returns no record', () => {
    for (const length of [0, 7, 100, 4095]) {
      const r = parseEvtxBytes(buildEvtx(events, { ...opts, dirty: [{ kind: 'truncate-file', length }] }), {
        file: 'short.evtx',
      });
      expect(r.items.filter((i) => i.ok)).toEqual([]);
      if (length < 128) expect(r.issues.map((i) => i.code)).toHaveLength(1);
    }
  });
});

/** The first issue of every error item, in order. */
function errIssues(items: ReadonlyArray<{ ok: boolean; issues?: readonly Issue[] }>): Issue[] {
  return items.flatMap((i) => (!i.ok && i.issues?.[0] ? [i.issues[0]] : []));
}

function input(bytes: Uint8Array, path: string) {
  return {
    path,
    compressed: false,
    async *open() {
      for (let p = 0; p < bytes.length; p += 5000) yield bytes.subarray(p, p + 5000);
    },
  };
}

async function collect(it: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}
