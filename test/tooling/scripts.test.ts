// `npm test` type-checks once and builds once, and CI runs it without
// repeating either: the npm scripts expanded as npm would run them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The commands a script runs, with every `npm run x` / `npm test` replaced by x's own. */
function expand(command: string, seen: readonly string[] = []): string[] {
  return command
    .split(/\s*(?:&&|\|\||;)\s*/)
    .filter((c) => c !== '')
    .flatMap((c) => {
      const m = /^npm (?:run )?(\S+)$/.exec(c.trim());
      const name = m?.[1];
      if (name === undefined || name === 'ci') return [c.trim()];
      const body = scripts[name];
      if (body === undefined) throw new Error(`npm script ${name} does not exist`);
      if (seen.includes(name)) throw new Error(`npm script ${name} runs itself`);
      return expand(body, [...seen, name]);
    });
}

const count = (cmds: readonly string[], re: RegExp) => cmds.filter((c) => re.test(c)).length;

describe('npm test', () => {
  const steps = expand('npm test');

  it('type-checks once, lints, runs the unit tests, builds once, then runs the browser tests', () => {
    expect(count(steps, /\btsc\b/)).toBe(1);
    expect(count(steps, /\bvite build\b/)).toBe(1);
    expect(count(steps, /\beslint\b/)).toBe(1);
    const at = (re: RegExp) => steps.findIndex((c) => re.test(c));
    expect(at(/\bvite build\b/)).toBeGreaterThan(at(/\bvitest run$/));
    expect(at(/vitest\.e2e\.config/)).toBeGreaterThan(at(/\bvite build\b/));
  });

  it('is what .ci/run runs, with no second build or type check around it', () => {
    const ci = readFileSync('.ci/run', 'utf8')
      .split('\n')
      .map((l) => l.replace(/\s*\|\|.*$/, '').trim())
      .filter((l) => /^(npm|npx|node|tsc|vite)\b/.test(l));
    const run = ci.flatMap((l) => expand(l));
    expect(ci).toContain('npm test');
    expect(count(run, /\btsc\b/)).toBe(1);
    expect(count(run, /\bvite build\b/)).toBe(1);
  });
});
