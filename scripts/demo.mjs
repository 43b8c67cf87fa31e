#!/usr/bin/env node
// `npm run demo`: Fathom's main job on the example case shipped in examples/apt40-case.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'fathom.js');
const evidence = join('examples', 'apt40-case', 'evidence');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
  console.error('demo: the project is not built; run `npm ci` (or `npm run build`) first.');
  process.exit(1);
}
const run = (args) => {
  console.log(`\n$ fathom ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 && r.status !== 3) process.exit(r.status ?? 1);
};
run(['hunt', evidence]);
