/**
 * Builds a large EVTX file for the memory benchmark: ~16 MiB of mostly routine records written by
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

// Mostly routine activity, as a real multi-GB log is: one event in ~500 is from the attack.
const attack = exampleLogs().find((l) => l.file === 'WEB01-Sysmon.evtx')?.events ?? [];
const template = attack[0];
if (!template) throw new Error('example case has no Sysmon events');
const routine = [
  [
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
    'C:\\Windows\\System32\\services.exe',
  ],
  [
    'C:\\Windows\\System32\\RuntimeBroker.exe',
    'C:\\Windows\\System32\\RuntimeBroker.exe -Embedding',
    'C:\\Windows\\System32\\svchost.exe',
  ],
  [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ],
  [
    'C:\\Windows\\System32\\taskhostw.exe',
    'taskhostw.exe Install $(Arg0)',
    'C:\\Windows\\System32\\svchost.exe',
  ],
  [
    'C:\\Windows\\System32\\backgroundTaskHost.exe',
    '"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca',
    'C:\\Windows\\System32\\svchost.exe',
  ],
] as const;
const events: BuilderEvent[] = [];
let rid = 1;
let a = 0;
while (events.length < 40_000) {
  if (events.length % 500 === 0) {
    const ev = attack[a++ % attack.length] as BuilderEvent;
    events.push({ ...ev, recordId: rid++ });
    continue;
  }
  const [image, cmd, parent] = routine[events.length % routine.length] as readonly [string, string, string];
  events.push({
    ...template,
    recordId: rid++,
    data: {
      ...template.data,
      ProcessId: 1000 + (events.length % 50000),
      Image: image,
      CommandLine: `${cmd} ${events.length}`,
      ParentImage: parent,
      OriginalFileName: image.slice(image.lastIndexOf('\\') + 1),
      IntegrityLevel: 'Medium',
      User: 'CORP\\jdoe',
    },
  });
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
