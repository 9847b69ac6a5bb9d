// The scenario as the simulation sees it: a `klpscope/1` document
// (spec/scenario.md) after validation, with every default filled in.
import { enNumber } from '../format.ts';

export type KernelVariant = 'rfc-v2' | 'v4.12' | 'mainline';
export const KERNEL_VARIANTS: readonly KernelVariant[] = ['rfc-v2', 'v4.12', 'mainline'];

/** A range of milliseconds, both ends included. */
export type MsRange = readonly [number, number];

export interface MachineSpec {
  readonly cpus: number;
  readonly offline: readonly number[];
  readonly reliableStacktrace: boolean;
}

export interface FunctionSpec {
  /** `vmlinux` or the name of the module that provides the code. */
  readonly object: string;
  /** What this version prints when a file backed by it is read. */
  readonly output?: string;
}

export interface SyscallSpec {
  /** Outermost first, entered from user space. */
  readonly chain: readonly string[];
  readonly sleepIn?: string;
  readonly sleepMs: MsRange | 'forever';
}

export interface TaskGroupSpec {
  readonly comm: string;
  readonly count: number;
  readonly kind: 'user' | 'kthread';
  readonly syscalls: readonly string[];
  readonly userMs: MsRange;
  readonly loop: readonly string[];
  readonly sleepMs: MsRange | 'forever';
  readonly calls: readonly string[];
  readonly cpuBound: boolean;
  readonly unreliableStack: boolean;
  readonly blockedIn?: string;
}

export interface FuncSpec {
  readonly old: string;
  readonly output?: string;
  readonly immediate: boolean;
}

export interface LivepatchObjectSpec {
  readonly name: string;
  readonly funcs: readonly FuncSpec[];
  readonly callbacks: boolean;
}

export interface LivepatchSpec {
  readonly objects: readonly LivepatchObjectSpec[];
  readonly immediate: boolean;
  readonly replace: boolean | string;
}

export type ParamValue = string | number | boolean;

/** A module's work item (stage 2): a kworker runs `function` at load, inside it while `blockParam` is true. */
export interface WorkSpec {
  readonly function: string;
  readonly enter: string;
  readonly exit: string;
  readonly blockParam?: string;
}

export interface ModuleSpec {
  readonly name: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly functions: readonly string[];
  readonly init: readonly string[];
  readonly exit: readonly string[];
  readonly livepatch?: LivepatchSpec;
  readonly work?: WorkSpec;
}

export interface Scenario {
  readonly format: 'klpscope/1';
  readonly name: string;
  readonly description: string;
  readonly kernel: KernelVariant;
  readonly seed: number;
  readonly machine: MachineSpec;
  readonly functions: Readonly<Record<string, FunctionSpec>>;
  readonly syscalls: Readonly<Record<string, SyscallSpec>>;
  readonly files: Readonly<Record<string, string>>;
  readonly tasks: readonly TaskGroupSpec[];
  readonly modules: readonly ModuleSpec[];
  readonly script: readonly string[];
  /** "What if" switches: safeguards taken out of the model (src/sim/search/whatIf.ts). Not the real kernel. */
  readonly whatIf?: readonly string[];
  /** Choices the run takes, as [POINT, VALUE] pairs (src/sim/rng.ts); the seed decides the rest. */
  readonly choices?: readonly (readonly [number, number])[];
}

/** A script line or a user action, parsed (spec/scenario.md §7). */
export type Command =
  | { readonly kind: 'insmod'; readonly path: string; readonly module: string; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'rmmod'; readonly module: string }
  | { readonly kind: 'echo'; readonly value: string; readonly path: string }
  | { readonly kind: 'kmsg'; readonly text: string }
  | { readonly kind: 'cat'; readonly path: string; readonly toKmsg: boolean }
  | { readonly kind: 'grep'; readonly pattern: string; readonly path: string; readonly toKmsg: boolean }
  | { readonly kind: 'wake' | 'kill' | 'fork'; readonly task: string }
  | { readonly kind: 'sleep'; readonly seconds: number; /** `sleep MIN..MAX`: the window's end; the delay is a choice. */ readonly upTo?: number }
  | { readonly kind: 'wait'; readonly patch: string; readonly until: 0 | 1 }
  /** `check PATH VALUE` (a klpscope extension, as the selftests' check_sysfs_value): read without a log line; a mismatch is logged. */
  | { readonly kind: 'check'; readonly path: string; readonly value: string };

export interface ScriptLine {
  /** 1-based line number in the script, or 0 for a user action. */
  readonly lineNo: number;
  /** The line as written, for the `% LINE` log entry. */
  readonly text: string;
  readonly command: Command;
}

/** An invalid scenario, script line or action: where, and what was expected. */
export class ScenarioError extends Error {
  constructor(
    /** A JSON path (`tasks[2].count`), `script line 4`, or `action`. */
    readonly where: string,
    readonly expected: string,
    /** `invalid` (exit 2) or a stage-2 feature refused with `not supported yet`. */
    readonly kind: 'invalid' | 'unsupported' = 'invalid',
  ) {
    super(kind === 'unsupported' ? `not supported yet: ${where}` : `${where}: ${expected}`);
    this.name = 'ScenarioError';
  }
}

/** Names for an error message: at most `max` of them, then how many more (a message stays one short line). */
export function listNames(names: Iterable<string>, max = 10, sort = false): string {
  const all = [...names];
  if (sort) all.sort();
  if (all.length === 0) return 'none';
  const shown = all.slice(0, max).join(', ');
  return all.length > max ? `${shown} and ${enNumber(all.length - max)} more` : shown;
}
