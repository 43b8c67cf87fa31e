import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'rules/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The CLI's caches (loaded rule sets) go to a scratch directory, not the user's.
    env: { FATHOM_CACHE_DIR: join(tmpdir(), `fathom-test-cache-${process.pid}`) },
  },
});
