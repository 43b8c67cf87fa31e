/**
 * Builds a large EVTX file for the memory benchmark: ~16 MiB of realistic records written by
 * the project's EVTX writer, tiled to the requested size (chunks are self-contained, so tiling
 * keeps every chunk valid), with the file header's CRC recomputed.
 * Usage: node --import tsx bench/make-big-evtx.ts OUT [SIZE_MIB=1024]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { exampleLogs } from '../scripts/example/scenario.js';
import type { BuilderEvent } from '../test/utils/evtx-builder.js';
import { buildEvtx, CHUNK_SIZE, FILE_HEADER_SIZE, recomputeCrcs } from '../test/utils/evtx-builder.js';

const out = process.argv[2];
const sizeMiB = Number(process.argv[3] ?? 1024);
if (!out) throw new Error('usage: make-big-evtx.ts OUT [SIZE_MIB]');

const base = exampleLogs().find((l) => l.file === 'WEB01-Sysmon.evtx')?.events ?? [];
const events: BuilderEvent[] = [];
let rid = 1;
while (events.length < 40_000) {
  for (const e of base) events.push({ ...e, recordId: rid++ });
}
const seed = buildEvtx(events);
const seedChunks = (seed.length - FILE_HEADER_SIZE) / CHUNK_SIZE;
const wantChunks = Math.floor((sizeMiB * 1024 * 1024 - FILE_HEADER_SIZE) / CHUNK_SIZE);
const header = seed.slice(0, FILE_HEADER_SIZE);
// Header: last chunk number (u64 @ 16) and chunk count (u16 @ 42) as the tiled file has them.
const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
dv.setBigUint64(16, BigInt(Math.min(wantChunks, 0xffff) - 1), true);
dv.setUint16(42, Math.min(wantChunks, 0xffff), true);
const headerOnly = new Uint8Array(FILE_HEADER_SIZE);
headerOnly.set(header);
recomputeCrcs(headerOnly);
const fd = openSync(out, 'w');
writeSync(fd, headerOnly);
for (let c = 0; c < wantChunks; c++) {
  const s = FILE_HEADER_SIZE + (c % seedChunks) * CHUNK_SIZE;
  writeSync(fd, seed.subarray(s, s + CHUNK_SIZE));
}
closeSync(fd);
console.log(JSON.stringify({ out, chunks: wantChunks, seedChunks, seedRecords: events.length }));
