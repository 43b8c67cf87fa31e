/**
 * @module test/utils/run-cli
 * Spawn `fathom` (from source, through tsx) and capture exit code, stdout and stderr, with the
 * repository root normalised to `<root>` so outputs can be compared with stored expectations.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export function normalise(s: string): string {
  return s.split(repoRoot).join('<root>').replace(/\\/g, '/');
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve(repoRoot, 'test/utils/cli-entry.ts'), ...args],
      {
        cwd: opts.cwd ?? repoRoot,
        env: { ...process.env, ...opts.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ exitCode: code, stdout, stderr }));
  });
}
