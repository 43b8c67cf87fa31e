import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userCacheDir } from '../../src/cli/io.js';
import { buildEvtx } from '../utils/evtx-builder.js';
import { processCreationRule } from '../utils/rules.js';
import { runCli } from '../utils/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fathom-e2e-hunt-'));
const evtx = join(dir, 'Sysmon.evtx');
writeFileSync(
  evtx,
  buildEvtx([
    {
      channel: 'Microsoft-Windows-Sysmon/Operational',
      provider: 'Microsoft-Windows-Sysmon',
      eventId: 1,
      timestamp: '2026-03-03T01:00:00Z',
      computer: 'WEB01',
      recordId: 1,
      data: { Image: 'C:\\Windows\\System32\\at.exe', CommandLine: 'at 10:00 C:\\Windows\\Debug\\x.bat' },
    },
  ]),
);
const rules = join(dir, 'rules');
mkdirSync(rules);
writeFileSync(
  join(rules, 'at.yml'),
  processCreationRule({
    title: 'Scheduled task with at.exe',
    id: '0c5d2c9e-6a47-4a6f-9e0e-6a3c1b8e2f11',
    field: 'Image|endswith',
    value: '\\at.exe',
    tags: ['attack.t1053.002'],
  }),
);

describe('fathom hunt', () => {
  it('reads unchanged rule files from its cache on the next run, and not with --no-rule-cache', async () => {
    const cache = join(dir, 'cache');
    const env = { FATHOM_CACHE_DIR: cache };
    const args = ['hunt', evtx, '-r', rules, '--no-builtin', '-f', 'jsonl'];
    const first = await runCli(args, { env });
    expect(first.exitCode).toBe(0);
    expect(first.stderr).not.toContain('unchanged since cached');
    // One loaded rule set, the parsed logsource mapping files and the rules' needle automata.
    const kinds = readdirSync(join(cache, 'rules')).map((n) => n.replace(/-[0-9a-f]{40}\.v8$/, ''));
    expect(kinds.filter((k) => k === 'rules')).toHaveLength(1);
    expect(kinds).toContain('logsource');
    expect(kinds).toContain('needles');
    const second = await runCli(args, { env });
    expect(second.stderr).toContain('rule files unchanged since cached');
    expect(second.stdout).toBe(first.stdout);
    expect(JSON.parse(second.stdout.trim()).title).toBe('Scheduled task with at.exe');

    const fresh = join(dir, 'fresh-cache');
    const off = await runCli([...args, '--no-rule-cache'], { env: { FATHOM_CACHE_DIR: fresh } });
    expect(off.stdout).toBe(first.stdout);
    expect(existsSync(fresh)).toBe(false);
  });

  it('skips files in a folder that are not event logs with one warning line, exit 0', async () => {
    const folder = join(dir, 'triage');
    mkdirSync(join(folder, 'Registry'), { recursive: true });
    writeFileSync(join(folder, 'Sysmon.evtx'), readFileSync(evtx));
    writeFileSync(join(folder, 'Registry', 'SYSTEM'), 'regf\u0000\u0000\u0000\u0000 hive');
    writeFileSync(join(folder, 'collection.log'), 'KAPE collection log\n');
    const args = ['hunt', folder, '-r', rules, '--no-builtin', '--no-rule-cache', '-f', 'jsonl'];
    const r = await runCli(args);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout.trim()).title).toBe('Scheduled task with at.exe');
    expect(r.stderr).toContain('hunt: 3 files (2 not event logs, skipped), 1 events (0 unreadable records)');
    expect(r.stderr).toContain('2 files in the directories walked are not a format Fathom reads, skipped');
    expect(r.stderr).not.toContain('collection.log');
    // --all-issues names them; a file named on the command line that is not evidence is an error.
    expect((await runCli([...args, '--all-issues'])).stderr).toContain('collection.log');
    const named = await runCli([
      'hunt',
      join(folder, 'collection.log'),
      '-r',
      rules,
      '--no-builtin',
      '--no-rule-cache',
    ]);
    expect(named.exitCode).toBe(3);
    expect(named.stderr).toContain('error[unrecognised-format]');
  });

  it('puts its cache where each platform keeps user caches', () => {
    expect(userCacheDir({ FATHOM_CACHE_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    expect(userCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe(join('/xdg', 'fathom'));
    expect(userCacheDir({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32')).toBe(
      join('C:\\Users\\a\\AppData\\Local', 'fathom', 'Cache'),
    );
    expect(userCacheDir({}, 'darwin')).toMatch(/Library[\\/]Caches[\\/]fathom$/);
  });
});
