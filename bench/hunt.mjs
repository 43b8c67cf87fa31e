#!/usr/bin/env node
// npm run bench:hunt — all SigmaHQ Windows rules (plus Fathom's pack) over the shared EVTX corpus:
// events/s while scanning, rule-loading time, total time and peak RSS on the calling thread and on
// all cores; then a 1 GiB EVTX file this script builds, with one worker and with all cores. Each
// data set is also hunted with no rules at all ("reading alone"): the rate no rule set can beat.
// Hayabusa and Chainsaw cannot be installed on this machine (no network), so Hayabusa's published
// figure is printed beside ours, labelled as published.
// Env: FATHOM_CORPUS (default ../shared/corpus), BENCH_BIG_MIB (default 1024), BENCH_SKIP_BIG=1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtEvtx, corpus, ensureBuilt, root } from './lib.mjs';

ensureBuilt('engine/hunt/run.js');
const evtxDir = join(corpus, 'evtx');
const rulesDir = join(corpus, 'sigma', 'rules', 'windows');
if (!existsSync(evtxDir) || !existsSync(rulesDir)) {
  console.log(`bench:hunt: skipped: corpus not found at ${corpus}`);
  process.exit(0);
}

// `rules: false`: no rules at all (`--no-builtin`, no `--rules`): the hunt only reads the events.
function hunt(paths, threads, cache, rules = true) {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'bench', 'measure-hunt.mjs'),
      '--threads',
      String(threads),
      ...(rules ? ['--rules', rulesDir] : ['--no-builtin']),
      ...(cache ? ['--cache', cache] : []),
      ...paths,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`hunt failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const rate = (r) => r.events / r.scanSeconds;
const cacheDir = mkdtempSync(join(tmpdir(), 'fathom-bench-rule-cache-'));
const row = (name, r) =>
  `${name.padEnd(42)} ${String(Math.round(rate(r))).padStart(8)} events/s scanning ${r.seconds.toFixed(2).padStart(7)} s total (rules ${r.prepareSeconds.toFixed(2)} s) ${r.maxRssMB.toFixed(0).padStart(5)} MB RSS  ${r.events} events, ${r.rules} rules (${r.refused} not loaded), ${r.findings} findings, ${r.coresBusy.toFixed(2)} cores busy`;

const cores = availableParallelism();
console.log(`SigmaHQ Windows rules + Fathom pack over ${evtxDir} (${cores} cores)`);
const one = hunt([evtxDir], 0);
const many = hunt([evtxDir], cores);
console.log(row('fathom hunt, calling thread', one));
console.log(row(`fathom hunt, ${cores} workers`, many));
console.log(
  `speed-up ${cores} workers vs calling thread (scanning): ${(rate(many) / rate(one)).toFixed(2)}x`,
);
// The CLI keeps loaded rule sets in a cache: the first run stores, the next reads it back.
hunt([evtxDir], 0, cacheDir);
const cached = hunt([evtxDir], 0, cacheDir);
console.log(row('fathom hunt, calling thread, rule cache', cached));
console.log(
  `rules ready after ${cached.prepareSeconds.toFixed(2)} s from the rule cache (${cached.ruleCache}) vs ${one.prepareSeconds.toFixed(2)} s parsing the rule files`,
);
rmSync(cacheDir, { recursive: true, force: true });
// The floor under any rule set: the same hunt with no rules only reads and builds the events.
const readOne = hunt([evtxDir], 0, undefined, false);
const readMany = hunt([evtxDir], cores, undefined, false);
console.log(row('reading alone (no rules), calling thread', readOne));
console.log(row(`reading alone (no rules), ${cores} workers`, readMany));
const readBest = Math.max(rate(readOne), rate(readMany));
console.log(
  `reading alone is ${Math.round(readBest)} events/s at best: with this reader on this machine no rule set can do better (${Math.round((100 * rate(cached)) / readBest)} % of it reached with all ${one.rules} rules)`,
);
const rates = [rate(one), rate(many), rate(cached)];
if (process.env.BENCH_SKIP_BIG !== '1') {
  const mib = Number(process.env.BENCH_BIG_MIB ?? 1024);
  const big = builtEvtx(mib);
  // Worker threads run with a heap cap (HUNT_WORKER_HEAP_MB), which bounds resident memory.
  for (const t of [1, cores]) {
    const r = hunt([big], t);
    rates.push(rate(r));
    console.log(row(`fathom hunt ${mib} MiB file, ${t} worker${t > 1 ? 's' : ''}`, r));
    console.log(
      `  peak RSS ${r.maxRssMB.toFixed(0)} MB (target < 512 MB): ${r.maxRssMB < 512 ? 'PASS' : 'FAIL'}`,
    );
  }
  const bigRead = hunt([big], cores, undefined, false);
  console.log(row(`reading alone (no rules) ${mib} MiB, ${cores} workers`, bigRead));
}

const hayabusa = 17100;
console.log(
  `reference (published, not measured here): Hayabusa ~${hayabusa} events/s on a larger machine (peers.md: evtx-baseline, 4.8 M events in 4:41)`,
);
const best = Math.max(...rates);
console.log(
  `best fathom rate ${Math.round(best)} events/s; ratio to Hayabusa published: ${(best / hayabusa).toFixed(2)}x; target >= 50,000 events/s: ${best >= 50000 ? 'PASS' : 'FAIL'}`,
);
