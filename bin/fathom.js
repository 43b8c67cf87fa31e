#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli (built by `npm run build`, run by `npm ci`).
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`fathom: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.stderr.write('fathom: was the project built? Run `npm run build`.\n');
    process.exitCode = 70;
  });
