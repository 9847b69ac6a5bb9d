// Loads the CLI compiled by scripts/build-cli.mjs: build/klpscope.cjs,
// through V8's code cache of it when there is one.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('../', import.meta.url));
const bundle = `${root}build/klpscope.cjs`;

/** The bundle exists and no source it was built from is newer. */
export function isFresh() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(`${root}build/klpscope.inputs.json`, 'utf8'));
    return inputs.every((f) => statSync(root + f).mtimeMs <= built);
  } catch {
    return false;
  }
}

/** Runs the bundle's module code; `useCache`: with the code cache (a rejected or missing cache only costs time). */
export function loadCompiled(useCache = true) {
  let cachedData;
  if (useCache) {
    try {
      cachedData = readFileSync(`${root}build/klpscope.cache`);
    } catch {
      cachedData = undefined;
    }
  }
  const code = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
  const script = new vm.Script(code, { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, `${root}build`);
  return { exports: module.exports, script };
}
