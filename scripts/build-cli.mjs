// Compiles the CLI once (at `npm ci` through `prepare`, and in `npm run
// build`) so that a start compiles no TypeScript: src/cli bundled by esbuild
// into build/klpscope.cjs, with V8's code cache of it after a warm-up run
// (build/klpscope.cache), which bin/klpscope.mjs loads. The inputs are listed
// beside it: bin/ falls back to tsx when any is newer than the bundle.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCompiled } from '../bin/compiled.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}build`, { recursive: true });
const result = await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}build/klpscope.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Names stay, so that a stack trace of a bug is still readable.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
writeFileSync(`${root}build/klpscope.inputs.json`, JSON.stringify(Object.keys(result.metafile.inputs)));

// Warm up on the README's example, then keep what V8 compiled.
const { exports, script } = loadCompiled(false);
const quiet = { out: () => {}, err: () => {} };
await exports.main(['run', `${root}examples/stalled-transition.json`, '--summary'], quiet);
writeFileSync(`${root}build/klpscope.cache`, script.createCachedData());
