#!/usr/bin/env node
// Enforces the one-way import rule of docs/adr/0001-layers.md:
//   core <- model <- {sources, sigma, intel, attack} <- analyzers <- engine <- {store, report} <- {server, cli}
// A module may import its own folder, and any folder of a lower tier. Same-tier imports are refused,
// except the pairs in ALLOWED_SAME_TIER. Exit 1 with the offending lines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const TIER = {
  core: 0,
  model: 1,
  sources: 2,
  sigma: 2,
  intel: 2,
  attack: 2,
  analyzers: 3,
  engine: 4,
  store: 5,
  report: 5,
  server: 6,
  cli: 6,
};
const ALLOWED_SAME_TIER = new Set(['sigma->attack']);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const bad = [];
for (const file of walk(src)) {
  const from = relative(src, file).split(sep)[0];
  if (!(from in TIER)) {
    bad.push(`${relative(root, file)}: folder src/${from} has no tier in scripts/check-imports.mjs`);
    continue;
  }
  const text = readFileSync(file, 'utf8');
  const re = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const spec = m[1] ?? m[2];
    const target = relative(src, resolve(dirname(file), spec));
    if (target.startsWith('..')) continue;
    const to = target.split(sep)[0];
    if (to === from || !(to in TIER)) continue;
    const ok = TIER[to] < TIER[from] || ALLOWED_SAME_TIER.has(`${from}->${to}`);
    if (!ok) {
      const line = text.slice(0, m.index).split('\n').length;
      bad.push(
        `${relative(root, file)}:${line}: src/${from} (tier ${TIER[from]}) must not import src/${to} (tier ${TIER[to]})`,
      );
    }
  }
}
if (bad.length) {
  console.error(`Import-direction violations (${bad.length}):\n${bad.join('\n')}`);
  process.exit(1);
}
console.log('imports: one-way layering holds');
