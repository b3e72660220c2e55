import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ and packs the release once, before any test (see the file).
    globalSetup: ['test/global-setup.ts'],
    // A guard against a hung child process, not a budget: tests that spawn builds, installs or
    // servers take as long as the machine's load makes them.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
