/**
 * Regenerates the example case's evidence (examples/apt40-case/evidence/) from
 * scripts/example/scenario.ts with the project's own EVTX writer. Deterministic.
 * Run: node --import tsx scripts/make-example.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEvtx } from '../test/utils/evtx-builder.js';
import { exampleLogs } from './example/scenario.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'examples', 'apt40-case', 'evidence', 'windows');
mkdirSync(outDir, { recursive: true });
for (const log of exampleLogs()) {
  const bytes = buildEvtx(log.events);
  writeFileSync(join(outDir, log.file), bytes);
  console.log(`${log.file}: ${log.events.length} events, ${bytes.length} bytes`);
}
