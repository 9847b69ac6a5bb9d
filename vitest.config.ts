import { defineConfig } from 'vitest/config';

// Unit, property, component and CLI tests. The browser tests have their own
// config (vitest.e2e.config.ts) because they need the production build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Timeouts guard against hangs, not speed (speed is `npm run bench`): a
    // property test of 1,000 runs or an in-process ESLint must not fail on a
    // busy two-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/unit.json' },
  },
});
