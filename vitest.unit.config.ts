import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`, the fast inner loop: the rule, engine and parser tests, all in-process (no CLI
 * child processes, no servers, no Python, no Squawk, no build). `npm test` runs these and the rest.
 */
export default defineConfig({
  test: {
    include: [
      'test/rules/*.test.ts',
      'test/engine.test.ts',
      'test/sql-frontend.test.ts',
      'test/typescript/{frontend,fixtures,typeorm,knex-differential,kysely-differential,node-pg-migrate-differential}.test.ts',
      'test/alembic/python-frontend.test.ts',
      'test/package-metadata.test.ts',
    ],
    // they run the real Squawk binary
    exclude: ['test/rules/squawk-parity-*.test.ts'],
    // as in vitest.config.ts: a guard against a hang, not a budget (PGlite starts slower on a busy machine)
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
