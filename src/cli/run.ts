// klpscope run: runs a scenario headless and prints the kernel log
// (docs/scenario.md §9). It keeps neither the trace nor checkpoints: it never
// looks back, so its memory does not grow with the run.
import { closeSync, openSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Engine } from '../sim/engine.ts';
import type { EngineOptions } from '../sim/engine.ts';
import { limitMessage } from '../sim/limits.ts';
import { formatLogLine, summaryLine, traceLine, violationLine } from '../sim/trace/format.ts';
import { CliError, errnoText, escapeControl, Exit, LineWriter, readBounded, showPath } from './io.ts';
import type { Io } from './io.ts';

export const RUN_USAGE = `usage: klpscope run SCENARIO.json [--timestamps] [--debug-tasks] [--trace FILE] [--summary]
       klpscope run --script SCRIPT.sh [--kernel K] [--cpus N] [--seed S] [--timestamps] [--debug-tasks] [--trace FILE] [--summary]`;

/** The limits of a run (limits.ts), lower in tests. */
export type Bounds = Pick<EngineOptions, 'maxEvents' | 'maxTimeUs' | 'pidMax'>;

/** Bad usage of a command: its message is followed by the usage. */
export class UsageError extends Error {}

interface Options {
  readonly scenario?: string;
  readonly script?: string;
  readonly kernel?: string;
  readonly cpus?: string;
  readonly seed?: string;
  readonly timestamps: boolean;
  readonly debugTasks: boolean;
  readonly trace?: string;
  readonly summary: boolean;
}

/** node:util's parseArgs, its errors as one short UsageError each. */
export function parseOptions<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? e.code : undefined;
    const flag = e instanceof Error ? (/'(-[^' ]+)/.exec(e.message)?.[1] ?? '') : '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${escapeControl(flag)}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${flag} needs a value`);
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function parseRunArgs(argv: readonly string[]): Options {
  const { values: v, positionals } = parseOptions(argv, {
    timestamps: { type: 'boolean' },
    'debug-tasks': { type: 'boolean' },
    summary: { type: 'boolean' },
    trace: { type: 'string' },
    script: { type: 'string' },
    kernel: { type: 'string' },
    cpus: { type: 'string' },
    seed: { type: 'string' },
  });
  const extra = positionals[1];
  if (extra !== undefined) throw new UsageError(`unexpected argument ${escapeControl(extra)}`);
  const o: Options = {
    scenario: positionals[0],
    script: v.script,
    kernel: v.kernel,
    cpus: v.cpus,
    seed: v.seed,
    timestamps: v.timestamps ?? false,
    debugTasks: v['debug-tasks'] ?? false,
    trace: v.trace,
    summary: v.summary ?? false,
  };
  if ((o.scenario === undefined) === (o.script === undefined)) throw new UsageError('give either a scenario file or --script');
  if (o.scenario !== undefined && (o.kernel ?? o.cpus ?? o.seed) !== undefined) throw new UsageError('--kernel, --cpus and --seed go with --script');
  return o;
}

function integer(flag: string, v: string): number {
  if (!/^\d{1,10}$/.test(v)) throw new CliError(Exit.Invalid, `${flag}: expected a whole number, got '${showPath(v)}'`);
  return Number(v);
}

function loadScenario(o: Options): unknown {
  if (o.scenario !== undefined) return readBounded(o.scenario, 'scenario');
  const script = o.script as string;
  const lines = readBounded(script, 'script').replace(/\n$/, '').split('\n');
  return {
    format: 'klpscope/1',
    name: script,
    ...(o.kernel === undefined ? {} : { kernel: o.kernel }),
    ...(o.seed === undefined ? {} : { seed: integer('--seed', o.seed) }),
    ...(o.cpus === undefined ? {} : { machine: { cpus: integer('--cpus', o.cpus) } }),
    script: lines,
  };
}

function openTrace(path: string): LineWriter {
  try {
    return new LineWriter(openSync(path, 'w'));
  } catch (e) {
    throw new CliError(Exit.Io, `cannot write trace ${showPath(path)}: ${errnoText(e)}`);
  }
}

/** Runs `klpscope run ARGS`; returns the exit status (Exit). */
export function run(argv: readonly string[], io: Io, bounds: Bounds = {}): number {
  const o = parseRunArgs(argv);
  const engine = Engine.load(loadScenario(o), { ...bounds, keepTrace: false, keepCheckpoints: false });
  const trace = o.trace === undefined ? undefined : { path: o.trace, out: openTrace(o.trace) };
  const traced = (f: () => void) => {
    try {
      f();
    } catch (e) {
      throw new CliError(Exit.Io, `cannot write trace ${showPath(trace?.path ?? '')}: ${errnoText(e)}`);
    }
  };
  try {
    while (!engine.settled && !engine.overtime) {
      const e = engine.stepForward();
      if (e === undefined) break;
      for (const l of e.log) {
        if (l.taskDebug && !o.debugTasks) continue;
        io.out(escapeControl(formatLogLine(l, o.timestamps)));
      }
      for (const v of e.violations) io.err(escapeControl(violationLine(e, v)));
      if (trace !== undefined) traced(() => trace.out.line(traceLine(e, engine.world)));
    }
    if (trace !== undefined) traced(() => trace.out.flush());
  } finally {
    if (trace !== undefined) closeSync(trace.out.fd);
  }
  if (o.summary) io.out(summaryLine(engine));
  const limit = engine.settled || engine.overtime ? undefined : engine.limit;
  if (limit !== undefined) io.err(`klpscope: ${limitMessage(limit, engine.maxEvents, engine.maxTimeUs)}`);
  if (engine.state.violations > 0) return Exit.Violated;
  return limit !== undefined ? Exit.Limit : Exit.Ok;
}
