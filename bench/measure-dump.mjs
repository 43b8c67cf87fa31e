#!/usr/bin/env node
// Child process of bench/evtx.mjs: runs Fathom's dump over the given files in this process
// and prints one JSON line of figures (its own peak RSS included). Output text is counted, not
// written, so the figure is parse + render (+ UTF-8 encoding on workers).
// Usage: node bench/measure-dump.mjs --threads N [--format jsonl|xml] FILE...
import { runDump } from '../dist/engine/dump.js';

const args = process.argv.slice(2);
let threads = 0;
let format = 'jsonl';
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--format') format = args[++i];
  else files.push(args[i]);
}
// Characters of text (calling thread) or bytes of UTF-8 (workers).
let outSize = 0;
const t0 = process.hrtime.bigint();
const summary = await runDump(files, { format, workers: threads, chunksPerTask: 16 }, (chunk) => {
  outSize += chunk.length;
});
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({
    threads,
    files: summary.files.length,
    records: summary.records,
    errors: summary.errors,
    bytes: summary.bytes,
    outSize,
    seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    // Process CPU time (all threads: workers, V8's compiler and GC helpers) over wall time.
    coresBusy: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6 / seconds,
  }),
);
