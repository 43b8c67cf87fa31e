#!/usr/bin/env node
// Core EVTX parser throughput on one thread, in process (no output writing): every .evtx of the
// shared corpus read into memory first, then parsed `--rounds` times. Modes:
//   parse  - records and BinXml trees only
//   event  - plus recordToEvent (the event model: what `fathom hunt` needs)
//   xml    - plus renderRecordXml
// Throughput is per CPU second of this process (wall time also printed). Uses dist/ (run `npm run build` first). Run: node bench/evtx-parse-core.mjs [--rounds 3]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpus, evtxFiles, root } from './lib.mjs';

const lib = join(root, 'dist', 'sources', 'evtx', 'index.js');
if (!existsSync(lib)) {
  console.log('bench/evtx-parse-core: build first (npm run build)');
  process.exit(1);
}
if (!existsSync(join(corpus, 'evtx'))) {
  console.log('bench/evtx-parse-core: skipped: corpus not found');
  process.exit(0);
}
const { parseEvtxBytes, recordToEvent, renderRecordXml } = await import(lib);
const argRounds = process.argv.indexOf('--rounds');
const rounds = argRounds > 0 ? Number(process.argv[argRounds + 1]) : 3;

const files = evtxFiles(join(corpus, 'evtx')).map((f) => ({ f, bytes: readFileSync(f) }));
const total = files.reduce((a, x) => a + x.bytes.length, 0);

function run(mode) {
  let records = 0;
  let sink = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (const { f, bytes } of files) {
    const res = parseEvtxBytes(bytes, { file: f });
    for (const it of res.items) {
      if (!it.ok) continue;
      records++;
      if (mode !== 'parse') sink += recordToEvent(it.value, f).eventId;
      if (mode === 'xml') sink += renderRecordXml(it.value).length;
    }
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  // CPU time of this thread's process: steadier than wall time on a shared machine.
  const cpu = (c.user + c.system) / 1e6;
  return { records, s: cpu, wall, sink };
}

console.log(`corpus: ${files.length} files, ${(total / 1048576).toFixed(1)} MiB`);
for (const mode of ['parse', 'event', 'xml']) {
  let best = null;
  for (let i = 0; i < rounds; i++) {
    const r = run(mode);
    if (!best || r.s < best.s) best = r;
  }
  console.log(
    `${mode.padEnd(6)} ${(total / 1048576 / best.s).toFixed(1).padStart(7)} MiB/s ${Math.round(
      best.records / best.s,
    )
      .toString()
      .padStart(
        8,
      )} records/s  (${best.records} records, best of ${rounds}: ${best.s.toFixed(3)} s CPU, ${best.wall.toFixed(3)} s wall)`,
  );
}
console.log(`peak RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB (corpus held in memory)`);
