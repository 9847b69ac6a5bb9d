// `klpscope check` (docs/scenario.md §9, §11): exit 1 with a counterexample
// that --out writes and `klpscope run` replays to the same violation; exit
// 0 when the bounds are spent with none, saying exactly what was covered;
// exit 2 for bad input, the field named.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { WHATIF_FORK, RFC_ORDER } from '../../src/sim/scenario/presets/whatif.ts';

const dir = mkdtempSync(join(tmpdir(), 'klpscope-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

async function cli(argv: readonly string[]): Promise<{ status: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

describe('klpscope check', () => {
  it('exits 1 on a violation, and --out writes a scenario that run replays to it', async () => {
    const src = file('fork.json', WHATIF_FORK.scenario);
    const cx = join(dir, 'fork-cx.json');
    const r = await cli(['check', src, '--out', cx]);
    expect(r.status).toBe(1);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^violation found: invariant 9 \(fork inheritance\) at step \d+: .* \([\d,]+ states, depth \d+, [\d,]+ states\/s; 1 changed choice\)$/);
    const written = JSON.parse(readFileSync(cx, 'utf8')) as { choices: [number, number][]; whatIf: string[]; script: string[] };
    expect(written.choices).toHaveLength(1);
    expect(written.whatIf).toEqual(['no-fork-inherit']);
    expect(written.script).toEqual(WHATIF_FORK.scenario.script);
    const replay = await cli(['run', cx]);
    expect(replay.status).toBe(1);
    expect(replay.err.some((l) => /invariant 9 \(fork inheritance\) violated/.test(l))).toBe(true);
    // The scenario as it was, without the choices: its own seed breaks nothing.
    expect((await cli(['run', src])).status).toBe(0);
  }, 60_000);

  it('finds the rfc-v2 bug from a script that leaves the order of its patches open', async () => {
    const r = await cli(['check', file('rfc.json', RFC_ORDER.scenario)]);
    expect(r.status).toBe(1);
    expect(r.out[0]).toMatch(/^violation found: invariant 11 \(request honoured\)/);
  }, 60_000);

  it('exits 0 when the bounds are spent, saying what was covered and never "safe"', async () => {
    const real = { ...WHATIF_FORK.scenario, whatIf: undefined };
    const r = await cli(['check', file('fork-real.json', real), '--max-states', '300', '--depth', '40']);
    expect(r.status).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^no violation in [\d,]+ states to depth \d+ \(runs with up to 3 changed choices, (state bound reached|every run within the bounds explored); [\d,]+ states\/s\)$/);
    expect(r.out[0]).not.toMatch(/safe/i);
  }, 60_000);

  it.each([
    [{ whatIf: ['no-such-switch'] }, /^klpscope: whatIf\[0\]: expected one of "no-previous-version-check", .*got "no-such-switch"$/],
    [{ choices: [[0, 1], 'x'] }, /^klpscope: choices\[1\]: expected a pair \[POINT, VALUE\] of non-negative integers, got "x"$/],
    [{ choices: [[2, 1], [1, 1]] }, /^klpscope: choices\[1\]: expected choice point numbers in increasing order, got 1 after 2$/],
  ])('exits 2 on bad input %j, naming the field (check and run alike)', async (extra, message) => {
    const path = file('bad.json', { ...WHATIF_FORK.scenario, ...extra });
    for (const cmd of ['check', 'run']) {
      const r = await cli([cmd, path]);
      expect(r.status, cmd).toBe(2);
      expect(r.err.join('\n'), cmd).toMatch(message);
    }
  });

  it('exits 2 when a choice does not fit its point, naming the entry', async () => {
    const r = await cli(['run', file('misfit.json', { ...WHATIF_FORK.scenario, choices: [[0, 3]] })]);
    expect(r.status).toBe(2);
    expect(r.err).toEqual(['klpscope: choices[0]: expected a value from 10000 to 500000 for choice point 0 (wake), got 3']);
  });

  it('exits 2 on bad usage', async () => {
    expect((await cli(['check'])).status).toBe(2);
    const r = await cli(['check', file('x.json', WHATIF_FORK.scenario), '--depth', 'deep']);
    expect(r.status).toBe(2);
    expect(r.err).toEqual(["klpscope: --depth: expected a whole number of at least 1, got 'deep'"]);
    expect((await cli(['check', file('y.json', WHATIF_FORK.scenario), '--strategy', 'bfs'])).status).toBe(2);
  });
});
