// Shared helpers for the unit tests of the simulated kernel: a small machine
// built from a scenario, generator draining, log and violation extraction.
import { Engine } from '../../src/sim/engine.ts';
import type { KGen, Kernel } from '../../src/sim/kernel.ts';
import { klpCreatePatch, klpEnablePatch, klpRegisterPatch } from '../../src/sim/livepatch/core.ts';
import { funcsOf } from '../../src/sim/livepatch/state.ts';
import type { KlpFunc, KlpPatch } from '../../src/sim/livepatch/state.ts';
import { klpPatchObject } from '../../src/sim/livepatch/patch.ts';
import { klpInitTransition, klpStartTransition, klpTryCompleteTransition, klpUpdatePatchState, walkedTasks } from '../../src/sim/livepatch/transition.ts';
import type { KernelVariant } from '../../src/sim/scenario/types.ts';
import type { LogLine, SimEvent, TaskId, Violation } from '../../src/sim/types.ts';

/** Runs a kernel generator to its end: the events it yielded and its return value. */
export function drain<R>(gen: KGen<R>): { events: SimEvent[]; ret: R } {
  const events: SimEvent[] = [];
  for (;;) {
    const r = gen.next();
    if (r.done) return { events, ret: r.value };
    events.push(r.value);
  }
}

/** Every kernel-log line of the events (standard output excluded). */
export const logLinesOf = (events: readonly SimEvent[]): LogLine[] => events.flatMap((e) => e.log.filter((l) => !l.stdout));
/** The text of every kernel-log line of the events. */
export const logOf = (events: readonly SimEvent[]): string[] => logLinesOf(events).map((l) => l.text);
export const violationsOf = (events: readonly SimEvent[]): Violation[] => events.flatMap((e) => e.violations);
/** Violations that are real errors (not knowingly given up by immediate or force). */
export const errorsOf = (events: readonly SimEvent[]): Violation[] => violationsOf(events).filter((v) => v.givenUp === undefined);

export interface FuncDef {
  readonly old: string;
  readonly output?: string;
  readonly immediate?: boolean;
}

export interface PatchDef {
  readonly name: string;
  /** Funcs of the vmlinux object (or of `object`). */
  readonly funcs: readonly (string | FuncDef)[];
  readonly object?: string;
  readonly immediate?: boolean;
}

export interface TaskDef {
  readonly comm: string;
  readonly count?: number;
  readonly kind?: 'user' | 'kthread';
  readonly loop?: readonly string[];
  readonly blockedIn?: string;
  readonly syscalls?: readonly string[];
  readonly unreliableStack?: boolean;
  readonly sleepMs?: 'forever' | readonly [number, number];
  readonly userMs?: readonly [number, number];
}

export interface MachineDef {
  readonly cpus?: number;
  readonly offline?: readonly number[];
  readonly reliableStacktrace?: boolean;
  /** Extra vmlinux functions (or functions of a module: `{ name: module }`). */
  readonly functions?: Readonly<Record<string, string>>;
  readonly syscalls?: Readonly<Record<string, { chain: string[]; sleepIn?: string; sleepMs?: 'forever' | [number, number] }>>;
  readonly tasks?: readonly TaskDef[];
  readonly patches?: readonly PatchDef[];
  /** Plain (target) modules: name → functions they provide. */
  readonly targets?: Readonly<Record<string, readonly string[]>>;
  readonly script?: readonly string[];
  readonly seed?: number;
}

/**
 * A scenario for `variant`. Tasks default to kthreads asleep forever (so that
 * nothing runs unless the test says so): a kthread sleeping in `loop`'s last
 * function, or a user task asleep in `blockedIn`.
 */
export function scenario(variant: KernelVariant, def: MachineDef = {}): Record<string, unknown> {
  const functions: Record<string, unknown> = {};
  for (const [name, object] of Object.entries(def.functions ?? {})) functions[name] = { object };
  return {
    format: 'klpscope/1',
    kernel: variant,
    seed: def.seed ?? 1,
    machine: { cpus: def.cpus ?? 1, offline: def.offline ?? [], reliableStacktrace: def.reliableStacktrace ?? true },
    functions,
    syscalls: def.syscalls ?? {},
    tasks: (def.tasks ?? []).map((t) => {
      const kind = t.kind ?? (t.blockedIn === undefined ? 'kthread' : 'user');
      return {
        comm: t.comm,
        count: t.count ?? 1,
        kind,
        ...(kind === 'kthread' ? { loop: t.loop ?? ['kthread', 'worker_thread'], sleepMs: t.sleepMs ?? 'forever' } : {}),
        ...(t.blockedIn === undefined ? {} : { blockedIn: t.blockedIn }),
        ...(t.syscalls === undefined ? {} : { syscalls: t.syscalls }),
        ...(t.userMs === undefined ? {} : { userMs: t.userMs }),
        ...(t.unreliableStack ? { unreliableStack: true } : {}),
      };
    }),
    modules: [
      ...Object.entries(def.targets ?? {}).map(([name, fns]) => ({ name, functions: fns })),
      ...(def.patches ?? []).map((p) => ({
        name: p.name,
        livepatch: {
          ...(p.immediate ? { immediate: true } : {}),
          objects: [
            {
              name: p.object ?? 'vmlinux',
              funcs: p.funcs.map((f) => (typeof f === 'string' ? { old: f } : { old: f.old, ...(f.output === undefined ? {} : { output: f.output }), ...(f.immediate ? { immediate: true } : {}) })),
            },
          ],
        },
      })),
    ],
    script: def.script ?? [],
  };
}

export interface Machine {
  readonly engine: Engine;
  readonly k: Kernel;
  /** A world function id by name. */
  readonly fn: (name: string) => number;
  /** The first live task whose comm is `comm`. */
  readonly task: (comm: string) => TaskId;
  /** Every task whose comm is `comm`. */
  readonly tasksNamed: (comm: string) => TaskId[];
  /**
   * The klp_patch of livepatch module `name`, created as its module's init
   * would, registered (v4.12, rfc-v2: klp_register_patch; mainline: on the
   * klp_patches list with its module reference) but not enabled. Created once.
   */
  readonly patch: (name: string) => KlpPatch;
  /**
   * Loads livepatch module `name` as `insmod` does: creates its patch and
   * enables it (v4.12, rfc-v2: register, then klp_enable_patch; mainline:
   * klp_enable_patch, which registers). The events, the return value, the patch.
   */
  readonly insmod: (name: string) => { events: SimEvent[]; ret: number; patch: KlpPatch };
  /** The patch's funcs, in declaration order. */
  readonly funcs: (p: KlpPatch) => KlpFunc[];
}

export function machine(variant: KernelVariant, def: MachineDef = {}): Machine {
  const engine = Engine.load(scenario(variant, def));
  const k = engine.kernel;
  const created = new Map<string, KlpPatch>();
  const tasksNamed = (comm: string): TaskId[] => {
    const out: TaskId[] = [];
    for (let t = 0 as TaskId; t < k.tasks.count; t++) if (k.tasks.comm[t] === comm) out.push(t);
    return out;
  };
  const create = (name: string): KlpPatch => {
    const mi = k.world.modules.findIndex((m) => m.name === name);
    if (mi < 0) throw new Error(`no module ${name}`);
    const ms = k.s.modules[mi]!;
    ms.loaded = true;
    const p = klpCreatePatch(k, mi);
    ms.patch = p.id;
    return p;
  };
  return {
    engine,
    k,
    fn: (name) => k.world.fnId(name),
    task(comm) {
      const [found] = tasksNamed(comm);
      if (found === undefined) throw new Error(`no task ${comm}`);
      return found;
    },
    tasksNamed,
    patch(name) {
      const known = created.get(name);
      if (known !== undefined) return known;
      const p = create(name);
      if (variant === 'mainline') {
        p.registered = true;
        p.holdsModuleRef = true;
        k.klp.patches.push(p.id);
      } else if (klpRegisterPatch(k, p) !== 0) throw new Error(`cannot register ${name}`);
      created.set(name, p);
      return p;
    },
    insmod(name) {
      const p = create(name);
      if (variant !== 'mainline' && klpRegisterPatch(k, p) !== 0) throw new Error(`cannot register ${name}`);
      created.set(name, p);
      const { events, ret } = drain(klpEnablePatch(k, p));
      return { events, ret, patch: p };
    },
    funcs: (p) => funcsOf(k.klp, p),
  };
}

export const VARIANTS: readonly KernelVariant[] = ['rfc-v2', 'v4.12', 'mainline'];

/**
 * Lets every flagged task take the target state the way the idle loop and
 * the exit to user space do (klp_update_patch_state), then runs one pass of
 * klp_try_complete_transition, which then completes. Its events.
 */
export function settle(k: Kernel): SimEvent[] {
  for (const t of walkedTasks(k)) klpUpdatePatchState(k, t);
  return drain(klpTryCompleteTransition(k)).events;
}

/**
 * Starts the transition of patch `name` in direction `state` as
 * __klp_enable_patch / __klp_disable_patch do, without the first
 * klp_try_complete_transition: init, (patching) klp_patch_object for every
 * object, start. Records the request as the entry points do.
 */
export function begin(m: Machine, name: string, state: 0 | 1): KlpPatch {
  const p = m.patch(name);
  m.k.klp.requested = state;
  drain(klpInitTransition(m.k, p, state));
  if (state === 1) {
    for (const o of p.objects) if (klpPatchObject(m.k, o) !== 0) throw new Error(`cannot patch ${o.name}`);
  }
  drain(klpStartTransition(m.k));
  return p;
}

/** Patch `name` fully applied: its patching transition started and completed, `enabled` set. */
export function applied(m: Machine, name: string): KlpPatch {
  const p = begin(m, name, 1);
  // Set before the pass as mainline does (a pass frees a patch that is not enabled).
  p.enabled = true;
  settle(m.k);
  if (m.k.klp.transitionPatch !== -1) throw new Error(`${name} did not complete`);
  return p;
}

export interface RunResult {
  readonly engine: Engine;
  readonly events: SimEvent[];
  /** Kernel-log lines (not standard output), as text. */
  readonly log: string[];
  /** Standard output of cat/grep. */
  readonly stdout: string[];
  readonly violations: Violation[];
}

/** Runs the scenario until its script is done and no transition is left (or `maxSteps`). */
export function runScenario(variant: KernelVariant, def: MachineDef, maxSteps = 200_000): RunResult {
  const engine = Engine.load(scenario(variant, def));
  const events: SimEvent[] = [];
  engine.run({
    until: (e) => {
      events.push(e);
      return engine.settled;
    },
    maxSteps,
  });
  const lines = events.flatMap((e) => e.log);
  return {
    engine,
    events,
    log: lines.filter((l) => !l.stdout).map((l) => l.text),
    stdout: lines.filter((l) => l.stdout).map((l) => l.text),
    violations: violationsOf(events),
  };
}
