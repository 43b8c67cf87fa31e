#!/usr/bin/env node
// npm run bench:evtx — EVTX parsing throughput and memory, Fathom vs evtxexport (libevtx), in one run.
//  1. The whole shared EVTX corpus: MB/s, records/s, peak RSS for Fathom on 1 thread and on all
//     cores, and for evtxexport (Debian libevtx-utils), with the ratios.
//  2. Peak RSS while dumping a 1 GiB EVTX file that this script builds (bench/.work/big.evtx).
// Env: FATHOM_CORPUS (default ../shared/corpus), BENCH_BIG_MIB (default 1024), BENCH_SKIP_BIG=1.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { builtEvtx, corpus, ensureBuilt, evtxFiles, root } from './lib.mjs';

ensureBuilt('engine/dump.js');

function fathom(files, threads, format = 'jsonl') {
  const r = spawnSync(
    process.execPath,
    [join(root, 'bench', 'measure-dump.mjs'), '--threads', String(threads), '--format', format, ...files],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`fathom run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function hasTime() {
  return existsSync('/usr/bin/time');
}

function evtxexport(files) {
  const probe = spawnSync('evtxexport', ['-h'], { encoding: 'utf8' });
  if (probe.error) return null;
  let seconds = 0;
  let maxRssMB = 0;
  let records = 0;
  for (const f of files) {
    const t0 = process.hrtime.bigint();
    const r = hasTime()
      ? spawnSync('/usr/bin/time', ['-f', '%M', 'evtxexport', f], { encoding: 'latin1', maxBuffer: 1 << 30 })
      : spawnSync('evtxexport', [f], { encoding: 'latin1', maxBuffer: 1 << 30 });
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    records += (r.stdout.match(/^Event number/gm) ?? []).length;
    if (hasTime()) {
      const kb = Number((r.stderr.trim().split('\n').pop() ?? '0').trim());
      if (Number.isFinite(kb)) maxRssMB = Math.max(maxRssMB, kb / 1024);
    }
  }
  return { records, seconds, maxRssMB };
}

const fmt = (n, d = 1) => n.toFixed(d).padStart(9);
const row = (name, r, bytes) =>
  `${name.padEnd(28)} ${fmt(bytes / 1048576 / r.seconds)} MB/s ${fmt(r.records / r.seconds, 0)} rec/s ${fmt(r.seconds, 2)} s ${fmt(r.maxRssMB)} MB RSS ${String(r.records).padStart(8)} rec${r.coresBusy ? `  ${r.coresBusy.toFixed(2)} cores busy` : ''}`;

const evtxDir = join(corpus, 'evtx');
if (!existsSync(evtxDir)) {
  console.log(`bench:evtx: skipped: corpus not found at ${corpus}`);
  process.exit(0);
}
const files = evtxFiles(evtxDir);
const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
const cores = availableParallelism();
console.log(
  `EVTX corpus: ${files.length} files, ${(bytes / 1048576).toFixed(1)} MiB (${corpus}); ${cores} cores`,
);

const one = fathom(files, 0);
const many = fathom(files, cores);
const ref = evtxexport(files);
console.log(row('fathom dump jsonl, 1 thread', one, bytes));
console.log(row(`fathom dump jsonl, ${cores} threads`, many, bytes));
if (ref) console.log(row('evtxexport (libevtx)', ref, bytes));
else console.log('evtxexport: not installed (apt-get install libevtx-utils) — no reference figures');
if (ref) {
  console.log(`ratio fathom(1 thread) / evtxexport throughput: ${(ref.seconds / one.seconds).toFixed(2)}x`);
  console.log(
    `ratio fathom(${cores} threads) / evtxexport throughput: ${(ref.seconds / many.seconds).toFixed(2)}x`,
  );
}
console.log(`speed-up ${cores} threads vs 1: ${(one.seconds / many.seconds).toFixed(2)}x`);

// Like for like on dense records: a 64 MiB file this script builds (the corpus files are mostly
// empty chunk space), Fathom on one thread against evtxexport.
{
  const mib = Number(process.env.BENCH_DENSE_MIB ?? 64);
  const dense = builtEvtx(mib, { quiet: true });
  const size = statSync(dense).size;
  const f = fathom([dense], 0);
  const e = evtxexport([dense]);
  console.log(row(`fathom ${mib} MiB dense file, 1 thread`, f, size));
  if (e) {
    console.log(row(`evtxexport ${mib} MiB dense file`, e, size));
    console.log(
      `ratio fathom(1 thread) / evtxexport on dense records: ${(e.seconds / f.seconds).toFixed(2)}x`,
    );
  }
}

if (process.env.BENCH_SKIP_BIG !== '1') {
  const mib = Number(process.env.BENCH_BIG_MIB ?? 1024);
  const big = builtEvtx(mib);
  const size = statSync(big).size;
  for (const t of [0, cores]) {
    const r = fathom([big], t);
    console.log(row(`fathom 1 GiB file, ${t || 1} thread${t > 1 ? 's' : ''}`, r, size));
    console.log(
      `  peak RSS ${r.maxRssMB.toFixed(0)} MB (target < 256 MB): ${r.maxRssMB < 256 ? 'PASS' : 'FAIL'}`,
    );
  }
}
