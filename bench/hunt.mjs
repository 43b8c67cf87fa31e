#!/usr/bin/env node
// npm run bench:hunt — all SigmaHQ Windows rules (plus Fathom's pack) over the shared EVTX corpus:
// events/s, total time and peak RSS on 1 thread and on all cores; then peak RSS on a 1 GiB
// EVTX file this script builds. Hayabusa and Chainsaw cannot be installed on this machine (no
// network), so their published figures are printed beside ours, labelled as published.
// Env: FATHOM_CORPUS (default ../shared/corpus), BENCH_BIG_MIB (default 1024), BENCH_SKIP_BIG=1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = resolve(process.env.FATHOM_CORPUS ?? join(root, '..', 'shared', 'corpus'));
const work = join(root, 'bench', '.work');
mkdirSync(work, { recursive: true });
if (!existsSync(join(root, 'dist', 'engine', 'hunt', 'run.js'))) {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
const evtxDir = join(corpus, 'evtx');
const rulesDir = join(corpus, 'sigma', 'rules', 'windows');
if (!existsSync(evtxDir) || !existsSync(rulesDir)) {
  console.log(`bench:hunt: skipped: corpus not found at ${corpus}`);
  process.exit(0);
}

function hunt(paths, threads) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'bench', 'measure-hunt.mjs'), '--threads', String(threads), '--rules', rulesDir, ...paths],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`hunt failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const cores = availableParallelism();
const row = (name, r) =>
  `${name.padEnd(34)} ${String(Math.round(r.events / r.scanSeconds)).padStart(8)} events/s scanning ${r.seconds.toFixed(2).padStart(7)} s total (rules ${r.prepareSeconds.toFixed(2)} s) ${r.maxRssMB.toFixed(0).padStart(5)} MB RSS  ${r.events} events, ${r.rules} rules (${r.refused} not loaded), ${r.findings} findings`;

console.log(`SigmaHQ Windows rules + Fathom pack over ${evtxDir} (${cores} cores)`);
const one = hunt([evtxDir], 0);
const many = hunt([evtxDir], cores);
console.log(row('fathom hunt, 1 thread', one));
console.log(row(`fathom hunt, ${cores} threads`, many));
console.log(`speed-up ${cores} threads vs 1 (scanning): ${(one.scanSeconds / many.scanSeconds).toFixed(2)}x`);
const hayabusa = 17100;
console.log(
  `reference (published, not measured here): Hayabusa ~${hayabusa} events/s on a larger machine (peers.md: evtx-baseline, 4.8 M events in 4:41)`,
);
console.log(
  `ratio fathom(${cores} threads) / Hayabusa published: ${(many.events / many.seconds / hayabusa).toFixed(2)}x; target >= 50,000 events/s: ${many.events / many.seconds >= 50000 ? 'PASS' : 'FAIL'}`,
);

if (process.env.BENCH_SKIP_BIG !== '1') {
  const mib = Number(process.env.BENCH_BIG_MIB ?? 1024);
  const big = join(work, `big-${mib}.evtx`);
  if (!existsSync(big)) {
    console.log(`building ${big} (${mib} MiB)...`);
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench', 'make-big-evtx.ts'), big, String(mib)],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
  // Worker threads run with a heap cap (HUNT_WORKER_HEAP_MB), which bounds resident memory.
  for (const t of [1, cores]) {
    const r = hunt([big], t);
    console.log(row(`fathom hunt 1 GiB file, ${t} worker${t > 1 ? 's' : ''}`, r));
    console.log(
      `  peak RSS ${r.maxRssMB.toFixed(0)} MB (target < 512 MB): ${r.maxRssMB < 512 ? 'PASS' : 'FAIL'}`,
    );
  }
}
