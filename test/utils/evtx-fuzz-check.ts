/**
 * @module test/utils/evtx-fuzz-check
 * What one fuzz input must satisfy (shared by the suite's fuzz test and `scripts/fuzz-evtx.mjs`):
 * parsing, rendering and event mapping return instead of throwing, and the amount of work and
 * output is bounded by the input's structure — item and issue counts by the file size, rendered
 * text by a fixed factor of it — so no input can loop or grow without limit. No clocks involved.
 */
import type { Issue } from '../../src/core/issue.js';
import {
  MAX_RECORDS_PER_CHUNK,
  parseEvtxBytes,
  readEvtx,
  recordToEvent,
  renderRecordXml,
} from '../../src/sources/evtx/index.js';

/** Smallest possible record: signature, size, number, time, size copy. */
const MIN_RECORD = 28;

/**
 * Items one input may yield: records (each at least 28 bytes of its chunk, never overlapping),
 * as many broken-record errors (after each break the chain resumes on a record, or stops), and
 * per chunk position the records its header promises that never came back (at most
 * `MAX_RECORDS_PER_CHUNK`, however short the chunk is).
 */
function maxItemsFor(size: number): number {
  const chunks = Math.ceil(size / 65536) + 1;
  return 2 * Math.ceil(size / MIN_RECORD) + chunks * (MAX_RECORDS_PER_CHUNK + 1) + 1;
}
/** Rendered XML may exceed the input (templates are shared), but only by this factor. */
export const MAX_RENDER_FACTOR = 4096;

export interface CheckOutcome {
  items: number;
  ok: number;
  renderedChars: number;
  violations: string[];
}

function checkIssue(i: Issue, size: number, where: string, out: string[]): void {
  if (typeof i.code !== 'string' || !i.code) out.push(`${where}: issue without code`);
  const off = i.location?.offset;
  if (off !== undefined && (!Number.isFinite(off) || off < 0 || off > size)) {
    out.push(`${where}: issue ${i.code} offset ${off} outside the input (${size} bytes)`);
  }
}

/** Parse, render and map one input; exceptions propagate (they are the crashes we look for). */
export function checkInput(bytes: Uint8Array, recover: boolean): CheckOutcome {
  const v: string[] = [];
  const r = parseEvtxBytes(bytes, { file: 'fuzz.evtx', recover });
  const maxItems = maxItemsFor(bytes.length);
  if (r.items.length > maxItems) v.push(`items ${r.items.length} > ${maxItems} for ${bytes.length} bytes`);
  const maxIssues = Math.ceil(bytes.length / 16) + 64;
  if (r.issues.length > maxIssues) v.push(`issues ${r.issues.length} > ${maxIssues}`);
  for (const i of r.issues) checkIssue(i, bytes.length, 'file', v);
  let ok = 0;
  let chars = 0;
  for (const it of r.items) {
    if (!it.ok) {
      if (it.issues.length === 0) v.push('error item without issues');
      for (const i of it.issues) checkIssue(i, bytes.length, 'record', v);
      continue;
    }
    ok++;
    const rec = it.value;
    if (rec.offset < 0 || rec.offset + MIN_RECORD > bytes.length)
      v.push(`record offset ${rec.offset} outside the input`);
    const xml = renderRecordXml(rec);
    chars += xml.length;
    const ev = recordToEvent(rec, 'fuzz.evtx');
    if (typeof ev.eventId !== 'number' || Number.isNaN(ev.eventId)) v.push(`eventId ${String(ev.eventId)}`);
    chars += JSON.stringify(ev).length;
  }
  const maxChars = MAX_RENDER_FACTOR * bytes.length + (1 << 20);
  if (chars > maxChars) v.push(`rendered ${chars} chars > ${maxChars} for ${bytes.length} bytes`);
  return { items: r.items.length, ok, renderedChars: chars, violations: v };
}

/** The streaming reader over the same bytes, cut into pieces of `piece` bytes. */
export async function checkStream(bytes: Uint8Array, recover: boolean, piece: number): Promise<CheckOutcome> {
  const v: string[] = [];
  let items = 0;
  let ok = 0;
  const input = {
    path: 'fuzz.evtx',
    compressed: false,
    async *open(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < bytes.length; i += piece) yield bytes.subarray(i, i + piece);
    },
  };
  const maxItems = maxItemsFor(bytes.length) + 64;
  for await (const it of readEvtx(input, { recover })) {
    items++;
    if (it.ok) ok++;
    else for (const i of it.issues) checkIssue(i, bytes.length, 'stream', v);
    if (items > maxItems) {
      v.push(`stream yielded more than ${maxItems} items for ${bytes.length} bytes`);
      break;
    }
  }
  return { items, ok, renderedChars: 0, violations: v };
}
