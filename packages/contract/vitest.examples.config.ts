import { defineConfig } from 'vitest/config';

// The documentation examples (test/examples.e2e.ts) run after everything is built, apart from the
// package tests: they run the repository's own scripts (install, build, lint) as a user would.
export default defineConfig({
  test: {
    include: ['test/examples.e2e.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
