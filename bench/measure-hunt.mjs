#!/usr/bin/env node
// Child process of bench/hunt.mjs: one hunt in this process, one JSON line of figures
// (peak RSS included). Usage: node bench/measure-hunt.mjs --threads N [--rules DIR]... [--no-builtin]
// [--cache DIR] PATH...  (--cache: the loaded-rules cache directory; without it rules are parsed)
import { runHunt } from '../dist/engine/hunt/run.js';

const args = process.argv.slice(2);
let threads = 0;
let builtin = true;
let cacheDir;
const rulePaths = [];
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--rules') rulePaths.push(args[++i]);
  else if (args[i] === '--no-builtin') builtin = false;
  else if (args[i] === '--cache') cacheDir = args[++i];
  else paths.push(args[i]);
}
const rules = { rulePaths, builtin, ...(cacheDir ? { cacheDir } : {}) };
const t0 = process.hrtime.bigint();
const res = await runHunt(paths, { rules, workers: threads });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
// Rule loading and compilation (on the worker threads, in parallel, when there are any).
const prepareSeconds = res.summary.prepareMs / 1000;
const scanSeconds = seconds - prepareSeconds;
const s = res.summary;
console.log(
  JSON.stringify({
    threads,
    files: s.files.length,
    events: s.events,
    errors: s.errors,
    bytes: s.bytes,
    rules: s.rules.loaded,
    refused: s.rules.refused.length,
    ruleCache: s.rules.cache,
    findings: res.findings.length,
    seconds,
    prepareSeconds,
    scanSeconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    // Process CPU time (all threads: workers, V8's compiler and GC helpers) over wall time.
    coresBusy: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6 / seconds,
  }),
);
