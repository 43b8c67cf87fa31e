#!/usr/bin/env node
// npm run bench:evtx — EVTX parsing throughput and memory, Fathom vs evtxexport (libevtx), in one run.
//  1. The whole shared EVTX corpus: MB/s, records/s, peak RSS for Fathom on 1 thread and on all
//     cores, and for evtxexport (Debian libevtx-utils), with the ratios.
//  2. A 64 MiB dense file this script builds, Fathom on one thread vs evtxexport.
//  3. A 1 GiB EVTX file this script builds: speed and peak RSS on the calling thread, one worker
//     and all cores; the speed-up, beside the machine's own ceiling (the same one-thread dump in
//     as many separate processes at once).
// Env: FATHOM_CORPUS (default ../shared/corpus), BENCH_BIG_MIB (default 1024), BENCH_SKIP_BIG=1.
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * `n` single-thread dumps of the same files at once, in separate processes: the machine's ceiling.
 * Returns the slowest one's own time (process start-up left out, as in the other rows).
 */
async function independent(files, n) {
  const runs = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const c = spawn(
            process.execPath,
            [join(root, 'bench', 'measure-dump.mjs'), '--threads', '0', ...files],
            {
              stdio: ['ignore', 'pipe', 'ignore'],
            },
          );
          let out = '';
          c.stdout.setEncoding('utf8').on('data', (d) => {
            out += d;
          });
          c.on('error', reject);
          c.on('exit', (code) =>
            code === 0
              ? resolve(JSON.parse(out.trim().split('\n').pop()))
              : reject(new Error(`exit ${code}`)),
          );
        }),
    ),
  );
  return Math.max(...runs.map((r) => r.seconds));
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
{
  // The same one-thread dump of the corpus in `cores` separate processes at once: what this
  // machine gives for this work (one thread already keeps more than one core busy on small files:
  // V8 compiles and collects on helper threads while the code warms up).
  const wall = await independent(files, cores);
  const ceiling = (cores * one.seconds) / wall;
  console.log(
    `machine ceiling on the corpus: ${cores} independent 1-thread processes at once run ${ceiling.toFixed(2)}x one alone; fathom's ${cores} threads reach ${((100 * one.seconds) / many.seconds / ceiling).toFixed(0)}% of it (--threads auto keeps evidence under 128 MiB on one thread)`,
  );
}

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
  const runs = {};
  for (const [label, t] of [
    ['1 thread', 0],
    ['1 worker', 1],
    [`${cores} workers`, cores],
  ]) {
    const r = fathom([big], t);
    runs[t] = r;
    console.log(row(`fathom 1 GiB file, ${label}`, r, size));
    console.log(
      `  peak RSS ${r.maxRssMB.toFixed(0)} MB (target < 256 MB): ${r.maxRssMB < 256 ? 'PASS' : 'FAIL'}`,
    );
  }
  // What this machine gives for this kind of work: the same single-thread dump in `cores`
  // separate processes at once (nothing shared but the hardware).
  const wall = await independent([big], cores);
  const ceiling = (cores * runs[0].seconds) / wall;
  const speedUp = runs[0].seconds / runs[cores].seconds;
  console.log(
    `speed-up ${cores} workers vs 1 thread: ${speedUp.toFixed(2)}x; vs 1 worker: ${(runs[1].seconds / runs[cores].seconds).toFixed(2)}x`,
  );
  console.log(
    `machine ceiling: ${cores} independent 1-thread processes at once run ${ceiling.toFixed(2)}x one alone; fathom's ${cores} workers reach ${((100 * speedUp) / ceiling).toFixed(0)}% of it`,
  );
}
