/**
 * @module sources/evtx/resync
 * What a chunk's records owe its header: resynchronising after a broken record (the next
 * offset that is unmistakably a record of this chunk) and accounting for the record
 * identifiers the chunk header promises that no record delivered (`evtx.records-missing`).
 * Both are linear in the chunk size and bounded by what a 64 KiB chunk can hold.
 */

import { type Issue, issue } from '../../core/issue.js';
import type { ByteReader } from '../binary/byte-reader.js';
import { RECORD_MAGIC, RECORD_MIN_SIZE } from './record.js';

/** Most records a 64 KiB chunk can hold (every record is at least 28 bytes after the 512-byte header). */
export const MAX_RECORDS_PER_CHUNK = Math.floor((65536 - 512) / RECORD_MIN_SIZE);

/** Records are written at 8-byte aligned chunk offsets; resynchronisation only looks there. */
const ALIGN = 8;

/** The record identifiers a chunk header promises (inclusive), when they are plausible. */
export interface RecordRange {
  first: number;
  last: number;
}

/**
 * The header's identifier range, `null` for an empty chunk (both 0), or an issue when the range
 * cannot be right (reversed, or more records than a chunk can hold).
 */
export function recordRange(
  first: number,
  last: number,
  where: { file: string; offset: number },
  chunk: number,
): RecordRange | Issue | null {
  if (first === 0 && last === 0) return null;
  if (last < first || last - first + 1 > MAX_RECORDS_PER_CHUNK) {
    return issue(
      'evtx.chunk-bad-record-range',
      `chunk ${chunk} header lists records ${first}..${last}, which cannot fit in a chunk; missing records are not counted`,
      where,
      { chunk, first, last },
      'warning',
    );
  }
  return { first, last };
}

/**
 * The next chunk offset after a broken record at `from` (and before `end`, the used area's end)
 * that holds a record of this chunk: the `**\0\0` signature at an 8-byte aligned offset, a size
 * of at least 28 that stays inside the used area, the same size in the record's last four bytes,
 * and an identifier inside the header's range greater than `after` (the highest one read so far).
 * Returns -1 when there is none. One pass, O(1) per aligned offset.
 */
export function resyncOffset(
  r: ByteReader,
  from: number,
  end: number,
  range: RecordRange,
  after: number,
): number {
  let p = Math.ceil((from + 1) / ALIGN) * ALIGN;
  for (; p + RECORD_MIN_SIZE <= end; p += ALIGN) {
    if (!r.matches(p, RECORD_MAGIC)) continue;
    const size = r.u32(p + 4, 'record.size');
    if (size < RECORD_MIN_SIZE || p + size > end) continue;
    if (r.u32(p + size - 4, 'record.size-copy') !== size) continue;
    const n = r.u64(p + 8, 'record.number');
    if (n > after && n >= range.first && n <= range.last) return p;
  }
  return -1;
}

/**
 * Which of the header's record identifiers came back. `seen` marks identifiers read (ok or as a
 * record error that names its identifier); `broken` counts breaks whose record identifier is
 * unknown, each standing for the first unaccounted identifier after the highest one read before it.
 */
export class RecordLedger {
  private readonly got: Uint8Array;
  private readonly breaks: number[] = [];
  /** Highest identifier in range read so far (first - 1 before any). */
  high: number;

  constructor(readonly range: RecordRange) {
    this.got = new Uint8Array(range.last - range.first + 1);
    this.high = range.first - 1;
  }

  seen(n: number): void {
    if (n < this.range.first || n > this.range.last) return;
    this.got[n - this.range.first] = 1;
    if (n > this.high) this.high = n;
  }

  /** A broken record of unknown identifier at this point of the chain. */
  broken(): void {
    this.breaks.push(this.high);
  }

  /** Runs of identifiers (inclusive) that neither came back nor are covered by a break. */
  missing(): Array<[number, number]> {
    const got = this.got;
    const first = this.range.first;
    // Breaks are recorded in chain order with non-decreasing `high`: one cursor settles them all.
    let cursor = 0;
    for (const h of this.breaks) {
      cursor = Math.max(cursor, h - first + 1);
      while (cursor < got.length && got[cursor] === 1) cursor++;
      if (cursor >= got.length) break;
      got[cursor] = 1;
    }
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < got.length; i++) {
      if (got[i] === 1) continue;
      let j = i;
      while (j + 1 < got.length && got[j + 1] !== 1) j++;
      runs.push([first + i, first + j]);
      i = j;
    }
    return runs;
  }
}

/** One `evtx.records-missing` issue per missing record, each naming its run and the chunk. */
export function missingRecordIssues(
  runs: Array<[number, number]>,
  range: RecordRange,
  where: { file: string; offset: number },
  chunk: number,
  stoppedAt: number,
): Issue[] {
  const out: Issue[] = [];
  for (const [a, b] of runs) {
    const span = a === b ? `record ${a}` : `records ${a}..${b} (${b - a + 1})`;
    for (let n = a; n <= b; n++) {
      out.push(
        issue(
          'evtx.records-missing',
          `record ${n} could not be read: chunk ${chunk} at offset ${where.offset} lists records ${range.first}..${range.last}, and ${span} did not come back`,
          where,
          {
            chunk,
            chunkOffset: where.offset,
            recordNumber: n,
            first: a,
            last: b,
            count: b - a + 1,
            stoppedAt,
          },
        ),
      );
    }
  }
  return out;
}
