#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx klpscope` works right after `npm ci`.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
