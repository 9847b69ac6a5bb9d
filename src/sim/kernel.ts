// The simulated kernel: its mutable state, and the context every modelled
// function runs in, which collects the log lines, task switches and
// invariant reports of the event being built.
import { cloneCpuTable, createCpuTable } from './machine/cpus.ts';
import type { CpuTable } from './machine/cpus.ts';
import { cloneQueue, createQueue } from './machine/queue.ts';
import type { TimerQueue } from './machine/queue.ts';
import { cloneTaskTable, createTaskTable, taskName } from './machine/tasks.ts';
import type { TaskTable } from './machine/tasks.ts';
import { cloneKlpGlobals, createKlpGlobals } from './livepatch/state.ts';
import type { KlpGlobals } from './livepatch/state.ts';
import { choiceSource, Rng } from './rng.ts';
import type { ChoiceSource } from './rng.ts';
import type { ModuleSpec, ParamValue, ScriptLine } from './scenario/types.ts';
import { KLP_UNDEFINED, KLP_UNPATCHED, usec } from './types.ts';
import type { CpuId, EventOf, KlpState, LogLevel, LogLine, SimEvent, SimTime, Switch, TaskId, Violation } from './types.ts';
import { commandEcho, EVENT_FN, isLivepatchKind } from './events.ts';
import type { EventArgs, EventKind, TaskRef } from './events.ts';
import type { World } from './world.ts';
import { PID_MAX } from './limits.ts';
import { must } from './must.ts';

/** `enum module_state`: where a module is in its life (`unformed` when not loaded). */
export type ModuleLifecycle = 'unformed' | 'coming' | 'live' | 'going';

export interface ModuleState {
  loaded: boolean;
  state: ModuleLifecycle;
  /** The kworker that runs the module's work item, -1 before it first runs. */
  worker: number;
  /** The work item is inside its function. */
  inWork: boolean;
  params: Record<string, ParamValue>;
  /** The klp_patch this livepatch module created, -1 if none. */
  patch: number;
}

export const ShellWait = {
  /** Running the script, line after line. */
  None: 0,
  /** In `sleep`. */
  Sleep: 1,
  /** In `wait P` or `wait P transition`. */
  Wait: 2,
  /** Script done: reading its terminal, where user actions arrive. */
  Tty: 3,
} as const;
export type ShellWait = (typeof ShellWait)[keyof typeof ShellWait];

export interface ShellState {
  /** Index of the next script line. */
  line: number;
  wait: ShellWait;
  waitPatch: string;
  waitUntil: 0 | 1;
  gen: number;
  /** User actions not yet run. */
  actions: ScriptLine[];
}

export interface SimState {
  now: SimTime;
  /** Events produced so far. */
  steps: number;
  /** When the script reached its end (µs), -1 before. */
  scriptDoneAt: number;
  /** Operations started so far (each command or timer handler is one). */
  ops: number;
  rng: Rng;
  tasks: TaskTable;
  cpus: CpuTable;
  timers: TimerQueue;
  klp: KlpGlobals;
  modules: ModuleState[];
  shell: ShellState;
  nextPid: number;
  /** Violations so far that are not given up by immediate or force. */
  violations: number;
  givenUp: number;
  /** Stale frames already reported as mixed with newer code (`task:function:version`), each once. */
  mixReported: Set<string>;
  /** Tasks that `force` switched without a check: what they run mixed is given up, not broken. */
  forcedTasks: Set<number>;
}

/** `choices`: where the run's choices come from (default: the scenario's list, then the seed). */
export function createState(world: World, taskCapacity: number, choices?: ChoiceSource): SimState {
  const sc = world.scenario;
  // rfc-v2 declares `static int klp_target_state;`: 0 (KLP_UNPATCHED) at boot.
  // The merged code initialises it to KLP_UNDEFINED (spec §6.2, A1).
  const initialTarget: KlpState = world.variant === 'rfc-v2' ? KLP_UNPATCHED : KLP_UNDEFINED;
  return {
    now: usec(0),
    steps: 0,
    scriptDoneAt: -1,
    ops: 0,
    rng: Rng.seeded(sc.seed, choices ?? choiceSource(sc.choices)),
    tasks: createTaskTable(taskCapacity, world.depthMax),
    cpus: createCpuTable(sc.machine.cpus),
    timers: createQueue(),
    klp: createKlpGlobals(initialTarget),
    modules: world.modules.map((m) => ({ loaded: false, state: 'unformed', worker: -1, inWork: false, params: { ...m.params }, patch: -1 })),
    shell: { line: 0, wait: ShellWait.None, waitPatch: '', waitUntil: 0, gen: 0, actions: [] },
    nextPid: 1,
    violations: 0,
    givenUp: 0,
    mixReported: new Set(),
    forcedTasks: new Set(),
  };
}

/** A copy of the state, sharing nothing mutable with it; `tasks` if given is taken as the copy's task table. */
export function cloneState(s: SimState, tasks: TaskTable = cloneTaskTable(s.tasks)): SimState {
  return {
    ...s,
    rng: s.rng.clone(),
    tasks,
    cpus: cloneCpuTable(s.cpus),
    timers: cloneQueue(s.timers),
    klp: cloneKlpGlobals(s.klp),
    modules: s.modules.map((m) => ({ ...m, params: { ...m.params } })),
    shell: { ...s.shell, actions: s.shell.actions.slice() },
    mixReported: new Set(s.mixReported),
    forcedTasks: new Set(s.forcedTasks),
  };
}

/** A modelled kernel path: yields one event at each point the trace records. */
export type KGen<R = void> = Generator<SimEvent, R, void>;

export interface EventOptions {
  readonly task?: TaskId;
  readonly cpu?: CpuId;
}

/** Whether each kind is part of the livepatch machinery, looked up once per event. */
const LIVEPATCH_KIND = Object.fromEntries((Object.keys(EVENT_FN) as EventKind[]).map((kind) => [kind, isLivepatchKind(kind)])) as Readonly<Record<EventKind, boolean>>;
/** The arrays an event without log lines, switches or violations shares (frozen: never written). */
const NO_LOG: readonly LogLine[] = Object.freeze([]);
const NO_SWITCHES: readonly Switch[] = Object.freeze([]);
const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

export class Kernel {
  /** The task whose context runs kernel code now (`current`). */
  current: TaskId = -1 as TaskId;
  /** The most tasks the run may ever have (limits.ts PID_MAX; lower in tests). */
  pidMax = PID_MAX;
  private log: LogLine[] = [];
  private switches: Switch[] = [];
  private violations: Violation[] = [];

  constructor(
    readonly world: World,
    public s: SimState,
  ) {}

  get variant() {
    return this.world.variant;
  }
  /** The "what if" switches of this run: safeguards taken out (not the real kernel). */
  get whatIf(): ReadonlySet<string> {
    return this.world.whatIf;
  }
  get tasks(): TaskTable {
    return this.s.tasks;
  }
  get cpus(): CpuTable {
    return this.s.cpus;
  }
  get klp(): KlpGlobals {
    return this.s.klp;
  }
  get now(): SimTime {
    return this.s.now;
  }

  printk(level: LogLevel, text: string, taskDebug = false): void {
    this.log.push(taskDebug ? { time: this.s.now, text, level, taskDebug } : { time: this.s.now, text, level });
  }

  /** A line of the livepatch core (`pr_fmt` is `livepatch: `). */
  klpLog(level: LogLevel, text: string, taskDebug = false): void {
    this.printk(level, `livepatch: ${text}`, taskDebug);
  }

  /** The `% LINE` echo of a shell command. */
  commandEcho(text: string): void {
    this.log.push({ time: this.s.now, text: commandEcho(text), level: 'info', command: true });
  }

  stdout(text: string): void {
    this.log.push({ time: this.s.now, text, level: 'info', stdout: true });
  }

  switched(task: TaskId, from: KlpState, to: KlpState): void {
    if (from !== to) this.switches.push({ task, from, to });
  }

  violate(v: Omit<Violation, 'pid' | 'comm'>, task?: TaskId): void {
    const who = task === undefined ? {} : { pid: this.tasks.pid[task], comm: this.tasks.comm[task] };
    this.violations.push({ ...v, ...who });
    if (v.givenUp) this.s.givenUp++;
    else this.s.violations++;
  }

  /** WARN_ON_ONCE(cond): a guard of the merged code; firing is a broken guarantee. */
  warnOnce(site: string, cond: boolean, invariant: Violation['invariant'], text: string): boolean {
    if (!cond) return false;
    if (!this.klp.warned.includes(site)) {
      this.klp.warned.push(site);
      this.violate({ invariant, text: `WARN_ON_ONCE in ${site}: ${text}` });
    }
    return true;
  }

  /** The run-time state of module `mi`, an index in the world's modules (every module has one). */
  moduleAt(mi: number): ModuleState {
    return must(this.s.modules[mi], 'module', mi);
  }

  /** The scenario's spec of module `mi`, an index in the world's modules. */
  moduleSpec(mi: number): ModuleSpec {
    return must(this.world.modules[mi], 'module', mi);
  }

  /** A module's run-time state by name, if the scenario has such a module. */
  module(name: string): ModuleState | undefined {
    const i = this.world.moduleIndex.get(name);
    return i === undefined ? undefined : this.s.modules[i];
  }

  /** vmlinux is always there; a module while it is loaded. */
  loaded(object: string): boolean {
    return object === 'vmlinux' || this.module(object)?.loaded === true;
  }

  name(t: TaskId): string {
    return taskName(this.tasks, t);
  }

  /** Task `t`'s pid; throws if `t` is not a row of the task table. */
  pid(t: TaskId): number {
    return must(this.tasks.pid[t], 'task', t);
  }

  /** Task `t`'s comm; throws if `t` is not a row of the task table. */
  comm(t: TaskId): string {
    return must(this.tasks.comm[t], 'task', t);
  }

  /** Closes the event being built and returns it: a typed record, narrated only when shown (describeEvent). */
  emit<K extends EventKind>(kind: K, args: EventArgs[K], o?: EventOptions): SimEvent {
    // The hot path of every run: one object of one of four fixed shapes (the
    // key order is the trace's JSON), and an event with no log line, switch
    // or violation shares the one empty array of each.
    const step = ++this.s.steps;
    const op = this.s.ops;
    const time = this.s.now;
    const fn = EVENT_FN[kind];
    const livepatch = LIVEPATCH_KIND[kind];
    const log: readonly LogLine[] = this.log.length === 0 ? NO_LOG : this.log;
    const switches: readonly Switch[] = this.switches.length === 0 ? NO_SWITCHES : this.switches;
    const violations: readonly Violation[] = this.violations.length === 0 ? NO_VIOLATIONS : this.violations;
    if (log !== NO_LOG) this.log = [];
    if (switches !== NO_SWITCHES) this.switches = [];
    if (violations !== NO_VIOLATIONS) this.violations = [];
    const t = o?.task;
    const cpu = o?.cpu;
    let e;
    if (t === undefined) {
      e = cpu === undefined ? { step, op, time, fn, livepatch, kind, args, log, switches, violations } : { step, op, time, fn, livepatch, cpu, kind, args, log, switches, violations };
    } else {
      const pid = this.s.tasks.pid[t];
      const comm = this.s.tasks.comm[t];
      e =
        cpu === undefined
          ? { step, op, time, fn, livepatch, task: t, pid, comm, kind, args, log, switches, violations }
          : { step, op, time, fn, livepatch, task: t, pid, comm, cpu, kind, args, log, switches, violations };
    }
    return e as EventOf<K> as SimEvent;
  }

  /** Another task, as the narration names it. */
  ref(t: TaskId): TaskRef {
    return { comm: this.comm(t), pid: this.pid(t) };
  }

  /** Drops whatever an abandoned event collected (after a restore). */
  reset(): void {
    this.log = [];
    this.switches = [];
    this.violations = [];
    this.current = -1 as TaskId;
  }
}
