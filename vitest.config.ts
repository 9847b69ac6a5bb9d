import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { PREACT_ALIASES, USES_REACT } from './preact.alias.ts';

// Unit, property, component and CLI tests. The browser tests have their own
// config (vitest.e2e.config.ts) because they need the production build.
export default defineConfig({
  // Component tests run on the runtime the page ships (see preact.alias.ts).
  resolve: {
    alias: [
      // Its ES module build, so the aliases reach its imports of react-dom (the CommonJS one would require React itself).
      { find: /^@testing-library\/react$/, replacement: fileURLToPath(new URL('./node_modules/@testing-library/react/dist/@testing-library/react.esm.js', import.meta.url)) },
      ...PREACT_ALIASES,
    ],
  },
  test: {
    server: { deps: { inline: USES_REACT } },
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Every preset is known to sessions in tests (the worker registers them lazily).
    setupFiles: ['test/setup/presets.ts'],
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
