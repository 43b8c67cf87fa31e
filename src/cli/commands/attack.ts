/**
 * @module cli/commands/attack
 * `fathom attack import BUNDLE`: derive Fathom's compact ATT&CK table from a MITRE STIX bundle.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { importAttackBundle, writeAttackTable } from '../../attack/index.js';
import { renderIssue } from '../../core/issue.js';
import { EXIT } from '../io.js';

function defaultTablePath(): string {
  // dist/cli/commands or src/cli/commands -> package root
  return resolve(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'data',
    'attack',
    'enterprise-attack.json',
  );
}

export function registerAttack(program: Command): void {
  const attack = program.command('attack').summary('manage the pinned MITRE ATT&CK data');
  attack
    .command('import')
    .summary('derive the technique table from an ATT&CK STIX bundle')
    .description(
      `Read a MITRE ATT&CK Enterprise STIX bundle (STIX 2.0 or 2.1, .json or .json.gz, e.g.
enterprise-attack-19.0.json from mitre-attack/attack-stix-data) and write Fathom's compact
table: techniques and sub-techniques, tactics, groups (G0065 Leviathan), campaigns (C0049),
software and mitigations. Tag resolution and coverage use this table. The MITRE copyright
notice is kept with the derived data (see docs/attack.md).`,
    )
    .argument('<bundle>', 'STIX bundle file')
    .option('-o, --output <file>', 'where to write the table', defaultTablePath())
    .option('--attack-version <x.y>', 'ATT&CK version, when the bundle does not say')
    .action(async (bundle: string, o: { output: string; attackVersion?: string }) => {
      const res = await importAttackBundle(bundle, {
        ...(o.attackVersion ? { attackVersion: o.attackVersion } : {}),
        onIssue: (i) => process.stderr.write(`  ${renderIssue(i)}\n`),
      });
      if (!res.ok) {
        for (const i of res.issues) process.stderr.write(`fathom attack import: ${renderIssue(i)}\n`);
        process.exitCode = EXIT.fatal;
        return;
      }
      const t = res.value;
      const written = await writeAttackTable(t, o.output);
      if (!written.ok) {
        for (const i of written.issues) process.stderr.write(`fathom attack import: ${renderIssue(i)}\n`);
        process.exitCode = EXIT.fatal;
        return;
      }
      process.stderr.write(
        `attack import: ATT&CK ${t.attackVersion}: ${t.techniques.length} techniques -> ${join(o.output)} (${written.value} bytes)\n`,
      );
    });
}
