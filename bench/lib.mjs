// Shared by the benchmarks: where things are, and the built EVTX files they measure on.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const corpus = resolve(process.env.FATHOM_CORPUS ?? join(root, '..', 'shared', 'corpus'));
export const work = join(root, 'bench', '.work');
mkdirSync(work, { recursive: true });

/** Build the project first when dist/ is missing. */
export function ensureBuilt(probe) {
  if (!existsSync(join(root, 'dist', ...probe.split('/')))) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  }
}

/** A built EVTX file of about `mib` MiB of mostly routine records (bench/make-big-evtx.ts), cached in bench/.work. */
export function builtEvtx(mib, { quiet = false } = {}) {
  const file = join(work, `big-${mib}.evtx`);
  if (!existsSync(file)) {
    if (!quiet) console.log(`building ${file} (${mib} MiB)...`);
    execFileSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench', 'make-big-evtx.ts'), file, String(mib)],
      {
        cwd: root,
        stdio: quiet ? 'ignore' : 'inherit',
      },
    );
  }
  return file;
}

/** Every .evtx file below `dir`, in sorted order. */
export function evtxFiles(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) evtxFiles(p, out);
    else if (name.toLowerCase().endsWith('.evtx')) out.push(p);
  }
  return out;
}
