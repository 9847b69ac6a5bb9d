// The page runs on Preact through preact/compat: the code is written against
// React's API (and its types), and the bundler swaps the runtime. React DOM
// alone is about 60 kB of the first frame's JavaScript, gzipped; Preact with
// compat is about 5 kB, which keeps the first interactive frame (main chunk
// plus the simulation worker) under its 150 kB budget (issue 11, point 7).
// The unit config uses the same aliases, so component tests run on the
// runtime that ships.
import type { Alias } from 'vite';

export const PREACT_ALIASES: Alias[] = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

/** Packages that import React themselves: bundled through the aliases in tests too. */
export const USES_REACT = ['@testing-library/react', 'zustand'];
