import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { processCreationRule } from '../../../test/utils/rules.js';
import { buildStamp } from '../cache-key.js';
import { loadRuleFilesCached, RULE_CACHE_KEEP } from './cache.js';
import { loadRuleFiles } from './load.js';

const rule = (title: string, value: string) =>
  processCreationRule({
    title,
    id: `5f0d0d7e-1b7a-4c3e-9d2a-${value.padStart(12, '0').slice(0, 12)}`,
    field: 'CommandLine|contains',
    value,
  });

function ruleDir(): { dir: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'fathom-rule-cache-'));
  const dir = join(root, 'rules');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.yml'), rule('A', '111'));
  writeFileSync(join(dir, 'b.yml'), rule('B', '222'));
  return { dir, cache: join(root, 'cache') };
}

const cacheFiles = (cache: string) => readdirSync(cache).filter((n) => n.endsWith('.v8'));

describe('loaded-rules cache', () => {
  it('stores a rule set, then reads the same set back while no rule file changes', async () => {
    const { dir, cache } = ruleDir();
    const first = await loadRuleFilesCached([dir], {}, cache);
    expect(first.cache).toBe('stored');
    const second = await loadRuleFilesCached([dir], {}, cache);
    expect(second.cache).toBe('hit');
    expect(second.set).toEqual(await loadRuleFiles([dir]));
    expect(second.set.rules.map((r) => r.title)).toEqual(['A', 'B']);
    // Both hand on the serialised set (workers share it without serialising again).
    expect(deserialize(first.serialized as Uint8Array)).toEqual(second.set);
    expect(deserialize(second.serialized as Uint8Array)).toEqual(second.set);
    expect(cacheFiles(cache)).toHaveLength(1);
  });

  it('misses when a rule file is edited, added or removed, or the options differ', async () => {
    const { dir, cache } = ruleDir();
    await loadRuleFilesCached([dir], {}, cache);
    // Same size, new content: the modification time tells.
    writeFileSync(join(dir, 'a.yml'), rule('C', '111'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'a.yml'), later, later);
    const edited = await loadRuleFilesCached([dir], {}, cache);
    expect(edited.cache).toBe('stored');
    expect(edited.set.rules.map((r) => r.title)).toEqual(['C', 'B']);
    writeFileSync(join(dir, 'd.yml'), rule('D', '444'));
    const added = await loadRuleFilesCached([dir], {}, cache);
    expect(added.cache).toBe('stored');
    expect(added.set.rules.map((r) => r.title)).toEqual(['C', 'B', 'D']);
    const withOpts = await loadRuleFilesCached([dir], { placeholders: { x: ['y'] } }, cache);
    expect(withOpts.cache).toBe('stored');
  });

  it('treats a corrupt cache file as a miss and replaces it', async () => {
    const { dir, cache } = ruleDir();
    await loadRuleFilesCached([dir], {}, cache);
    const [name] = cacheFiles(cache);
    writeFileSync(join(cache, name as string), Buffer.from('not a rule set'));
    const again = await loadRuleFilesCached([dir], {}, cache);
    expect(again.cache).toBe('stored');
    expect(again.set.rules).toHaveLength(2);
    expect((await loadRuleFilesCached([dir], {}, cache)).cache).toBe('hit');
  });

  it('loads the rules when the cache cannot be written, and says why', async () => {
    const { dir } = ruleDir();
    const notADir = join(dir, 'a.yml', 'cache'); // under a file: cannot be created
    const got = await loadRuleFilesCached([dir], {}, notADir);
    expect(got.cache).toBe('bypassed');
    expect(got.note).toMatch(/cache not written/);
    expect(got.set.rules).toHaveLength(2);
  });

  it('bypasses the cache for per-document reports and unreadable paths', async () => {
    const { dir, cache } = ruleDir();
    const docs: string[] = [];
    const lint = await loadRuleFilesCached([dir], { onDocument: (d) => docs.push(d.file) }, cache);
    expect(lint.cache).toBe('bypassed');
    expect(docs).toHaveLength(2);
    const missing = await loadRuleFilesCached([dir, join(dir, 'nope')], {}, cache);
    expect(missing.cache).toBe('bypassed');
    expect(missing.set.refused.map((r) => r.code)).toEqual(['read-error']);
  });

  it("keys on Fathom's version and every module of the Sigma layer", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    const stamp = buildStamp();
    expect(stamp).toContain(`version ${pkg.version}`);
    // Installs may give every file the same time: a change of the parser's size still tells.
    expect(stamp).toMatch(/^cache\.(ts|js) \d+ /m);
    expect(stamp).toMatch(/^parse\.(ts|js) \d+ /m);
    expect(stamp).not.toMatch(/\.test\.ts /);
  });

  it(`keeps the ${RULE_CACHE_KEEP} most recently used cache files`, async () => {
    const { dir, cache } = ruleDir();
    for (let i = 0; i < RULE_CACHE_KEEP + 3; i++) {
      await loadRuleFilesCached([dir], { placeholders: { n: [String(i)] } }, cache);
    }
    expect(cacheFiles(cache)).toHaveLength(RULE_CACHE_KEEP);
  });
});
