// klpscope check: a bounded search of a scenario's choices for a broken
// guarantee (src/sim/search). Progress on standard error, one summary line
// on standard output; with --out, a found counterexample is written as the
// scenario with its `choices`, which `klpscope run` replays.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ScenarioError } from '../sim/scenario/types.ts';
import { search } from '../sim/search/search.ts';
import type { SearchStrategy } from '../sim/search/search.ts';
import { progressLine, summaryText } from '../sim/search/summary.ts';
import { CliError, errnoText, escapeControl, Exit, readBounded, showPath } from './io.ts';
import type { Io } from './io.ts';
import { parseOptions, UsageError } from './run.ts';

export const CHECK_USAGE = 'usage: klpscope check SCENARIO.json [--max-states N] [--depth D] [--time S] [--out FILE] [--strategy dfs|random]';

function whole(flag: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  if (!/^\d{1,10}$/.test(v) || Number(v) < min) throw new CliError(Exit.Invalid, `${flag}: expected a whole number of at least ${min}, got '${showPath(v)}'`);
  return Number(v);
}

/** Runs `klpscope check ARGS`; returns the exit status: 1 a violation found, 0 none within the bounds, 2 bad input. */
export function check(argv: readonly string[], io: Io): number {
  const { values: v, positionals } = parseOptions(argv, {
    'max-states': { type: 'string' },
    depth: { type: 'string' },
    time: { type: 'string' },
    out: { type: 'string' },
    strategy: { type: 'string' },
  });
  const [file, extra] = positionals;
  if (file === undefined) throw new UsageError('give a scenario file');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${escapeControl(extra)}`);
  const maxStates = whole('--max-states', v['max-states'], 100_000);
  const maxDepth = whole('--depth', v.depth, 400);
  const seconds = whole('--time', v.time, 60);
  const strategy = (v.strategy ?? 'dfs') as SearchStrategy;
  if (strategy !== 'dfs' && strategy !== 'random') throw new CliError(Exit.Invalid, `--strategy: expected dfs or random, got '${showPath(v.strategy ?? '')}'`);
  const text = readBounded(file, 'scenario');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError('scenario', `valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  let last = performance.now();
  const result = search(doc, {
    strategy,
    maxStates,
    maxDepth,
    clock: () => performance.now(),
    timeLimitMs: seconds * 1000,
    onProgress: (p) => {
      const now = performance.now();
      if (now - last < 1000) return;
      last = now;
      io.err(`klpscope check: ${progressLine(p)}`);
    },
  });
  io.out(escapeControl(summaryText(result)));
  const found = result.found;
  if (found === undefined) return Exit.Ok;
  if (v.out !== undefined) {
    const out = { ...(doc as Record<string, unknown>), choices: found.choices };
    try {
      writeFileSync(v.out, JSON.stringify(out, null, 2) + '\n');
    } catch (e) {
      throw new CliError(Exit.Io, `cannot write ${showPath(v.out)}: ${errnoText(e)}`);
    }
  }
  return Exit.Violated;
}
