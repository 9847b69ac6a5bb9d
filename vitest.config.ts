import { defineConfig } from 'vitest/config';

// Unit, property, component and CLI tests. The browser tests have their own
// config (vitest.e2e.config.ts) because they need the production build.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/unit.json' },
  },
});
