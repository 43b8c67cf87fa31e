#!/usr/bin/env node
// Child process of bench/hunt.mjs: one hunt in this process, one JSON line of figures
// (peak RSS included). Usage: node bench/measure-hunt.mjs --threads N [--rules DIR]... [--no-builtin] PATH...
import { runHunt } from '../dist/engine/hunt/run.js';
import { preparedFor } from '../dist/engine/hunt/task.js';

const args = process.argv.slice(2);
let threads = 0;
let builtin = true;
const rulePaths = [];
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--rules') rulePaths.push(args[++i]);
  else if (args[i] === '--no-builtin') builtin = false;
  else paths.push(args[i]);
}
const rules = { rulePaths, builtin };
const t0 = process.hrtime.bigint();
// Rule loading and compilation, once (worker threads each do it again, in parallel, at start).
await preparedFor(rules);
const t1 = process.hrtime.bigint();
const res = await runHunt(paths, { rules, workers: threads });
const t2 = process.hrtime.bigint();
const seconds = Number(t2 - t0) / 1e9;
const prepareSeconds = Number(t1 - t0) / 1e9;
const scanSeconds = Number(t2 - t1) / 1e9;
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
    findings: res.findings.length,
    seconds,
    prepareSeconds,
    scanSeconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
