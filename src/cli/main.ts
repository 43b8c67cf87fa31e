/**
 * @module cli/main
 * The `fathom` command: argument parsing, exit codes, and the only place that prints.
 */
import { Command, CommanderError } from 'commander';
import { FathomError } from '../core/errors.js';
import { renderIssue } from '../core/issue.js';
import { registerAttack } from './commands/attack.js';
import { registerDump } from './commands/dump.js';
import { registerHunt } from './commands/hunt.js';
import { registerRules } from './commands/rules.js';
import { EXIT, UsageError } from './io.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('fathom')
    .description(
      'Hunt APT40 (Leviathan) tradecraft in incident-response evidence.\n\n' +
        'Exit codes: 0 ok; 1 fatal error; 2 usage error; 3 finished, but some evidence,\n' +
        'records or rules could not be read (details on stderr); 4 --fail-on level reached.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerHunt(program);
  registerDump(program);
  registerRules(program);
  registerAttack(program);
  reflowDescriptions(program);
  return program;
}

/**
 * Descriptions are written as paragraphs with source line breaks; commander wraps to the
 * terminal itself, so single line breaks become spaces (blank lines still separate paragraphs).
 */
function reflowDescriptions(cmd: Command): void {
  const d = cmd.description();
  if (d) cmd.description(d.replace(/([^\n])\n(?!\n)/g, '$1 '));
  for (const sub of cmd.commands) reflowDescriptions(sub);
}

/** A reader that goes away (`fathom dump ... | head`) ends the run quietly. */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') {
        process.exitCode = EXIT.ok;
        return;
      }
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`fathom: ${e.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (e instanceof FathomError) {
      process.stderr.write(`fathom: ${e.message}\n`);
      for (const i of e.issues.slice(1, 20)) process.stderr.write(`  ${renderIssue(i)}\n`);
      process.exitCode = EXIT.fatal;
      return;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`fathom: internal error: ${err.stack ?? err.message}\n`);
    process.exitCode = EXIT.fatal;
  }
}
