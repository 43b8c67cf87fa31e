/**
 * @module cli/commands/dump
 * `fathom dump PATH...`: every event of the evidence as JSON Lines or Windows-style XML.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { runDump } from '../../engine/dump.js';
import type { DumpFormat } from '../../engine/dump-task.js';
import { EXIT, isSkippedFile, openOutput, parseThreadsOption, printIssues, terminalProgress } from '../io.js';

export function registerDump(program: Command): void {
  program
    .command('dump')
    .summary('print every event of the evidence as JSON Lines or XML')
    .description(
      `Read event logs (EVTX, including dirty, recovered or carved files; JSON/NDJSON exports;
wevtutil/Get-WinEvent XML exports; gzip-compressed copies of any of these) and print every
event. Directories are walked; formats are recognised by content, not by extension.

Records that cannot be read are reported on stderr with the file and byte offset, and every
other record is still printed. Exit code 3 says some records or files could not be read.`,
    )
    .argument('<path...>', 'evidence files or directories')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['jsonl', 'xml']).default('jsonl'),
    )
    .option('--recover', 'also carve records from EVTX chunk slack space (marked "recovered")', false)
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .option(
      '-t, --threads <n>',
      'worker threads: a number (0 = the main thread only), or auto: all cores when the evidence is 128 MiB or more, else the main thread',
      'auto',
    )
    .option('-q, --quiet', 'no progress and no summary on stderr', false)
    .option('--all-issues', 'list every issue, not just the first 50', false)
    .addHelpText(
      'after',
      `
Examples:
  fathom dump Security.evtx                      one JSON object per event
  fathom dump -f xml case/logs/ -o events.xml    XML of every log under case/logs/
  fathom dump --recover carved.evtx              include records recovered from slack space
  fathom dump exports/*.json.gz | jq .eventId    gzip is read transparently`,
    )
    .action(async (paths: string[], o: Record<string, string | boolean | undefined>) => {
      const workers = parseThreadsOption(String(o.threads));
      const out = openOutput(o.output as string | undefined);
      const t0 = Date.now();
      const summary = await runDump(
        paths,
        {
          format: o.format as DumpFormat,
          recover: Boolean(o.recover),
          workers,
          progress: terminalProgress(!o.quiet),
        },
        (text) => out.write(text),
      );
      await out.close();
      const secs = (Date.now() - t0) / 1000;
      if (!o.quiet) {
        const skipped = summary.issues.filter(isSkippedFile).length;
        process.stderr.write(
          `dump: ${summary.files.length} files${skipped ? ` (${skipped} not event logs, skipped)` : ''}, ${summary.records} events, ${summary.errors} unreadable records, ` +
            `${(summary.bytes / 1048576).toFixed(1)} MiB in ${secs.toFixed(2)} s on ${summary.workers ? `${summary.workers} worker threads` : 'the main thread'}\n`,
        );
      }
      printIssues('dump', summary.issues, Boolean(o.allIssues));
      process.exitCode =
        summary.errors > 0 || summary.issues.some((i) => i.severity === 'error') ? EXIT.partial : EXIT.ok;
    });
}
