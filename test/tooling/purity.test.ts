// The purity fence of src/sim, as ESLint applies it: code that would make the
// simulation depend on the page, the wall clock or outside randomness is refused.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// The project's config without its type-aware rules: the probes are not files tsc knows.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });

async function refusals(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the purity fence of src/sim', () => {
  const cases: [string, string][] = [
    ['setTimeout(() => 0, 1);', 'setTimeout'],
    ['setInterval(() => 0, 1);', 'setInterval'],
    ['queueMicrotask(() => 0);', 'queueMicrotask'],
    ['requestAnimationFrame(() => 0);', 'requestAnimationFrame'],
    ['export const t = performance.now();', 'performance'],
    ['export const r = crypto.getRandomValues(new Uint8Array(4));', 'crypto'],
    ['export const r = Math.random();', 'seeded generator'],
    ['export const t = Date.now();', 'simulated clock'],
    ['export const t = new Date();', 'simulated clock'],
    ["import { randomBytes } from 'node:crypto';\nexport const r = randomBytes(4);", 'node:crypto'],
    ["import { setTimeout as later } from 'node:timers/promises';\nexport const p = later(1);", 'node:timers/promises'],
    ["import { performance as p } from 'node:perf_hooks';\nexport const t = p.now();", 'node:perf_hooks'],
    ['export const w = window.innerWidth;', 'window'],
  ];

  it.each(cases)('refuses %s', async (code, named) => {
    const found = await refusals(code, 'src/sim/probe.ts');
    expect(found.some((m) => m.includes(named)), found.join('\n')).toBe(true);
  });

  it('lets the same code through outside src/sim', async () => {
    expect(await refusals('export const t = (): number => performance.now();\nsetTimeout(() => 0, 1);', 'src/app/probe.ts')).toEqual([]);
  });
});

describe('numbers without Intl', () => {
  it.each(['src/panels/probe.ts', 'src/sim/probe.ts', 'src/app/probe.ts'])('refuses toLocaleString in %s, and names enNumber', async (file) => {
    const found = await refusals("export const s = (1234).toLocaleString('en');", file);
    expect(found.some((m) => m.includes('enNumber')), found.join('\n')).toBe(true);
  });

  it('lets enNumber itself fall back to Intl', async () => {
    expect(await refusals("export const s = (1e21).toLocaleString('en');", 'src/sim/format.ts')).toEqual([]);
  });
});
