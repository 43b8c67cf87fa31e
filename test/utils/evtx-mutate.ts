/**
 * @module test/utils/evtx-mutate
 * Deterministic EVTX mutations for fuzzing (the suite's fuzz test and `scripts/fuzz-evtx.mjs`):
 * seed files built by the project's writer, and mutations aimed at the format — bit flips, byte
 * sets, truncations, chunk splices, size-field and offset corruption, BinXml token swaps.
 * Input `i` of run `seed` is always the same bytes, so any failure can be rebuilt from two numbers.
 */
import { buildEvtx, buildEvtxRecords, el, nested, sub, text, tpl } from './evtx-builder.js';
import { prng } from './evtx-defects.js';
import { sampleEvent, valueCasesRecord } from './evtx-samples.js';

export type Rng = () => number;

const CHUNK = 65536;
const HEADER = 4096;

/** The PRNG for input `index` of a run seeded with `seed`. */
export function inputRng(seed: number, index: number): Rng {
  return prng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rng, n: number): number => Math.floor(r() * n);

/** Small valid files exercising templates, every value type, nesting and slack. */
export function builderSeeds(): Array<{ name: string; bytes: Uint8Array }> {
  const events = Array.from({ length: 10 }, (_, i) =>
    sampleEvent(i, i % 3 === 0 ? { eventId: 4688, data: { NewProcessName: `C:\\p${i}.exe`, Pid: i } } : {}),
  );
  const inner = {
    guid: '{99999999-8888-7777-6666-555555555555}',
    root: el('UserData', {}, el('Leaf', {}, sub(0, 'string'))),
  };
  const constructs = buildEvtxRecords([
    { recordNumber: 1, written: 0n, body: [valueCasesRecord()] },
    {
      recordNumber: 2,
      written: '2024-01-01T00:00:00Z',
      body: [
        tpl(
          {
            guid: '{12121212-3434-5656-7878-909090909090}',
            root: el('Event', {}, el('A', { x: [sub(0, 'string')] }, sub(1, 'binxml'))),
          },
          [{ type: 'null' }, { type: 'binxml', value: [tpl(inner, [{ type: 'string', value: 'leaf' }])] }],
        ),
      ],
    },
    {
      recordNumber: 3,
      written: 0n,
      body: [
        el(
          'Event',
          { a: 'b' },
          el('B', {}, text('x'), { kind: 'entityref', name: 'amp' }, { kind: 'charref', code: 65 }),
          el('C', {}, { kind: 'pi', target: 't', data: 'd' }, { kind: 'cdata', value: 'c' }),
          nested(40, 'n', text('deep')),
        ),
      ],
    },
  ]).bytes;
  return [
    { name: 'builder-events', bytes: buildEvtx(events, { chunkCapacity: 5 }) },
    { name: 'builder-constructs', bytes: constructs },
    { name: 'builder-slack', bytes: buildEvtx(events, { dirty: [{ kind: 'slack', chunk: 0, count: 3 }] }) },
  ];
}

/** Offsets of `**\0\0` record signatures (candidate records) in `b`. */
function recordOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = HEADER; i + 24 <= b.length; i++) {
    if (b[i] === 0x2a && b[i + 1] === 0x2a && b[i + 2] === 0 && b[i + 3] === 0) out.push(i);
    if (out.length > 4096) break;
  }
  return out;
}

const INTERESTING_U8 = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0c, 0x0d, 0x0e, 0x0f, 0x21, 0x41, 0x45, 0x46, 0x7f, 0x80, 0x81, 0xff,
];
const INTERESTING_U32 = [
  0, 1, 2, 0x7f, 0xff, 0x1ff, 0x200, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff,
];

function setU32(b: Uint8Array, at: number, v: number): void {
  if (at < 0 || at + 4 > b.length) return;
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

function setU16(b: Uint8Array, at: number, v: number): void {
  if (at < 0 || at + 2 > b.length) return;
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

/** A position biased towards structure: headers, record starts, or anywhere. */
function hotOffset(r: Rng, b: Uint8Array, recs: number[]): number {
  const k = r();
  const chunks = Math.max(1, Math.floor((b.length - HEADER) / CHUNK));
  if (k < 0.1) return int(r, Math.min(128, b.length));
  if (k < 0.3) return HEADER + int(r, chunks) * CHUNK + int(r, 512);
  if (k < 0.7 && recs.length) return Math.min(b.length - 1, pick(r, recs) + int(r, 96));
  return int(r, b.length);
}

type Op = (r: Rng, b: Uint8Array, recs: number[], others: Uint8Array[]) => Uint8Array;

const OPS: Record<string, Op> = {
  bitflip: (r, b, recs) => {
    for (let n = 1 + int(r, 8); n > 0; n--) {
      const at = hotOffset(r, b, recs);
      b[at] = (b[at] ?? 0) ^ (1 << int(r, 8));
    }
    return b;
  },
  byteset: (r, b, recs) => {
    for (let n = 1 + int(r, 4); n > 0; n--) b[hotOffset(r, b, recs)] = pick(r, INTERESTING_U8);
    return b;
  },
  u32set: (r, b, recs) => {
    const v = r() < 0.5 ? pick(r, INTERESTING_U32) : int(r, CHUNK);
    setU32(b, hotOffset(r, b, recs), v);
    return b;
  },
  'size-field': (r, b, recs) => {
    if (!recs.length) return b;
    const at = pick(r, recs);
    const cur = (b[at + 4] ?? 0) | ((b[at + 5] ?? 0) << 8) | ((b[at + 6] ?? 0) << 16);
    const v = pick(r, [
      0,
      1,
      23,
      24,
      28,
      cur - 1,
      cur + 1,
      cur * 2,
      0xffff,
      0x10000,
      0xffffffff,
      int(r, CHUNK),
    ]);
    setU32(b, at + (r() < 0.8 ? 4 : 0), v);
    return b;
  },
  'inner-size': (r, b, recs) => {
    // Element data sizes, value descriptor sizes and counts live in the record body.
    if (!recs.length) return b;
    const at = pick(r, recs) + 24 + int(r, 200);
    if (r() < 0.5) setU16(b, at, pick(r, [0, 1, 0xffff, int(r, 0x10000)]));
    else setU32(b, at, pick(r, INTERESTING_U32));
    return b;
  },
  truncate: (r, b) => b.slice(0, int(r, b.length + 1)),
  'truncate-near-end': (r, b) => b.slice(0, Math.max(0, b.length - 1 - int(r, 4096))),
  'chunk-splice': (r, b, _recs, others) => {
    const src = others.length ? pick(r, others) : b;
    const n = Math.floor((src.length - HEADER) / CHUNK);
    if (n < 1) return b;
    const from = HEADER + int(r, n) * CHUNK;
    const slice = src.subarray(from, from + CHUNK);
    const mode = r();
    if (mode < 0.4) {
      // Overwrite one of our chunks.
      const m = Math.max(1, Math.floor((b.length - HEADER) / CHUNK));
      const to = HEADER + int(r, m) * CHUNK;
      const out = b.length >= to + CHUNK ? b : Uint8Array.from({ length: to + CHUNK }, (_, i) => b[i] ?? 0);
      out.set(slice, to);
      return out;
    }
    if (mode < 0.7) {
      // Append a chunk (beyond the header count), maybe a partial one.
      const part = slice.subarray(0, r() < 0.5 ? CHUNK : int(r, CHUNK));
      const out = new Uint8Array(b.length + part.length);
      out.set(b);
      out.set(part, b.length);
      return out;
    }
    // Splice a random window of another chunk into a random place in ours.
    const len = 1 + int(r, 2048);
    const s = int(r, Math.max(1, slice.length - len));
    const at = int(r, Math.max(1, b.length - len));
    b.set(slice.subarray(s, s + len).subarray(0, Math.max(0, b.length - at)), at);
    return b;
  },
  'chunk-shift': (r, b) => {
    // Misalign everything after the header by a few bytes.
    if (b.length <= HEADER) return b;
    const k = 1 + int(r, 16);
    const out = new Uint8Array(b.length + k);
    out.set(b.subarray(0, HEADER), 0);
    out.set(b.subarray(HEADER), HEADER + k);
    return out;
  },
  'record-dup': (r, b, recs) => {
    // Copy one record over another (template offsets then point into the wrong place).
    if (recs.length < 2) return b;
    const a = pick(r, recs);
    const d = pick(r, recs);
    const len = Math.min(512, b.length - a, b.length - d);
    b.copyWithin(d, a, a + len);
    return b;
  },
  'zero-range': (r, b, recs) => {
    const at = hotOffset(r, b, recs);
    b.fill(0, at, at + 1 + int(r, 512));
    return b;
  },
};

export const MUTATION_NAMES = Object.keys(OPS);

/** Mutate `seed` with 1..4 ops drawn from `r`; `others` are donors for chunk splices. */
export function mutate(r: Rng, seed: Uint8Array, others: Uint8Array[]): { bytes: Uint8Array; ops: string[] } {
  let b: Uint8Array = seed.slice();
  const ops: string[] = [];
  for (let n = 1 + int(r, 4); n > 0; n--) {
    const name = pick(r, MUTATION_NAMES);
    const op = OPS[name];
    if (!op) continue;
    b = op(r, b, recordOffsets(b), others);
    ops.push(name);
  }
  return { bytes: b, ops };
}

/** How input `index` of run `seed` is read: with `--recover` or not, and (1 in 8) also streamed in pieces. */
export function inputOptions(seed: number, index: number): { recover: boolean; streamPiece: number | null } {
  const r = inputRng(seed ^ 0x5a5a, index);
  const recover = r() < 0.5;
  const piece = 1 + Math.floor(r() * 70000);
  return { recover, streamPiece: index % 8 === 0 ? piece : null };
}

/** Input `index` of run `seed` over `seeds` (the same bytes every time). */
export function fuzzInput(
  seed: number,
  index: number,
  seeds: Array<{ name: string; bytes: Uint8Array }>,
): { seedName: string; bytes: Uint8Array; ops: string[] } {
  const r = inputRng(seed, index);
  const s = pick(r, seeds);
  const { bytes, ops } = mutate(
    r,
    s.bytes,
    seeds.map((x) => x.bytes),
  );
  return { seedName: s.name, bytes, ops };
}
