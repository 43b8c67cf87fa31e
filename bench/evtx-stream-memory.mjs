#!/usr/bin/env node
// Streaming memory check for readEvtx: feeds N chunks (default 3000 = 188 MiB) of a corpus
// file, in 16 KiB pieces as a gunzip stream would, and prints events, issues and peak RSS.
// Memory must stay flat as N grows. Uses dist/ (npm run build).
// Run: node bench/evtx-stream-memory.mjs [N]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpus, root } from './lib.mjs';

const sample = join(corpus, 'evtx', 'evtx-rs-samples', 'samples', 'security.evtx');
if (!existsSync(sample)) {
  console.log('bench/evtx-stream-memory: skipped: corpus not found');
  process.exit(0);
}
const { readEvtx } = await import(join(root, 'dist', 'sources', 'evtx', 'index.js'));
const src = readFileSync(sample);
const header = src.subarray(0, 4096);
const chunks = [];
for (let o = 4096; o + 65536 <= src.length; o += 65536) chunks.push(src.subarray(o, o + 65536));
const n = Number(process.argv[2] ?? 3000);
const input = {
  path: 'stream.evtx',
  compressed: true,
  async *open() {
    yield header;
    for (let i = 0; i < n; i++) {
      const c = chunks[i % chunks.length];
      for (let p = 0; p < c.length; p += 16384) yield c.subarray(p, p + 16384);
    }
  },
};
let events = 0;
let issues = 0;
let peak = 0;
for await (const it of readEvtx(input)) {
  if (it.ok) events++;
  else issues++;
  if ((events & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
}
peak = Math.max(peak, process.memoryUsage().rss);
console.log(
  `streamed ${((n * 65536) / 1048576).toFixed(0)} MiB: ${events} events, ${issues} issues, peak RSS ${(peak / 1048576).toFixed(0)} MiB`,
);
