#!/usr/bin/env node
// Correlation evaluator and logsource-view throughput, in process, on synthetic matches:
//   1. evaluateCorrelations over N base-rule matches (default 1,000,000; 5,000 users, one day) for
//      each correlation type: wall ms and RSS.
//   2. makeView on Security 4688 events, reading the eight process_creation fields: events/s.
// Uses dist/ (run `npm run build` first). Run: node bench/correlate.mjs [--matches 1000000]
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'sigma');
if (!existsSync(join(dist, 'correlate', 'index.js'))) {
  console.log('bench/correlate: build first (npm run build)');
  process.exit(1);
}
const { evaluateCorrelations, parseCorrelationDocument } = await import(join(dist, 'correlate', 'index.js'));
const { loadLogsourceMap, makeView } = await import(join(dist, 'pipeline', 'index.js'));
const { plainView } = await import(join(dist, 'view.js'));

const arg = process.argv.indexOf('--matches');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
let seed = 1;
const rnd = (n) => {
  seed = (seed * 48271) % 2147483647;
  return seed % n;
};
const T0 = Date.parse('2024-05-01T00:00:00Z');
const event = (i, fields) => ({
  kind: 'evtx',
  timestamp: '',
  channel: 'Security',
  provider: 'p',
  eventId: 4625,
  recordId: i,
  computer: 'PC01',
  fields,
  source: { file: 'synthetic', offset: 0 },
});
const matches = [];
for (let i = 0; i < N; i++) {
  const fields = { User: `u${rnd(5000)}`, Target: `t${rnd(50)}`, bytes: rnd(10000) };
  matches.push({
    ruleKey: rnd(3) ? 'failed' : 'ok',
    timeMs: T0 + rnd(86_400) * 1000,
    view: plainView(event(i, fields)),
  });
}
const corr = (y) => {
  const r = parseCorrelationDocument(parse(y), { file: 'bench', line: 1, col: 1 });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
};
const cases = [
  'type: event_count, rules: [failed], group-by: [User], timespan: 5m, condition: {gte: 5}',
  'type: value_count, rules: [failed], group-by: [User], timespan: 1h, condition: {field: Target, gte: 8}',
  'type: temporal, rules: [failed, ok], group-by: [User], timespan: 2m',
  'type: temporal_ordered, rules: [failed, ok], group-by: [User], timespan: 2m',
  'type: value_sum, rules: [failed], group-by: [User], timespan: 1h, condition: {field: bytes, gt: 200000}',
  'type: value_avg, rules: [failed], group-by: [User], timespan: 1h, condition: {field: bytes, gt: 9000}',
  'type: value_percentile, rules: [failed], group-by: [User], timespan: 1h, condition: {field: bytes, percentile: 95, gt: 9900}',
  'type: value_percentile, rules: [failed], group-by: [User], timespan: 1h, condition: {field: Target, lte: 5}',
];
console.log(`bench/correlate: ${N} matches, 5,000 groups, one day`);
for (const c of cases) {
  const x = corr(`title: bench\ncorrelation: {${c}}`);
  const t = performance.now();
  const r = evaluateCorrelations([x], matches, (ref) => ({ key: ref }));
  const ms = performance.now() - t;
  const label =
    x.type + (x.type === 'value_percentile' ? (x.condition.percentile ? ' (P95)' : ' (rarity)') : '');
  console.log(
    `  ${label.padEnd(28)} ${String(Math.round(ms)).padStart(6)} ms  ${String(r.hits.length).padStart(6)} hits  rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
}

const loaded = loadLogsourceMap();
if (!loaded.ok) throw new Error('logsource map failed to load');
const t4688 = loaded.value.targetById('security-4688');
const evs = [];
for (let i = 0; i < 200_000; i++) {
  evs.push(
    event(i, {
      SubjectUserSid: 'S-1-5-21-1-2-3-1104',
      SubjectUserName: 'alice',
      SubjectDomainName: 'EXAMPLE',
      SubjectLogonId: '0x00000000000d2a1f',
      NewProcessId: `0x${(i % 65536).toString(16).padStart(16, '0')}`,
      NewProcessName: 'C:\\Windows\\System32\\notepad.exe',
      ProcessId: '0x0000000000000e8c',
      CommandLine: 'notepad.exe x.txt',
      TargetUserName: '-',
      TargetLogonId: '0x0',
      ParentProcessName: 'C:\\Windows\\explorer.exe',
      MandatoryLabel: 'S-1-16-8192',
    }),
  );
}
const fields = [
  'Image',
  'ParentImage',
  'CommandLine',
  'ProcessId',
  'ParentProcessId',
  'IntegrityLevel',
  'User',
  'LogonId',
];
for (let round = 0; round < 3; round++) {
  const t = performance.now();
  let n = 0;
  for (const e of evs) {
    const v = makeView(e, t4688);
    for (const f of fields) if (v.get(f) !== undefined) n++;
  }
  const s = (performance.now() - t) / 1000;
  console.log(`  4688 view, 8 fields: ${Math.round(evs.length / s)} events/s (${n} values)`);
}
