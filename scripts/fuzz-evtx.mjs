#!/usr/bin/env node
// Long EVTX fuzz run: N deterministic mutations (test/utils/evtx-mutate.ts) of files built by
// the project's EVTX writer and of a few small corpus files, each parsed, rendered and mapped
// (test/utils/evtx-fuzz-check.ts) in worker threads under a per-input watchdog.
//
// Reports crashes (any exception), hangs (an input running past --timeout), runaway memory
// (a worker past its heap limit) and bound violations, plus peak RSS and duration. Every
// failing input is saved under bench/.work/fuzz-failures/ with a .txt describing it; input i
// of seed s is always the same bytes, so `--seed s --from i --iterations 1` replays it.
//
// Usage: node scripts/fuzz-evtx.mjs [--iterations 100000] [--seed 1] [--workers N]
//        [--timeout 10000] [--from 0] [--no-corpus] [--heap-mb 512]
//        [--inject hang:I|crash:I|memory:I]  (checks the harness itself: fakes that failure at input I)
// Exit status: 0 when no failure, 1 otherwise, 2 on bad arguments.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS_SEEDS = [
  'evtx/evtx-rs-samples/samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx',
  'evtx/evtx-rs-samples/samples/Microsoft-Windows-LanguagePackSetup%4Operational.evtx',
  'evtx/evtx-rs-samples/samples/Security_short_selected.evtx',
  'evtx/evtx-rs-samples/samples/issue_201.evtx',
  'evtx/evtx-rs-samples/samples/Application_no_crc32.evtx',
  'evtx/evtx-rs-samples/samples/new-user-security.evtx',
];

async function loadModules() {
  const { register } = await import('tsx/esm/api');
  register();
  const mutate = await import(join(root, 'test/utils/evtx-mutate.ts'));
  const check = await import(join(root, 'test/utils/evtx-fuzz-check.ts'));
  return { mutate, check };
}

function seedsFor(mutate, useCorpus) {
  const seeds = mutate.builderSeeds();
  if (!useCorpus) return seeds;
  const dir = process.env.FATHOM_CORPUS ?? resolve(root, '..', 'shared', 'corpus');
  for (const p of CORPUS_SEEDS) {
    const f = join(dir, p);
    if (existsSync(f)) seeds.push({ name: p, bytes: new Uint8Array(readFileSync(f)) });
  }
  return seeds;
}

// ---------------------------------------------------------------------------------------
// Worker: inputs start, start+stride, ... below end; publishes progress in shared memory.

async function workerMain() {
  const { seed, start, stride, end, useCorpus, shared, inject } = workerData;
  const state = new Int32Array(shared); // [current index, inputs done, ready]
  const { mutate, check } = await loadModules();
  const seeds = seedsFor(mutate, useCorpus);
  Atomics.store(state, 2, 1);
  let maxFactor = 0;
  for (let i = start; i < end; i += stride) {
    Atomics.store(state, 0, i);
    const input = mutate.fuzzInput(seed, i, seeds);
    const { recover, streamPiece } = mutate.inputOptions(seed, i);
    try {
      if (inject?.index === i) injectFailure(inject.kind);
      const out = check.checkInput(input.bytes, recover);
      const violations = [...out.violations];
      if (streamPiece !== null)
        violations.push(...(await check.checkStream(input.bytes, recover, streamPiece)).violations);
      if (input.bytes.length) maxFactor = Math.max(maxFactor, out.renderedChars / input.bytes.length);
      if (violations.length)
        parentPort.postMessage({ type: 'fail', kind: 'violation', index: i, detail: violations.join('\n') });
    } catch (e) {
      const detail = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
      parentPort.postMessage({ type: 'fail', kind: 'crash', index: i, detail });
    }
    Atomics.add(state, 1, 1);
  }
  parentPort.postMessage({ type: 'done', maxFactor });
}

function injectFailure(kind) {
  if (kind === 'crash') throw new Error('injected crash');
  if (kind === 'hang') for (;;) Atomics.load(new Int32Array(4), 0);
  if (kind === 'memory') {
    const hog = [];
    for (;;) hog.push(new Array(1 << 20).fill(hog.length));
  }
}

// ---------------------------------------------------------------------------------------
// Main: argument parsing, workers, watchdog, report.

function parseArgs(argv) {
  const o = {
    iterations: 100000,
    seed: 1,
    workers: Math.max(1, availableParallelism()),
    timeout: 10000,
    from: 0,
    corpus: true,
    heapMb: 512,
  };
  const num = (k, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      console.error(`fuzz-evtx: --${k} needs a non-negative integer, got ${v}`);
      process.exit(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [k, inline] =
      a.startsWith('--') && a.includes('=') ? a.slice(2).split('=', 2) : [a.slice(2), undefined];
    const val = () => inline ?? argv[++i];
    if (k === 'iterations') o.iterations = num(k, val());
    else if (k === 'seed') o.seed = num(k, val());
    else if (k === 'workers') o.workers = Math.max(1, num(k, val()));
    else if (k === 'timeout') o.timeout = Math.max(100, num(k, val()));
    else if (k === 'from') o.from = num(k, val());
    else if (k === 'heap-mb') o.heapMb = Math.max(64, num(k, val()));
    else if (k === 'no-corpus') o.corpus = false;
    else if (k === 'inject') {
      const [kind, at] = String(val()).split(':');
      if (!['hang', 'crash', 'memory'].includes(kind)) {
        console.error(`fuzz-evtx: --inject wants hang:I, crash:I or memory:I`);
        process.exit(2);
      }
      o.inject = { kind, index: num(k, at) };
    } else if (k === 'help' || k === 'h') {
      console.log(
        'node scripts/fuzz-evtx.mjs [--iterations N] [--seed S] [--workers W] [--timeout MS] [--from I] [--no-corpus] [--heap-mb MB]',
      );
      process.exit(0);
    } else {
      console.error(`fuzz-evtx: unknown argument ${a}`);
      process.exit(2);
    }
  }
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { mutate } = await loadModules();
  const seeds = seedsFor(mutate, o.corpus);
  const outDir = join(root, 'bench', '.work', 'fuzz-failures');
  const end = o.from + o.iterations;
  const t0 = process.hrtime.bigint();
  let peakRss = process.memoryUsage().rss;
  const failures = { crash: 0, hang: 0, memory: 0, violation: 0 };
  let maxFactor = 0;
  let finished = 0;
  let nextReport = Math.max(1, Math.ceil(o.iterations / 10));

  console.error(
    `fuzz-evtx: seed ${o.seed}, inputs ${o.from}..${end - 1}, ${o.workers} worker(s), timeout ${o.timeout} ms, heap ${o.heapMb} MB, ` +
      `seeds: ${seeds.map((s) => s.name.split('/').pop()).join(', ')}`,
  );

  function save(kind, index, detail) {
    failures[kind]++;
    mkdirSync(outDir, { recursive: true });
    const base = join(outDir, `${kind}-seed${o.seed}-input${index}`);
    const input = mutate.fuzzInput(o.seed, index, seeds);
    const opts = mutate.inputOptions(o.seed, index);
    writeFileSync(`${base}.evtx`, input.bytes);
    writeFileSync(
      `${base}.txt`,
      [
        `kind: ${kind}`,
        `seed: ${o.seed}  input: ${index}  (replay: node scripts/fuzz-evtx.mjs --seed ${o.seed} --from ${index} --iterations 1 --workers 1)`,
        `from seed file: ${input.seedName}`,
        `mutations: ${input.ops.join(', ')}`,
        `recover: ${opts.recover}  stream piece: ${opts.streamPiece ?? '-'}`,
        `bytes: ${input.bytes.length}`,
        '',
        detail,
        '',
      ].join('\n'),
    );
    console.error(
      `fuzz-evtx: ${kind} at input ${index} (${input.ops.join('+')} on ${input.seedName}) -> ${base}.evtx`,
    );
  }

  await new Promise((resolveAll) => {
    let live = 0;
    const watch = [];
    const spawn = (slot, start) => {
      if (start >= end) return;
      const shared = new SharedArrayBuffer(12);
      const state = new Int32Array(shared);
      Atomics.store(state, 0, start);
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: {
          seed: o.seed,
          start,
          stride: o.workers,
          end,
          useCorpus: o.corpus,
          shared,
          inject: o.inject,
        },
        resourceLimits: { maxOldGenerationSizeMb: o.heapMb },
      });
      const entry = { w, state, lastDone: 0, lastChange: Date.now(), alive: true, counted: 0 };
      watch[slot] = entry;
      live++;
      const retire = () => {
        if (!entry.alive) return false;
        entry.alive = false;
        live--;
        finished += Atomics.load(state, 1) - entry.counted;
        entry.counted = Atomics.load(state, 1);
        return true;
      };
      const next = () => Atomics.load(state, 0) + o.workers;
      w.on('message', (m) => {
        if (m.type === 'fail') save(m.kind, m.index, m.detail);
        else if (m.type === 'done') maxFactor = Math.max(maxFactor, m.maxFactor);
      });
      w.on('error', (e) => {
        const cur = Atomics.load(state, 0);
        if (!retire()) return;
        const oom = e && (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /heap|memory/i.test(String(e.message)));
        save(
          oom ? 'memory' : 'crash',
          cur,
          e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e),
        );
        finished++;
        spawn(slot, next());
        if (live === 0) resolveAll();
      });
      w.on('exit', () => {
        if (retire() && live === 0) resolveAll();
        else if (live === 0) resolveAll();
      });
    };
    for (let s = 0; s < o.workers; s++) spawn(s, o.from + s);
    const timer = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const now = Date.now();
      let done = finished;
      for (const [slot, e] of watch.entries()) {
        if (!e?.alive) continue;
        const d = Atomics.load(e.state, 1);
        done += d - e.counted;
        // The clock starts once the worker has loaded (tsx, seeds): only inputs are timed.
        if (Atomics.load(e.state, 2) === 0) e.lastChange = now;
        else if (d !== e.lastDone) {
          e.lastDone = d;
          e.lastChange = now;
        } else if (now - e.lastChange > o.timeout) {
          const cur = Atomics.load(e.state, 0);
          e.alive = false;
          live--;
          finished += d - e.counted + 1;
          e.counted = d;
          void e.w.terminate();
          save('hang', cur, `no progress for ${o.timeout} ms on this input`);
          spawn(slot, cur + o.workers);
        }
      }
      if (process.stderr.isTTY) process.stderr.write(`\rfuzz-evtx: ${done}/${o.iterations}`);
      else if (done >= nextReport) {
        console.error(
          `fuzz-evtx: ${done}/${o.iterations} after ${Math.round(Number(process.hrtime.bigint() - t0) / 1e9)} s`,
        );
        while (nextReport <= done) nextReport += Math.max(1, Math.ceil(o.iterations / 10));
      }
      if (live === 0) {
        clearInterval(timer);
        resolveAll();
      }
    }, 200);
  });

  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const total = failures.crash + failures.hang + failures.memory + failures.violation;
  if (process.stderr.isTTY) process.stderr.write('\n');
  console.log(
    [
      `iterations: ${o.iterations} (seed ${o.seed}, inputs ${o.from}..${end - 1}, ${o.workers} worker(s))`,
      `crashes: ${failures.crash}`,
      `hangs: ${failures.hang} (timeout ${o.timeout} ms)`,
      `runaway memory: ${failures.memory} (worker heap limit ${o.heapMb} MB)`,
      `bound violations: ${failures.violation}`,
      `peak RSS: ${(peakRss / 1048576).toFixed(1)} MiB (whole process, all workers)`,
      `max rendered chars per input byte: ${maxFactor.toFixed(2)}`,
      `duration: ${secs.toFixed(1)} s (${(o.iterations / secs).toFixed(0)} inputs/s)`,
      total ? `FAILED: ${total} failing input(s) saved under ${outDir}` : 'OK: no failures',
    ].join('\n'),
  );
  process.exit(total ? 1 : 0);
}

if (isMainThread) await main();
else await workerMain();
