/**
 * @module test/evtx/dirty.test
 * Dirty fixtures named after their defect, built at test time by the project's EVTX writer,
 * with asserted ok/err counts (style rule 8). Base file: 12 records (100..111) in 3 chunks of 4.
 * Each case names which records must come back, how many error items there are, and the flags
 * or file-level issues the defect must leave.
 */
import { describe, expect, it } from 'vitest';
import { parseEvtxBytes } from '../../src/sources/evtx/index.js';
import { buildEvtx, buildEvtxDetailed, type Defect } from '../utils/evtx-builder.js';
import { sampleEvent } from '../utils/evtx-samples.js';

const events = Array.from({ length: 12 }, (_, i) => sampleEvent(i));
const opts = { chunkCapacity: 4 };
const { layout } = buildEvtxDetailed(events, opts);
const chunk1 = layout.chunks[1];
const rec106 = chunk1?.records[2];
if (!chunk1 || !rec106) throw new Error('unexpected layout');
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
    err: 1,
    errCodes: ['evtx.record-bad-size'],
  },
  {
    name: 'garbage-record',
    dirty: [{ kind: 'garbage-record', chunk: 1, record: 2 }],
    ok: without(106, 107),
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
    ok: without(106, 107),
    err: 1,
    errCodes: ['evtx.record-bad-size'],
  },
  {
    name: 'record-size-absurd',
    dirty: [{ kind: 'record-size', chunk: 1, record: 2, size: 0xfffffff0, copy: true }],
    ok: without(106, 107),
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
    ok: without(106, 107),
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

  it('a torn chunk keeps the other chunks whole and never returns the torn record unflagged', () => {
    const keep = rec106.offset - chunk1.offset + 40;
    const bytes = buildEvtx(events, { ...opts, dirty: [{ kind: 'truncate-chunk', chunk: 1, keep }] });
    const r = parseEvtxBytes(bytes, { file: 't.evtx' });
    const ok = r.items.flatMap((i) => (i.ok ? [i.value] : []));
    const nums = ok.map((x) => x.recordNumber);
    for (const n of [...range(100, 105), ...range(108, 111)]) expect(nums).toContain(n);
    expect(nums).not.toContain(107);
    for (const x of ok.filter((y) => y.recordNumber === 106)) expect(x.flags.length).toBeGreaterThan(0);
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
