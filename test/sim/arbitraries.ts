// fast-check arbitraries for klpscope/1 scenarios, and helpers the property
// tests share: stepping with limits, digests of the engine state and FNV-1a
// hashes of events. Scenarios are small (1–8 CPUs, up to ~50 tasks) so that
// a property can run dozens of them in a few seconds.
import fc from 'fast-check';
import type { Engine } from '../../src/sim/engine.ts';
import { Sched, TaskKind } from '../../src/sim/machine/tasks.ts';
import { BUILTIN_FUNCTIONS } from '../../src/sim/scenario/builtins.ts';
import type { SimEvent } from '../../src/sim/types.ts';

// ---------------------------------------------------------------- vocabulary

/**
 * Functions a generated livepatch may replace: every built-in function, the
 * entry path (do_syscall_64), the idle loop and the kthread loops included,
 * so that no path that calls a function without the ftrace handler can hide.
 */
export const PATCHABLE: readonly string[] = Object.keys(BUILTIN_FUNCTIONS);

/** Built-in system calls user tasks may make (read_tty sleeps forever: left out). */
export const SYSCALLS = ['getpid', 'read_cmdline', 'read_meminfo', 'read_pipe', 'nanosleep', 'epoll_wait'] as const;

/** Functions of the syscall chains above: where a user task can start blocked. */
export const BLOCKABLE = ['pipe_read', 'do_nanosleep', 'do_epoll_wait', 'vfs_read', 'cmdline_proc_show', 'meminfo_proc_show', '__x64_sys_getpid'] as const;

/** Kthread loops: the last function is where the kthread sleeps. */
export const LOOPS: readonly (readonly string[])[] = [
  ['kthread', 'worker_thread'],
  ['kthread', 'smpboot_thread_fn'],
  ['kthread', 'do_nanosleep'],
  ['kthread', 'pipe_read'],
];

// ---------------------------------------------------------------- documents

export type MsRange = [number, number];

export interface UserGroup {
  comm: string;
  count: number;
  kind: 'user';
  syscalls: string[];
  userMs: MsRange;
  blockedIn?: string;
}

export interface KthreadGroup {
  comm: string;
  count: number;
  kind: 'kthread';
  loop: string[];
  sleepMs: MsRange | 'forever';
  calls: string[];
  cpuBound: boolean;
  unreliableStack: boolean;
}

export type TaskGroup = UserGroup | KthreadGroup;

export interface LivepatchObject {
  name: string;
  funcs: { old: string; output?: string }[];
  callbacks?: boolean;
}

export interface LivepatchModule {
  name: string;
  params?: Record<string, number | boolean>;
  livepatch: { objects: LivepatchObject[]; replace?: boolean | string };
}

/** A target module (stage 2): provides functions, may run a work item. */
export interface TargetModule {
  name: string;
  params?: Record<string, number | boolean>;
  functions: string[];
  init: string[];
  exit: string[];
  work?: { function: string; enter: string; exit: string; blockParam: string };
}

export type ModuleDoc = LivepatchModule | TargetModule;

export const isLivepatch = (m: ModuleDoc): m is LivepatchModule => 'livepatch' in m;

export interface ScenarioDoc {
  format: 'klpscope/1';
  name: string;
  kernel: 'v4.12' | 'mainline';
  seed: number;
  machine: { cpus: number; offline: number[] };
  tasks: TaskGroup[];
  modules: ModuleDoc[];
  script: string[];
}

export interface ScenarioOptions {
  /** Most tasks over all groups. */
  readonly maxTasks?: number;
  readonly maxCpus?: number;
  readonly maxLines?: number;
  /** Allow `wait P` lines (each may take up to 60 simulated seconds). */
  readonly waits?: boolean;
  /** Allow kthreads that never sleep. */
  readonly cpuBound?: boolean;
  /** Functions the modules may patch (default PATCHABLE). */
  readonly patchable?: readonly string[];
  /**
   * mainline only: draw stage-2 features too (object callbacks, a failing
   * pre_patch, target modules with work items coming and going, atomic
   * replace, objects naming an undeclared module). Default true; v4.12
   * scenarios are drawn exactly as before, so their seeds keep their meaning.
   */
  readonly stage2?: boolean;
}

const userMs = fc.constantFrom<MsRange>([1, 20], [10, 100], [20, 200], [50, 400]);

function userGroup(comm: string, maxCount: number): fc.Arbitrary<UserGroup> {
  return fc.record(
    {
      comm: fc.constant(comm),
      count: fc.integer({ min: 1, max: maxCount }),
      kind: fc.constant('user' as const),
      syscalls: fc.subarray([...SYSCALLS], { minLength: 1 }),
      userMs,
      blockedIn: fc.constantFrom(...BLOCKABLE),
    },
    { requiredKeys: ['comm', 'count', 'kind', 'syscalls', 'userMs'] },
  );
}

function kthreadGroup(comm: string, maxCount: number, cpuBound: boolean): fc.Arbitrary<KthreadGroup> {
  return fc.record({
    comm: fc.constant(comm),
    count: fc.integer({ min: 1, max: Math.min(4, maxCount) }),
    kind: fc.constant('kthread' as const),
    loop: fc.constantFrom(...LOOPS).map((l) => [...l]),
    sleepMs: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<MsRange>([10, 500], [50, 200], [100, 1000]) },
      { weight: 1, arbitrary: fc.constant('forever' as const) },
    ),
    calls: fc.subarray(['cmdline_proc_show', 'meminfo_proc_show', 'vfs_read', '__x64_sys_getpid', 'do_epoll_wait']),
    cpuBound: cpuBound ? fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
    unreliableStack: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
}

function livepatchModule(name: string, patchable: readonly string[]): fc.Arbitrary<LivepatchModule> {
  const func = (old: string) =>
    fc.option(fc.constantFrom('patched', 'v2'), { nil: undefined }).map((output) => (output === undefined ? { old } : { old, output: `${name} ${output}` }));
  return fc
    .uniqueArray(fc.constantFrom(...patchable), { minLength: 1, maxLength: 3 })
    .chain((olds) => fc.tuple(...olds.map(func)))
    .map((funcs) => ({ name, livepatch: { objects: [{ name: 'vmlinux' as const, funcs }] } }));
}

// ---------------------------------------------------------------- stage 2

/** Target modules (stage 2): `tmN` provides `tmN_fn`; with a work item, `block` holds it inside. */
function targetModule(name: string): fc.Arbitrary<TargetModule> {
  const fn = `${name}_fn`;
  return fc.boolean().map((work) =>
    work
      ? { name, params: { block: false }, functions: [fn], init: [`${name}_init`], exit: [`${name}_exit`], work: { function: fn, enter: `${fn} enter`, exit: `${fn} exit`, blockParam: 'block' } }
      : { name, functions: [fn], init: [`${name}_init`], exit: [`${name}_exit`] },
  );
}

/** Stage-2 extras for one livepatch module: callbacks, objects for target (or absent) modules, replace, pre_patch_ret. */
function stage2Livepatch(m: LivepatchModule, targets: readonly string[]): fc.Arbitrary<LivepatchModule> {
  const objectFor = (mod: string) =>
    fc.record({ name: fc.constant(mod), funcs: fc.boolean().map((f) => (f && mod !== 'absent' ? [{ old: `${mod}_fn` }] : [])), callbacks: fc.boolean() });
  return fc
    .record({
      callbacks: fc.boolean(),
      objects: fc.uniqueArray(fc.constantFrom(...targets, 'absent'), { maxLength: 2 }).chain((mods) => (mods.length === 0 ? fc.constant<LivepatchObject[]>([]) : fc.tuple(...mods.map(objectFor)))),
      replace: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constantFrom(0, 1).map((v) => ({ param: v })) },
      ),
      prePatchRet: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(0, -19) }),
    })
    .map(({ callbacks, objects, replace, prePatchRet }) => {
      const params: Record<string, number> = {};
      if (prePatchRet !== undefined) params.pre_patch_ret = prePatchRet;
      const livepatch: LivepatchModule['livepatch'] = { objects: [{ ...m.livepatch.objects[0]!, callbacks }, ...objects] };
      if (replace === true) livepatch.replace = true;
      else if (replace !== undefined) {
        livepatch.replace = 'replace';
        params.replace = replace.param;
      }
      return Object.keys(params).length > 0 ? { name: m.name, params, livepatch } : { name: m.name, livepatch };
    });
}

/** Script lines for target modules and livepatch module parameters (stage 2), only naming parameters that exist. */
function stage2Line(modules: readonly ModuleDoc[]): fc.Arbitrary<string> {
  const has = (param: string) => modules.filter((m) => m.params !== undefined && param in m.params).map((m) => m.name);
  const targets = modules.filter((m) => !isLivepatch(m)).map((m) => m.name);
  const target = fc.constantFrom(...targets);
  const lines: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: target.map((t) => `insmod ${t}.ko`) },
    { weight: 3, arbitrary: target.map((t) => `rmmod ${t}`) },
  ];
  const blocking = has('block');
  if (blocking.length > 0) {
    lines.push({ weight: 2, arbitrary: fc.constantFrom(...blocking).map((t) => `insmod ${t}.ko block=Y`) });
    lines.push({ weight: 2, arbitrary: fc.constantFrom(...blocking).map((t) => `echo 0 > /sys/module/${t}/parameters/block`) });
  }
  const failing = has('pre_patch_ret');
  if (failing.length > 0) lines.push({ weight: 1, arbitrary: fc.constantFrom(...failing).map((p) => `insmod ${p}.ko pre_patch_ret=-19`) });
  const replacing = has('replace');
  if (replacing.length > 0) lines.push({ weight: 1, arbitrary: fc.tuple(fc.constantFrom(...replacing), fc.constantFrom('0', '1')).map(([p, v]) => `insmod ${p}.ko replace=${v}`) });
  return fc.oneof(...lines);
}

/** One valid script line for a machine with these patches, task names and CPUs. */
export function scriptLine(patches: readonly string[], comms: readonly string[], cpus: number, waits: boolean): fc.Arbitrary<string> {
  const patch = fc.constantFrom(...patches);
  const bit = fc.constantFrom('0', '1');
  const lines: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: patch.map((p) => `insmod ${p}.ko`) },
    { weight: 4, arbitrary: fc.tuple(bit, patch).map(([v, p]) => `echo ${v} > /sys/kernel/livepatch/${p}/enabled`) },
    { weight: 3, arbitrary: fc.constantFrom('0', '0.05', '0.3', '1', '2').map((s) => `sleep ${s}`) },
    { weight: 2, arbitrary: fc.constantFrom('/proc/cmdline', '/proc/meminfo').map((f) => `cat ${f}`) },
    { weight: 1, arbitrary: patch.map((p) => `cat /sys/kernel/livepatch/${p}/transition`) },
    { weight: 2, arbitrary: patch.map((p) => `rmmod ${p}`) },
  ];
  if (waits) lines.push({ weight: 2, arbitrary: patch.map((p) => `wait ${p}`) });
  if (comms.length > 0) {
    const comm = fc.constantFrom(...comms);
    lines.push({ weight: 3, arbitrary: comm.map((c) => `wake ${c}`) });
    lines.push({ weight: 1, arbitrary: comm.map((c) => `kill ${c}`) });
    lines.push({ weight: 1, arbitrary: comm.map((c) => `fork ${c}`) });
  }
  if (cpus > 1) {
    lines.push({ weight: 2, arbitrary: fc.tuple(bit, fc.integer({ min: 0, max: cpus - 1 })).map(([v, c]) => `echo ${v} > /sys/devices/system/cpu/cpu${c}/online`) });
  }
  return fc.oneof(...lines);
}

/** At most `max` fork lines: each forks every task of a group, doubling it. */
function capForks(lines: string[], max: number): string[] {
  let forks = 0;
  return lines.filter((l) => !l.startsWith('fork ') || ++forks <= max);
}

/** A random klpscope/1 scenario: v4.12 or mainline, no immediate, no force. */
export function scenarioArb(o: ScenarioOptions = {}): fc.Arbitrary<ScenarioDoc> {
  const maxTasks = o.maxTasks ?? 50;
  const maxCpus = o.maxCpus ?? 8;
  const maxLines = o.maxLines ?? 8;
  return fc
    .record({
      kernel: fc.constantFrom('v4.12' as const, 'mainline' as const),
      seed: fc.nat({ max: 0xffffffff }),
      cpus: fc.integer({ min: 1, max: maxCpus }),
      nUser: fc.integer({ min: 0, max: 4 }),
      nKthread: fc.integer({ min: 0, max: 2 }),
      nPatches: fc.integer({ min: 1, max: 3 }),
    })
    .chain(({ kernel, seed, cpus, nUser, nKthread, nPatches }) => {
      const perGroup = Math.max(1, Math.floor(maxTasks / Math.max(1, nUser + nKthread)));
      const groups: fc.Arbitrary<TaskGroup>[] = [];
      for (let i = 0; i < nUser; i++) groups.push(userGroup(`u${i}`, perGroup));
      for (let i = 0; i < nKthread; i++) groups.push(kthreadGroup(`k${i}`, perGroup, o.cpuBound ?? true));
      const patches = Array.from({ length: nPatches }, (_, i) => `lp${i}`);
      const comms = groups.map((_, i) => (i < nUser ? `u${i}` : `k${i - nUser}`));
      const offline = cpus > 1 ? fc.subarray(Array.from({ length: cpus - 1 }, (_, i) => i + 1), { maxLength: cpus - 1 }) : fc.constant<number[]>([]);
      const base: fc.Arbitrary<ScenarioDoc> = fc.record({
        format: fc.constant('klpscope/1' as const),
        name: fc.constant('property'),
        kernel: fc.constant(kernel),
        seed: fc.constant(seed),
        machine: offline.map((off) => ({ cpus, offline: off })),
        tasks: groups.length === 0 ? fc.constant<TaskGroup[]>([]) : fc.tuple(...groups),
        modules: fc.tuple(...patches.map((p) => livepatchModule(p, o.patchable ?? PATCHABLE))),
        // Most scripts start by loading a patch, so that most runs see a transition.
        script: fc
          .tuple(
            fc.option(fc.constantFrom(...patches).map((p) => `insmod ${p}.ko`), { freq: 5, nil: undefined }),
            fc.array(scriptLine(patches, comms, cpus, o.waits ?? true), { minLength: 1, maxLength: maxLines }),
          )
          .map(([first, lines]) => capForks(first === undefined ? lines : [first, ...lines], 2)),
      });
      if (kernel !== 'mainline' || o.stage2 === false) return base;
      // mainline: about half the scenarios also use stage 2.
      return fc.tuple(base, fc.option(fc.integer({ min: 1, max: 2 }), { freq: 2, nil: undefined })).chain(([doc, nTargets]) => {
        if (nTargets === undefined) return fc.constant(doc);
        const targets = Array.from({ length: nTargets }, (_, i) => `tm${i}`);
        const livepatches = doc.modules.filter(isLivepatch);
        return fc
          .tuple(
            fc.tuple(...targets.map(targetModule)),
            fc.tuple(...livepatches.map((m) => fc.oneof({ weight: 1, arbitrary: fc.constant(m) }, { weight: 3, arbitrary: stage2Livepatch(m, targets) }))),
          )
          .chain(([t, l]) => {
            const modules: ModuleDoc[] = [...t, ...l];
            return fc.array(fc.tuple(fc.nat({ max: doc.script.length }), stage2Line(modules)), { minLength: 1, maxLength: 4 }).map((extra): ScenarioDoc => {
              const script = [...doc.script];
              for (const [at, line] of extra) script.splice(Math.min(at, script.length), 0, line);
              return { ...doc, name: 'property (stage 2)', modules, script };
            });
          });
      });
    });
}

/** Commands a user may type while the simulation runs (no directives). */
export function actionArb(doc: ScenarioDoc): fc.Arbitrary<string> {
  return scriptLine(
    doc.modules.filter(isLivepatch).map((m) => m.name),
    doc.tasks.map((g) => g.comm),
    doc.machine.cpus,
    false,
  ).filter((l) => !l.startsWith('sleep ') && !l.startsWith('fork '));
}

// ---------------------------------------------------------------- stepping

export interface StepLimits {
  /** Stop once simulated time reaches this (microseconds). */
  readonly untilTime?: number;
  /** Stop before the next step once this holds. */
  readonly until?: () => boolean;
  readonly maxSteps: number;
  /** Called with every event. */
  readonly onEvent?: (e: SimEvent) => void;
}

/**
 * Steps an engine within limits. (Engine.run's own `untilTime` does not stop:
 * see the regression test "run({ untilTime }) stops at the time limit".)
 */
export function stepWithin(engine: Engine, l: StepLimits): number {
  let n = 0;
  while (n < l.maxSteps) {
    if (l.until?.()) break;
    if (l.untilTime !== undefined && engine.now >= l.untilTime) break;
    const e = engine.stepForward();
    if (e === undefined) break;
    n++;
    l.onEvent?.(e);
  }
  return n;
}

// ---------------------------------------------------------------- digests

/** 32-bit FNV-1a, continued from `h`. */
export function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export const eventHash = (e: SimEvent, h?: number): number => fnv1a(JSON.stringify(e), h);

/** A hash of a run of events, in order. */
export function eventsHash(events: readonly SimEvent[]): number {
  let h = 0x811c9dc5;
  for (const e of events) h = eventHash(e, h);
  return h;
}

/**
 * Everything a seek must restore, as plain data copied out of the state
 * (compare with toEqual for a readable diff; keeping one is safe).
 */
export function stateDigest(engine: Engine): ReturnType<typeof liveDigest> {
  return structuredClone(liveDigest(engine));
}

function liveDigest(engine: Engine) {
  const s = engine.state;
  const t = s.tasks;
  const n = t.count;
  const frames: string[] = [];
  for (let id = 0; id < n; id++) {
    const f: number[] = [];
    for (let i = 0; i < t.depth[id]!; i++) f.push(t.stackFn[id * t.depthMax + i]!, t.stackVer[id * t.depthMax + i]!);
    frames.push(f.join(','));
  }
  const rng = s.rng.clone();
  const g = s.klp;
  // Not compared: `kernel.current` (set afresh by every operation).
  return {
    step: engine.step,
    now: s.now,
    violations: s.violations,
    givenUp: s.givenUp,
    nextPid: s.nextPid,
    rng: [rng.int(0, 2 ** 30), rng.int(0, 2 ** 30), rng.int(0, 2 ** 30)],
    klp: {
      targetState: g.targetState,
      transitionPatch: g.transitionPatch,
      signalsCnt: g.signalsCnt,
      patches: g.patches,
      requested: g.requested,
      workAt: g.workAt,
      workGen: g.workGen,
      warned: g.warned,
      funcStack: g.funcStack.map((x) => x ?? null),
      funcs: g.funcs.map((f) => [f.patch, f.oldName, f.patched, f.transition]),
      all: g.all.map((p) => [p.mod, p.enabled, p.forced, p.holdsModuleRef, p.registered, p.objects.map((o) => o.patched)]),
    },
    modules: s.modules,
    shell: { ...s.shell, actions: s.shell.actions.map((a) => a.text) },
    mixReported: [...s.mixReported].sort(),
    forcedTasks: [...s.forcedTasks].sort((a, b) => a - b),
    tasks: {
      count: n,
      live: t.live,
      tifCount: t.tifCount,
      stateCount: [...t.stateCount],
      pid: [...t.pid.subarray(0, n)],
      comm: t.comm.slice(0, n),
      kind: [...t.kind.subarray(0, n)],
      group: [...t.group.subarray(0, n)],
      patchState: [...t.patchState.subarray(0, n)],
      tif: [...t.tif.subarray(0, n)],
      sched: [...t.sched.subarray(0, n)],
      resume: [...t.resume.subarray(0, n)],
      cpu: [...t.cpu.subarray(0, n)],
      remaining: [...t.remaining.subarray(0, n)],
      timerGen: [...t.timerGen.subarray(0, n)],
      syscall: [...t.syscall.subarray(0, n)],
      frames,
    },
    cpus: {
      online: [...s.cpus.online],
      curr: [...s.cpus.curr],
      since: [...s.cpus.since],
      sliceEnd: [...s.cpus.sliceEnd],
      timerGen: [...s.cpus.timerGen],
      runqueue: s.cpus.runqueue,
    },
    timers: { seq: s.timers.seq, heap: s.timers.heap.map((e) => [e.time, e.seq, e.type, e.id, e.gen]) },
    trace: eventsHash(engine.trace.slice(0, engine.step)),
  };
}

/**
 * The task table's incremental counters recomputed from scratch: they must
 * agree with the kept ones (the invariant checks rely on them).
 */
export function recount(engine: Engine): { stateCount: number[]; tifCount: number; live: number } {
  const t = engine.state.tasks;
  const stateCount = [0, 0, 0];
  let tifCount = 0;
  let live = 0;
  for (let id = 0; id < t.count; id++) {
    if (t.sched[id] === Sched.Dead) continue;
    live++;
    stateCount[t.patchState[id]! + 1]!++;
    if (t.tif[id]) tifCount++;
  }
  return { stateCount, tifCount, live };
}

/** Live tasks that are kthreads (scenario kthreads and the kworkers). */
export const isKthread = (kind: number): boolean => kind === TaskKind.Kthread || kind === TaskKind.Kworker;
