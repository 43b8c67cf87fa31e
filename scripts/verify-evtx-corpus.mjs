#!/usr/bin/env node
// Full EVTX corpus sweep: record counts and EventRecordID sets against the reference parsers
// (reference/evtx_counts.tsv, agree=yes rows) and the evtx-rs expected ok/error counts.
// Prints the figures. Run: npx tsx scripts/verify-evtx-corpus.mjs [--verbose] [--with-evtxexport]
// --with-evtxexport also compares each agree=yes file's EventRecordID multiset with the ids
// that evtxexport (Debian libevtx-utils) prints for it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEvtxBytes, recordToEvent } from '../src/sources/evtx/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.FATHOM_CORPUS ?? resolve(root, '../shared/corpus');
const verbose = process.argv.includes('--verbose');
const withRef = process.argv.includes('--with-evtxexport');

/** EventRecordIDs evtxexport prints for a file, sorted (null when evtxexport is missing). */
function refIds(path) {
  const r = spawnSync('evtxexport', ['-f', 'xml', path], { encoding: 'latin1', maxBuffer: 1 << 30 });
  if (r.error) return null;
  return [...r.stdout.matchAll(/<EventRecordID>(\d+)</g)].map((m) => Number(m[1])).sort((a, b) => a - b);
}
let idSetChecked = 0;
let idSetEqual = 0;
if (!existsSync(corpus)) {
  console.log('skipped: corpus not found');
  process.exit(0);
}

function tsv(path) {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split('\t');
  return rows.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])));
}

function parse(path) {
  const bytes = readFileSync(path);
  const res = parseEvtxBytes(bytes, { file: path });
  const ids = [];
  let ok = 0;
  let bad = 0;
  for (const it of res.items) {
    if (it.ok) {
      ok++;
      ids.push(recordToEvent(it.value, path).recordId);
    } else bad++;
  }
  return {
    ok,
    bad,
    chunkIssues: res.issues.length,
    ids,
    bytes: bytes.length,
    issues: res.issues,
    items: res.items,
  };
}

const t0 = performance.now();
let totalBytes = 0;
let agreeFiles = 0;
let agreeExact = 0;
const failures = [];
for (const row of tsv(resolve(corpus, 'reference/evtx_counts.tsv'))) {
  if (row.agree !== 'yes') continue;
  agreeFiles++;
  const r = parse(resolve(corpus, row.file));
  totalBytes += r.bytes;
  const want = Number(row.evtxexport_records);
  const uniq = new Set(r.ids).size;
  const dup = Number(row.pyevtx_dup_ids || 0);
  // The zero-size-record sample's one error is expected (the references skip that record too).
  const expectedBad = row.file.endsWith('sample-with-zero-data-size-event.evtx') ? 1 : 0;
  if (r.ok === want && r.bad === expectedBad) agreeExact++;
  else
    failures.push(`${row.file}: ok ${r.ok} bad ${r.bad} (want ${want}, unique ids ${uniq}, ref dup ${dup})`);
  if (withRef) {
    const ref = refIds(resolve(corpus, row.file));
    if (ref) {
      idSetChecked++;
      const ours = [...r.ids].sort((a, b) => a - b);
      if (ours.length === ref.length && ours.every((v, i) => v === ref[i])) idSetEqual++;
      else failures.push(`${row.file}: EventRecordID set differs from evtxexport's`);
    }
  }
}
console.log(
  `reference agree=yes: ${agreeExact}/${agreeFiles} files with exactly the reference count (and no unexpected error)`,
);
if (withRef) console.log(`EventRecordID sets equal to evtxexport's: ${idSetEqual}/${idSetChecked} files`);
for (const f of failures) console.log(`  MISMATCH ${f}`);

const rsDir = resolve(corpus, 'evtx/evtx-rs-samples');
for (const row of tsv(resolve(rsDir, 'expected_counts.tsv'))) {
  const r = parse(resolve(rsDir, row.file));
  const okWant = Number(row.ok_records);
  const status = (row.error_records === '-' ? r.ok + r.bad >= okWant : r.ok >= okWant) ? 'ok ' : 'LOW';
  console.log(
    `${status} ${row.file}: ok ${r.ok} (want >= ${okWant}), record errors ${r.bad}, chunk issues ${r.chunkIssues} (evtx-rs errors ${row.error_records})`,
  );
  if (verbose)
    for (const it of r.items) if (!it.ok) console.log(`    ${it.issues[0].code}: ${it.issues[0].message}`);
  if (verbose) for (const i of r.issues) console.log(`    ${i.code}: ${i.message}`);
}
const secs = (performance.now() - t0) / 1000;
console.log(`swept ${(totalBytes / 1e6).toFixed(1)} MB of agree=yes files in ${secs.toFixed(2)} s`);
