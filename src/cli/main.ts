// klpscope run: runs a scenario headless and prints the kernel log
// (spec/scenario.md §9).
import { createWriteStream, readFileSync } from 'node:fs';
import { Engine } from '../sim/engine.ts';
import { ScenarioError } from '../sim/scenario/types.ts';
import { formatLogLine, summaryLine, traceLine, violationLine } from '../sim/trace/format.ts';

const USAGE = `usage: klpscope run SCENARIO.json [--timestamps] [--debug-tasks] [--trace FILE] [--summary]
       klpscope run --script SCRIPT.sh [--kernel K] [--cpus N] [--seed S] [--timestamps] [--debug-tasks] [--trace FILE] [--summary]`;

const MAX_EVENTS = 50_000_000;

interface Options {
  scenario?: string;
  script?: string;
  kernel?: string;
  cpus?: string;
  seed?: string;
  timestamps: boolean;
  debugTasks: boolean;
  trace?: string;
  summary: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  if (argv[0] !== 'run') throw new UsageError(argv.length === 0 ? 'missing command' : `unknown command '${argv[0]}'`);
  const o: Options = { timestamps: false, debugTasks: false, summary: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--timestamps':
        o.timestamps = true;
        break;
      case '--debug-tasks':
        o.debugTasks = true;
        break;
      case '--summary':
        o.summary = true;
        break;
      case '--trace':
        o.trace = value(i++, a);
        break;
      case '--script':
        o.script = value(i++, a);
        break;
      case '--kernel':
        o.kernel = value(i++, a);
        break;
      case '--cpus':
        o.cpus = value(i++, a);
        break;
      case '--seed':
        o.seed = value(i++, a);
        break;
      default:
        if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
        if (o.scenario !== undefined) throw new UsageError(`unexpected argument ${a}`);
        o.scenario = a;
    }
  }
  if ((o.scenario === undefined) === (o.script === undefined)) throw new UsageError('give either a scenario file or --script');
  if (o.scenario !== undefined && (o.kernel ?? o.cpus ?? o.seed) !== undefined) throw new UsageError('--kernel, --cpus and --seed go with --script');
  return o;
}

function integer(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new ScenarioError(flag, `expected a whole number, got '${v}'`);
  return Number(v);
}

function loadScenario(o: Options): unknown {
  if (o.scenario !== undefined) return readFileSync(o.scenario, 'utf8');
  const lines = readFileSync(o.script as string, 'utf8').replace(/\n$/, '').split('\n');
  return {
    format: 'klpscope/1',
    name: o.script,
    ...(o.kernel === undefined ? {} : { kernel: o.kernel }),
    ...(o.seed === undefined ? {} : { seed: integer('--seed', o.seed) }),
    ...(o.cpus === undefined ? {} : { machine: { cpus: integer('--cpus', o.cpus) } }),
    script: lines,
  };
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
};

/** Runs the CLI; returns the exit status (0 ran, 1 a guarantee broke, 2 bad input). */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  let o: Options;
  let engine: Engine;
  try {
    o = parseArgs(argv);
    engine = Engine.load(loadScenario(o), { keepTrace: false });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`klpscope: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof ScenarioError) {
      io.err(`klpscope: ${e.message}`);
      return 2;
    }
    if (e instanceof Error && 'code' in e && typeof e.code === 'string') {
      io.err(`klpscope: cannot read ${o!.scenario ?? o!.script}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const trace = o.trace === undefined ? undefined : createWriteStream(o.trace);
  let events = 0;
  while (events < MAX_EVENTS && !engine.settled && !engine.overtime) {
    const e = engine.stepForward();
    if (e === undefined) break;
    events++;
    for (const l of e.log) {
      if (l.taskDebug && !o.debugTasks) continue;
      io.out(formatLogLine(l, o.timestamps));
    }
    for (const v of e.violations) io.err(violationLine(e, v));
    trace?.write(traceLine(e) + '\n');
  }
  if (trace) await new Promise<void>((resolve) => trace.end(resolve));
  if (o.summary) io.out(summaryLine(engine));
  return engine.state.violations > 0 ? 1 : 0;
}
