#!/usr/bin/env node
// Runs the CLI compiled at install (`npm run build:cli`, build/); falls back
// to compiling the TypeScript through tsx when that is missing or older than
// a source file, so an edited checkout never runs stale code.
import { isFresh, loadCompiled } from './compiled.mjs';

const { main } = isFresh() ? loadCompiled().exports : await (await import('tsx/esm/api')).tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
