/**
 * @module cli/commands/hunt
 * `fathom hunt EVIDENCE...`: every Sigma rule (Fathom's APT40 pack and the user's) over every
 * event of the evidence; prioritised findings mapped to ATT&CK, and a summary that accounts
 * for every file, event and rule.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { HuntSummary } from '../../engine/hunt/run.js';
import { runHunt } from '../../engine/hunt/run.js';
import type { Level } from '../../model/finding.js';
import { LEVELS, levelRank } from '../../model/finding.js';
import type { FindingFormat } from '../../report/findings.js';
import {
  findingsCsvHeader,
  findingsTable,
  findingToCsvRow,
  findingToJsonLine,
} from '../../report/findings.js';
import {
  collect,
  EXIT,
  isSkippedFile,
  openOutput,
  parseThreadsOption,
  printIssues,
  terminalProgress,
  UsageError,
  userCacheDir,
} from '../io.js';

/** `2026-03-03`, `2026-03-03T01:00`, `2026-03-03 01:00:00Z`, `...+08:00`; no zone = UTC. */
export function parseTimeOption(name: string, value: string): number {
  let s = value.trim().replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(s)) s += 'Z';
  const t = Date.parse(s);
  if (!Number.isFinite(t))
    throw new UsageError(`${name}: cannot read '${value}' as a time (use e.g. 2026-03-03T01:00:00Z)`);
  return t;
}

async function readPlaceholders(file: string): Promise<Record<string, string[]>> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--placeholders ${file}: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError(
      `--placeholders ${file}: expected a mapping of placeholder name to a list of values`,
    );
  }
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(doc)) {
    const list = Array.isArray(v) ? v : [v];
    out[k.replace(/^%|%$/g, '')] = list.map((x) => String(x));
  }
  return out;
}

export function printHuntSummary(s: HuntSummary, findings: number, showRefused: boolean): void {
  const w = (line: string) => process.stderr.write(`${line}\n`);
  const r = s.rules;
  const secs = s.elapsedMs / 1000;
  w('');
  const skipped = s.issues.filter(isSkippedFile).length;
  w(
    `hunt: ${s.files.length} files${skipped ? ` (${skipped} not event logs, skipped)` : ''}, ${s.events} events (${s.errors} unreadable records${s.skipped ? `, ${s.skipped} outside --from/--to` : ''}), ${(s.bytes / 1048576).toFixed(1)} MiB`,
  );
  w(
    `rules: ${r.loaded} loaded (${r.pack} Fathom pack, ${r.user} user; ${r.compiled} compiled, ${r.interpreted} interpreted), ${r.correlations} correlations, ${r.refused.length} not loaded${r.cache === 'hit' ? '; rule files unchanged since cached' : ''}`,
  );
  const reasons = Object.entries(r.refusedByReason).sort((a, b) => b[1] - a[1]);
  if (reasons.length) w(`  not loaded, by reason: ${reasons.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (r.notApplicable.length) {
    w(
      `  ${r.notApplicable.length} rule/target pairs skipped as not applicable (e.g. Sysmon-only fields on Security 4688)`,
    );
  }
  if (showRefused) {
    for (const x of r.refused)
      w(`  not loaded: ${x.file}:${x.line}:${x.col} [${x.code}] ${x.title ?? ''}: ${x.message}`);
    for (const x of r.notApplicable) w(`  not applicable: ${x.key} on ${x.target}: ${x.reason}`);
  } else if (r.refused.length) {
    w('  (--show-refused lists every rule not loaded, with file:line and reason)');
  }
  const byLevel = [...LEVELS]
    .reverse()
    .map((l) => `${l} ${s.findingsByLevel[l]}`)
    .join(', ');
  w(`findings: ${findings} (${byLevel})`);
  const scan = (s.elapsedMs - s.prepareMs) / 1000;
  // A rate over a fraction of a second says more about start-up than about throughput.
  const rate = scan >= 1 ? `, ${Math.round(s.events / scan)} events/s` : '';
  w(
    `time: ${secs.toFixed(2)} s (rules ready after ${(s.prepareMs / 1000).toFixed(2)} s; scanning ${scan.toFixed(2)} s${rate} on ${s.workers ? `${s.workers} worker threads` : 'the main thread'})`,
  );
}

export function registerHunt(program: Command): void {
  program
    .command('hunt')
    .summary('run every Sigma rule over the evidence; prioritised findings mapped to ATT&CK')
    .description(
      `Run Fathom's APT40 rule pack and your Sigma rules (SigmaHQ as published, your own) over every
event log in the evidence: EVTX (dirty or carved too), JSON/NDJSON and XML exports, gzip copies.
Directories are walked and formats recognised by content.

Each rule's logsource is mapped to the events it means, by the event's own Channel and EventID:
process_creation runs on Sysmon 1 and on Security 4688 (fields and values translated), and so
on (docs/logsources.md). A rule that cannot load is reported with its file:line and reason and
the hunt goes on; nothing is dropped silently.

Findings are sorted by level, then time. --format jsonl prints findings in Fathom's finding
model (docs/schema/finding.schema.json); csv is spreadsheet-safe.`,
    )
    .argument('<path...>', 'evidence files or directories')
    .option('-r, --rules <path>', 'Sigma rule file or directory (repeatable)', collect, [] as string[])
    .option('--no-builtin', "do not load Fathom's own APT40 rule pack")
    .addOption(
      new Option('--min-level <level>', 'only report findings at or above this level').choices([...LEVELS]),
    )
    .option('--from <time>', 'only events at or after this time (ISO 8601; UTC when no zone)')
    .option('--to <time>', 'only events at or before this time')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['table', 'jsonl', 'csv'])
        .default('table'),
    )
    .option('-o, --output <file>', 'write findings to FILE instead of stdout')
    .option(
      '-t, --threads <n>',
      'worker threads: a number (0 = the main thread only), or auto: all cores when the evidence is 128 MiB or more, else the main thread',
      'auto',
    )
    .option('--recover', 'also carve EVTX records from chunk slack space', false)
    .option('--placeholders <file>', 'YAML map of |expand placeholder values, e.g. Servers: [web01, web02]')
    .option(
      '--logsource-map <file>',
      'extra logsource mapping file (repeatable; docs/logsources.md)',
      collect,
      [] as string[],
    )
    .addOption(
      new Option('--fail-on <level>', 'exit 4 when a finding at or above this level is produced').choices([
        ...LEVELS,
      ]),
    )
    .option('--show-refused', 'list every rule that was not loaded or not applicable, with the reason', false)
    .option(
      '--no-rule-cache',
      'parse every rule file again instead of reading the cache of rule sets loaded before (FATHOM_CACHE_DIR, else the user cache directory)',
    )
    .option('-q, --quiet', 'no progress and no summary on stderr', false)
    .option('--all-issues', 'list every evidence issue, not just the first 50', false)
    .addHelpText(
      'after',
      `
Examples:
  fathom hunt case/                                  Fathom's pack over everything under case/
  fathom hunt case/ -r sigma/rules/windows           plus SigmaHQ's Windows rules
  fathom hunt Security.evtx --min-level high -f csv -o findings.csv
  fathom hunt logs/ --from 2026-03-03 --to 2026-03-04 -f jsonl | jq .title

Exit codes: 0 ok; 1 fatal; 2 usage; 3 some evidence or rules could not be read (see stderr);
4 --fail-on level reached.`,
    )
    .action(async (paths: string[], o: Record<string, unknown>) => {
      const workers = parseThreadsOption(String(o.threads));
      const from = typeof o.from === 'string' ? parseTimeOption('--from', o.from) : undefined;
      const to = typeof o.to === 'string' ? parseTimeOption('--to', o.to) : undefined;
      const placeholders =
        typeof o.placeholders === 'string' ? await readPlaceholders(o.placeholders) : undefined;
      const format = o.format as FindingFormat;
      const quiet = Boolean(o.quiet);
      const result = await runHunt(paths, {
        rules: {
          rulePaths: o.rules as string[],
          builtin: o.builtin !== false,
          ...(placeholders ? { placeholders } : {}),
          ...((o.logsourceMap as string[]).length ? { logsourceFiles: o.logsourceMap as string[] } : {}),
          ...(o.minLevel ? { minLevel: o.minLevel as Level } : {}),
          ...(o.ruleCache !== false ? { cacheDir: join(userCacheDir(), 'rules') } : {}),
        },
        workers,
        recover: Boolean(o.recover),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        progress: terminalProgress(!quiet),
      });
      const out = openOutput(o.output as string | undefined);
      const { findings, summary } = result;
      if (format === 'jsonl') {
        for (const f of findings) await out.write(findingToJsonLine(f));
      } else if (format === 'csv') {
        await out.write(findingsCsvHeader());
        for (const f of findings) await out.write(findingToCsvRow(f));
      } else if (findings.length) {
        const width = o.output ? 200 : (process.stdout.columns ?? 160);
        await out.write(findingsTable(findings, width));
      } else {
        await out.write('no findings\n');
      }
      await out.close();
      if (!quiet) {
        printHuntSummary(summary, findings.length, Boolean(o.showRefused));
        printIssues('hunt', summary.issues, Boolean(o.allIssues));
      }
      const failOn = o.failOn as Level | undefined;
      const partial =
        summary.errors > 0 ||
        summary.issues.some((i) => i.severity === 'error') ||
        summary.rules.refused.length > 0;
      if (failOn && findings.some((f) => levelRank(f.level) >= levelRank(failOn)))
        process.exitCode = EXIT.findings;
      else process.exitCode = partial ? EXIT.partial : EXIT.ok;
    });
}
