import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that replace modules (`vi.mock`) or check which modules a run loads: each gets a fresh
 * module graph. Every other file shares its worker's loaded modules (libpg-query's WASM, TypeScript,
 * tree-sitter are loaded once per worker instead of once per file — most of the suite's start-up cost).
 */
const ISOLATED = ['test/cache.test.ts', 'test/report-cache.test.ts', 'test/alembic/lazy-load.test.ts'];

export default defineConfig({
  test: {
    // Builds dist/ and packs the release once, before any test (see the file).
    globalSetup: ['test/global-setup.ts'],
    // One test file per core, not vitest's default of one less: much of the suite waits on the child
    // processes it starts (the CLI, npm, git, PostgreSQL, Chromium), so on 2 cores two files at a time
    // took 209 s where one at a time took 262 s, with the same results.
    maxWorkers: availableParallelism(),
    // A guard against a hung child process, not a budget: tests that spawn builds, installs or
    // servers take as long as the machine's load makes them.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          isolate: false,
        },
      },
    ],
  },
});
