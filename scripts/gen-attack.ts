#!/usr/bin/env -S npx tsx
// Regenerates data/attack/enterprise-attack.json and data/attack/NOTICE.md from a MITRE ATT&CK STIX
// bundle. Deterministic: CI runs it and then `git diff --exit-code data/attack`.
//   npx tsx scripts/gen-attack.ts [BUNDLE] [--out DIR] [--attack-version X.Y]
// BUNDLE defaults to $FATHOM_CORPUS/attack/enterprise-attack-18.1.json.gz (FATHOM_CORPUS defaults
// to ../shared/corpus next to the repository).
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importAttackBundle, renderAttackNotice, writeAttackTable } from '../src/attack/import.js';
import { renderIssue } from '../src/core/issue.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let bundle: string | undefined;
let outDir = join(root, 'data', 'attack');
let attackVersion: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--out') outDir = resolve(args[++i] ?? outDir);
  else if (a === '--attack-version') attackVersion = args[++i];
  else if (a === '-h' || a === '--help') {
    console.log('usage: npx tsx scripts/gen-attack.ts [BUNDLE] [--out DIR] [--attack-version X.Y]');
    process.exit(0);
  } else bundle = a;
}
const corpus = process.env.FATHOM_CORPUS ?? resolve(root, '..', 'shared', 'corpus');
bundle ??= join(corpus, 'attack', 'enterprise-attack-18.1.json.gz');

let warnings = 0;
const res = await importAttackBundle(bundle, {
  ...(attackVersion ? { attackVersion } : {}),
  onIssue: (i) => {
    warnings++;
    console.error(renderIssue(i));
  },
});
if (!res.ok) {
  for (const i of res.issues) console.error(renderIssue(i));
  process.exit(1);
}
const t = res.value;
const written = await writeAttackTable(t, join(outDir, 'enterprise-attack.json'));
if (!written.ok) {
  for (const i of written.issues) console.error(renderIssue(i));
  process.exit(1);
}
await writeFile(join(outDir, 'NOTICE.md'), renderAttackNotice(t), 'utf8');
const g = t.groups.find((x) => x.id === 'G0065');
const c = t.campaigns.find((x) => x.id === 'C0049');
const union = new Set([...(g?.techniques ?? []), ...(c?.techniques ?? [])]);
console.log(
  `ATT&CK ${t.attackVersion} (STIX ${t.source.stixVersion}, ${t.source.bundle}) -> ${outDir} (${written.value} bytes)\n` +
    `tactics ${t.tactics.length}, techniques ${t.techniques.length} (live ${t.techniques.filter((x) => !x.revoked && !x.deprecated).length}), ` +
    `mitigations ${t.mitigations.length}, software ${t.software.length}, groups ${t.groups.length}, campaigns ${t.campaigns.length}\n` +
    `G0065: ${g?.techniques.length ?? 0} techniques, ${g?.software.length ?? 0} software; C0049: ${c?.techniques.length ?? 0} techniques; ` +
    `G0065 ∪ C0049: ${union.size}; warnings ${warnings}`,
);
