// The `klpscope` command: finds the subcommand, runs it, and turns every
// failure into a one-line message on standard error and its exit status
// (Exit in io.ts; README and docs/scenario.md §9). No stack trace reaches
// the user but for a bug of klpscope itself.
import { ScenarioError } from '../sim/scenario/types.ts';
import { CliError, errnoCode, errnoText, escapeControl, Exit, LineWriter } from './io.ts';
import type { Io } from './io.ts';
import { run, RUN_USAGE, UsageError } from './run.ts';
import { check, CHECK_USAGE } from './check.ts';
import type { Bounds } from './run.ts';

export type { Io } from './io.ts';

interface Command {
  readonly run: (argv: readonly string[], io: Io, bounds: Bounds) => number | Promise<number>;
  readonly usage: string;
}

/** The subcommands: one line each. */
const COMMANDS: Readonly<Record<string, Command>> = {
  run: { run, usage: RUN_USAGE },
  check: { run: check, usage: CHECK_USAGE },
};

const USAGE = Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n');

/** Standard output and error, buffered; a write error ends the command (a closed pipe quietly). */
function stdio(): Io & { flush: () => void } {
  const out = new LineWriter(1);
  const err = new LineWriter(2);
  const guard = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (errnoCode(e) === 'EPIPE') throw new CliError(Exit.Pipe, '');
      throw new CliError(Exit.Io, `cannot write standard output: ${errnoText(e)}`);
    }
  };
  return {
    out: (s) => guard(() => out.line(s)),
    err: (s) => {
      // What was printed before a report comes before it.
      guard(() => out.flush());
      try {
        err.line(s);
        err.flush();
      } catch {
        // Standard error itself is gone: nowhere left to say anything.
      }
    },
    flush: () => guard(() => out.flush()),
  };
}

/** Runs the CLI; returns the exit status (Exit: 0 ran, 1 a guarantee broke, 2 bad input, 3 a limit, 4 I/O). */
export async function main(argv: readonly string[], io?: Io, bounds: Bounds = {}): Promise<number> {
  // Standard streams only when no Io is given; they are flushed at the end.
  const std = io === undefined ? stdio() : undefined;
  const use: Io = io ?? std ?? stdio();
  const say = (s: string) => {
    try {
      use.err(s);
    } catch {
      // Nothing more can be said.
    }
  };
  try {
    const name = argv[0];
    const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (command === undefined) throw new UsageError(name === undefined ? 'missing command' : `unknown command '${escapeControl(name)}'`);
    const status = await command.run(argv.slice(1), use, bounds);
    std?.flush();
    return status;
  } catch (e) {
    if (e instanceof UsageError) {
      say(`klpscope: ${e.message}\n${USAGE}`);
      return Exit.Invalid;
    }
    if (e instanceof ScenarioError) {
      say(`klpscope: ${escapeControl(e.message)}`);
      return Exit.Invalid;
    }
    if (e instanceof CliError) {
      if (e.message !== '') say(`klpscope: ${e.message}`);
      return e.status;
    }
    throw e;
  }
}
