import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.tsx', 'src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // The simulation core is pure: no DOM, React, store, worker or URL code.
    files: ['src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['react', 'react-dom', 'zustand', 'd3', '**/app/**', '**/panels/**', '**/worker/**', 'lz-string'] }],
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'navigator', 'location'],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'randomness comes from the seeded generator in the state' },
        { object: 'Date', property: 'now', message: 'time is the simulated clock' }],
    },
  },
);
