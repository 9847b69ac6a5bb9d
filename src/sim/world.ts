// The fixed part of a simulation: the scenario compiled into numbered tables
// (functions, system calls, task groups, modules, files). Never changes after
// load, so checkpoints do not copy it.
import { BUILTIN_FILES, BUILTIN_FUNCTIONS, BUILTIN_MODULES, BUILTIN_SYSCALLS, SHELL_SLEEP_CHAIN } from './scenario/builtins.ts';
import type { KernelVariant, ModuleSpec, MsRange, Scenario, ScriptLine, TaskGroupSpec } from './scenario/types.ts';
import { must } from './must.ts';

export interface CompiledSyscall {
  readonly name: string;
  readonly chain: readonly number[];
  /** Index in `chain` of the function it sleeps in, -1 if it does not sleep. */
  readonly sleepAt: number;
  readonly sleepMs: MsRange | 'forever';
}

export interface CompiledGroup {
  readonly spec: TaskGroupSpec;
  readonly syscalls: readonly number[];
  readonly loop: readonly number[];
  readonly calls: readonly number[];
  /** For `blockedIn`: the chain it starts asleep in, up to that function. */
  readonly blockedChain: readonly number[];
}

export interface World {
  readonly scenario: Scenario;
  readonly variant: KernelVariant;
  readonly fnNames: readonly string[];
  /** `vmlinux` or the module that holds the function's code. */
  readonly fnObject: readonly string[];
  readonly fnOutput: readonly (string | undefined)[];
  readonly syscalls: readonly CompiledSyscall[];
  readonly groups: readonly CompiledGroup[];
  readonly modules: readonly ModuleSpec[];
  /** Module name → index in `modules` (and in the state's module array). */
  readonly moduleIndex: ReadonlyMap<string, number>;
  readonly files: ReadonlyMap<string, number>;
  readonly script: readonly ScriptLine[];
  readonly depthMax: number;
  /** The scenario's "what if" switches (src/sim/search/whatIf.ts): safeguards taken out. */
  readonly whatIf: ReadonlySet<string>;
  /** Function ids the kernel itself uses. */
  readonly fn: {
    readonly doSyscall64: number;
    readonly doIdle: number;
    readonly kthread: number;
    readonly workerThread: number;
    readonly readChain: readonly number[];
    readonly ttyChain: readonly number[];
    readonly sleepChain: readonly number[];
  };
  fnId(name: string): number;
}

/** The name of function `fn`, a world function id (frames, func stacks and events hold only those). */
export const fnName = (w: World, fn: number): string => must(w.fnNames[fn], 'function', fn);

/** Deepest frame count any task can reach, with room for the shell's commands. */
const SHELL_DEPTH = 6;

export function compileWorld(scenario: Scenario, script: readonly ScriptLine[]): World {
  const fnNames: string[] = [];
  const fnObject: string[] = [];
  const fnOutput: (string | undefined)[] = [];
  const index = new Map<string, number>();
  const fnId = (name: string): number => {
    let id = index.get(name);
    if (id === undefined) {
      id = fnNames.length;
      index.set(name, id);
      fnNames.push(name);
      const spec = scenario.functions[name] ?? BUILTIN_FUNCTIONS[name];
      fnObject.push(spec?.object ?? 'vmlinux');
      fnOutput.push(spec?.output);
    }
    return id;
  };
  for (const name of Object.keys(BUILTIN_FUNCTIONS)) fnId(name);
  for (const name of Object.keys(scenario.functions)) fnId(name);

  const modules = [...scenario.modules, ...BUILTIN_MODULES.filter((b) => !scenario.modules.some((m) => m.name === b.name))];
  for (const m of modules) {
    for (const f of m.functions) {
      const id = fnId(f);
      fnObject[id] = m.name;
    }
    for (const o of m.livepatch?.objects ?? []) {
      for (const f of o.funcs) {
        const known = index.has(f.old);
        const id = fnId(f.old);
        // A function of a module the scenario does not declare lives in that module.
        if (!known && o.name !== 'vmlinux') fnObject[id] = o.name;
      }
    }
  }

  const syscallSpecs = { ...BUILTIN_SYSCALLS, ...scenario.syscalls };
  const syscallIndex = new Map<string, number>();
  const syscalls: CompiledSyscall[] = Object.entries(syscallSpecs).map(([name, s], i) => {
    syscallIndex.set(name, i);
    const chain = s.chain.map(fnId);
    return { name, chain, sleepAt: s.sleepIn === undefined ? -1 : s.chain.indexOf(s.sleepIn), sleepMs: s.sleepMs };
  });

  let depthMax = SHELL_DEPTH;
  for (const s of syscalls) depthMax = Math.max(depthMax, s.chain.length);
  const groups: CompiledGroup[] = scenario.tasks.map((g) => {
    const gs = g.syscalls.map((n) => syscallIndex.get(n) ?? 0);
    const loop = g.loop.map(fnId);
    const calls = g.calls.map(fnId);
    let blockedChain: number[] = [];
    if (g.blockedIn !== undefined) {
      const b = fnId(g.blockedIn);
      const host = gs.map((i) => must(syscalls[i], 'system call', i).chain).find((c) => c.includes(b));
      blockedChain = host ? host.slice(0, host.indexOf(b) + 1) : [fnId('do_syscall_64'), b];
    }
    depthMax = Math.max(depthMax, loop.length + 1, blockedChain.length);
    return { spec: g, syscalls: gs, loop, calls, blockedChain };
  });

  const files = new Map<string, number>();
  for (const [path, fn] of Object.entries({ ...BUILTIN_FILES, ...scenario.files })) files.set(path, fnId(fn));

  const readChain = ['do_syscall_64', 'ksys_read', 'vfs_read', 'seq_read_iter'].map(fnId);
  return {
    scenario,
    variant: scenario.kernel,
    fnNames,
    fnObject,
    fnOutput,
    syscalls,
    groups,
    modules,
    moduleIndex: new Map(modules.map((m, i) => [m.name, i])),
    files,
    script,
    depthMax: depthMax + 2,
    whatIf: new Set(scenario.whatIf ?? []),
    fn: {
      doSyscall64: fnId('do_syscall_64'),
      doIdle: fnId('do_idle'),
      kthread: fnId('kthread'),
      workerThread: fnId('worker_thread'),
      readChain,
      ttyChain: ['do_syscall_64', 'ksys_read', 'vfs_read', 'n_tty_read'].map(fnId),
      sleepChain: SHELL_SLEEP_CHAIN.map(fnId),
    },
    fnId: (name: string) => {
      const id = index.get(name);
      if (id === undefined) throw new Error(`unknown function ${name}`);
      return id;
    },
  };
}
