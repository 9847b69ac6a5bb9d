import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * Numbers are written by enNumber (src/sim/format.ts), not toLocaleString:
 * Intl's first use sets up its locale data, some 40 ms of a cold page's start.
 */
const NO_TO_LOCALE_STRING = {
  selector: "CallExpression[callee.property.name='toLocaleString']",
  message: "write numbers with enNumber (src/sim/format.ts): Intl's first use costs a cold page some 40 ms before its first frame",
};

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  // A disable comment that no longer disables anything is an error: the
  // non-null assertions allowed below must not outlive their reason.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  // Type-aware rules for the TypeScript, with the types tsc sees (tsconfig.json).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // Tests wrap updates in Testing Library's act(async () => ...), which
    // flushes what the update scheduled even when the callback awaits nothing.
    files: ['test/**/*.ts', 'test/**/*.tsx'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  // Plain JavaScript (this file, bin/, scripts/) has no types to check.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['src/**/*.tsx', 'src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // A non-null assertion (`x!`) is unchecked: with noUncheckedIndexedAccess,
    // src/ checks what an index read may miss (a narrowing, a loop with no
    // index, must() or a helper built on it). Only the engine's hot loops
    // keep assertions, each function in an eslint-disable/enable block whose
    // reason states the invariant that makes its indices valid. Tests may
    // assert: a wrong guess there fails the test anyway.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error', 'no-restricted-syntax': ['error', NO_TO_LOCALE_STRING] },
  },
  {
    // The simulation core is pure and deterministic: no DOM, React, store,
    // worker or URL code, no timers, no wall clock, no outside randomness.
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: ['react', 'react-dom', 'zustand', 'd3', '**/app/**', '**/panels/**', '**/worker/**', 'lz-string'],
        paths: ['timers', 'node:timers', 'timers/promises', 'node:timers/promises', 'perf_hooks', 'node:perf_hooks', 'crypto', 'node:crypto']
          .map((name) => ({ name, message: 'the simulation runs on its own clock and its seeded generator' })),
      }],
      'no-restricted-globals': ['error',
        'window', 'document', 'self', 'navigator', 'location', 'globalThis',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask',
          'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback']
          .map((name) => ({ name, message: 'time is the simulated clock: the engine schedules its own events' })),
        { name: 'performance', message: 'time is the simulated clock, not the wall clock' },
        { name: 'crypto', message: 'randomness comes from the seeded generator in the state' }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'randomness comes from the seeded generator in the state' },
        { object: 'Date', property: 'now', message: 'time is the simulated clock' }],
      'no-restricted-syntax': ['error', NO_TO_LOCALE_STRING,
        { selector: "NewExpression[callee.name='Date']", message: 'time is the simulated clock' }],
    },
  },
  // The one place that may call toLocaleString: for what enNumber does not write itself.
  { files: ['src/sim/format.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
