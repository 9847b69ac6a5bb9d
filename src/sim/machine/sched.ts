// The machine around the livepatch core: a simple seeded scheduler (one task
// per online CPU, FIFO run queues, 4 ms slices, woken tasks first), the
// workload of user tasks and kthreads, system calls through the ftrace
// handler, the idle loop, fork, exit and CPU hotplug. It calls into the
// livepatch core exactly where the kernel does: klp_update_patch_state on the
// way back to user space and at the end of do_idle(), klp_copy_process in
// fork.
import type { KGen, Kernel } from '../kernel.ts';
import { checkCall } from '../invariants.ts';
import { klpFtraceHandler } from '../livepatch/patch.ts';
import { funcOfVersion, versionModule } from '../livepatch/version.ts';
import type { FuncVersion } from '../livepatch/version.ts';
import { klpCopyProcess, klpTryCompleteTransition, klpUpdatePatchState, roundJiffiesRelative } from '../livepatch/transition.ts';
import { EAGAIN } from '../errno.ts';
import { usec } from '../types.ts';
import type { CpuId, KlpState, SimEvent, SimTime, TaskId } from '../types.ts';
import { NO_ARGS } from '../events.ts';
import type { MsRange } from '../scenario/types.ts';
import { bumpCpuTimer, idleTask, SLICE_US } from './cpus.ts';
import { arm, Timer } from './queue.ts';
import { addTask, bumpTaskTimer, cpuOf, depthOf, frameFn, frameVer, groupOf, markDead, popFrames, pushFrame, Resume, Sched, TaskKind } from './tasks.ts';
import { patchById } from '../livepatch/state.ts';
import { must } from '../must.ts';

/** A duration drawn from a range of milliseconds, in µs: when a sleeper wakes, or how long a task stays in user space. */
const randMs = (k: Kernel, r: MsRange, kind: 'wake' | 'user'): number => k.s.rng.choose(kind, Math.round(r[0] * 1000), Math.round(r[1] * 1000));
/** A kworker sleeps between its work items for 10 ms to 0.5 s (µs). */
const KWORKER_SLEEP_MIN_US = 10_000;
const KWORKER_SLEEP_MAX_US = 500_000;
/** How long a kworker sleeps between its work items. */
const kworkerSleep = (k: Kernel): number => k.s.rng.choose('wake', KWORKER_SLEEP_MIN_US, KWORKER_SLEEP_MAX_US);
/** The phase of the tick: when it ends the slice of a task that just got its CPU (a full slice unless the search says otherwise). */
const tickPhase = (k: Kernel): number => k.s.rng.choose('tick', TICK_US, SLICE_US, SLICE_US);
/** One tick at HZ=1000: the earliest a slice can end. */
const TICK_US = 1000;
/** How far down its run queue the choice of the next task looks. */
const PICK_WINDOW = 4;

/** The shell is pid 1, task right after the idle tasks; kworker/N:1 follow. */
export const shellTask = (k: Kernel): TaskId => k.cpus.count as TaskId;
export const kworker = (k: Kernel, cpu: CpuId): TaskId => (k.cpus.count + 1 + cpu) as TaskId;

/** Whether `t` is on a CPU and is not `current`: its stack cannot be checked. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every task of every pass): t is a row of the task table, its cpu one of the machine's */
export function isRunningElsewhere(k: Kernel, t: TaskId): boolean {
  if (t === k.current) return false;
  const cpu = k.tasks.cpu[t]!;
  if (k.cpus.online[cpu] !== 1 || k.cpus.curr[cpu] !== t) return false;
  // The shell runs its commands on its own CPU, so whatever that CPU was
  // running (its idle task, say) is not running meanwhile.
  const sh = shellTask(k);
  return !(k.current === sh && cpu === k.tasks.cpu[sh]);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

// ---------------------------------------------------------------- boot

export function boot(k: Kernel): void {
  const { tasks, cpus } = k;
  const sc = k.world.scenario;
  for (let cpu = 0; cpu < cpus.count; cpu++) {
    const idle = addTask(tasks, { pid: 0, comm: `swapper/${cpu}`, kind: TaskKind.Idle, group: -1, cpu, sched: Sched.Running, resume: Resume.None });
    cpus.online[cpu] = sc.machine.offline.includes(cpu) ? 0 : 1;
    // An offline CPU's idle task has no stack to speak of: it starts afresh when the CPU comes up.
    if (cpus.online[cpu]) pushFrame(tasks, idle, k.world.fn.doIdle, 0);
    cpus.curr[cpu] = idle;
  }
  const sh = addTask(tasks, { pid: k.s.nextPid++, comm: 'sh', kind: TaskKind.Shell, group: -1, cpu: 0, sched: Sched.Runnable, resume: Resume.None });
  void sh;
  for (let cpu = 0; cpu < cpus.count; cpu++) {
    const w = addTask(tasks, { pid: k.s.nextPid++, comm: `kworker/${cpu}:1`, kind: TaskKind.Kworker, group: -1, cpu, sched: Sched.Sleeping, resume: Resume.KthreadWake });
    pushFrame(tasks, w, k.world.fn.kthread, 0);
    pushFrame(tasks, w, k.world.fn.workerThread, 0);
    if (cpus.online[cpu]) sleepFor(k, w, kworkerSleep(k));
  }
  const online = onlineCpus(k);
  let next = 0;
  k.world.groups.forEach((g, gi) => {
    const spec = g.spec;
    for (let i = 0; i < spec.count; i++) {
      const cpu = must(online[next++ % online.length], 'online CPU');
      if (spec.kind === 'kthread') {
        const t = addTask(tasks, { pid: k.s.nextPid++, comm: spec.comm, kind: TaskKind.Kthread, group: gi, cpu, sched: Sched.Sleeping, resume: spec.cpuBound ? Resume.KthreadBusy : Resume.KthreadWake });
        for (const fn of g.loop) pushFrame(tasks, t, fn, 0);
        if (spec.cpuBound) enqueue(k, t, false);
        else if (spec.sleepMs !== 'forever') sleepFor(k, t, randMs(k, spec.sleepMs, 'wake'));
      } else {
        const t = addTask(tasks, { pid: k.s.nextPid++, comm: spec.comm, kind: TaskKind.User, group: gi, cpu, sched: Sched.Sleeping, resume: Resume.UserBurst });
        if (g.blockedChain.length > 0) {
          for (const fn of g.blockedChain) pushFrame(tasks, t, fn, 0);
          tasks.resume[t] = Resume.FinishSyscall;
          tasks.syscall[t] = -1;
        } else {
          tasks.remaining[t] = randMs(k, spec.userMs, 'user');
          enqueue(k, t, false);
        }
      }
    }
  });
  for (const cpu of online) pickNext(k, cpu);
}

export function onlineCpus(k: Kernel): CpuId[] {
  const out: CpuId[] = [];
  for (let c = 0; c < k.cpus.count; c++) if (k.cpus.online[c]) out.push(c);
  return out;
}

// ---------------------------------------------------------------- scheduler

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot: t is a row of the task table; its cpu, or the online CPU it moves to, has a run queue */
function enqueue(k: Kernel, t: TaskId, front: boolean): void {
  const { tasks, cpus } = k;
  let cpu = tasks.cpu[t]!;
  if (!cpus.online[cpu]) {
    const online = onlineCpus(k);
    cpu = must(online[t % online.length], 'online CPU');
    tasks.cpu[t] = cpu;
  }
  tasks.sched[t] = Sched.Runnable;
  if (front) cpus.runqueue[cpu]!.unshift(t);
  else cpus.runqueue[cpu]!.push(t);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** A queued task still waits for this CPU (a woken or migrated task leaves a stale entry behind). */
const waitingOn = (tasks: Kernel['tasks'], t: TaskId, cpu: CpuId): boolean => tasks.sched[t] === Sched.Runnable && tasks.cpu[t] === cpu;

/**
 * Gives the CPU to a runnable task (by default the first in its queue; one
 * of the first few is a choice), or to its idle task.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every slice): cpu is one of the machine's; q[i] stays below q.length, and the j-th waiting entry exists because n counted it */
function pickNext(k: Kernel, cpu: CpuId): void {
  const { tasks, cpus } = k;
  const q = cpus.runqueue[cpu]!;
  bumpCpuTimer(cpus, cpu);
  while (q.length > 0 && !waitingOn(tasks, q[0]!, cpu)) q.shift();
  let t: TaskId | undefined;
  if (q.length > 0) {
    let n = 1;
    for (let i = 1; i < q.length && i < 4 * PICK_WINDOW && n < PICK_WINDOW; i++) if (waitingOn(tasks, q[i]!, cpu)) n++;
    let j = k.s.rng.choose('pick', 0, n - 1, 0);
    let at = 0;
    while (j > 0) if (waitingOn(tasks, q[++at]!, cpu)) j--;
    t = q[at];
    q.splice(at, 1);
  }
  const wasIdle = cpus.curr[cpu] === idleTask(cpu);
  if (t === undefined) {
    cpus.curr[cpu] = idleTask(cpu);
    cpus.since[cpu] = k.now;
    // The idle task comes back from schedule_idle() and finishes do_idle(),
    // where a pending patch state is taken.
    if (!wasIdle && tasks.tif[idleTask(cpu)]) arm(k.s.timers, k.now, Timer.IdleEnter, cpu, cpus.timerGen[cpu]!);
    return;
  }
  cpus.curr[cpu] = t;
  tasks.sched[t] = Sched.Running;
  cpus.since[cpu] = k.now;
  cpus.sliceEnd[cpu] = k.now + tickPhase(k);
  armCpu(k, cpu);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot: cpu is one of the machine's, and its curr a row of the task table */
function armCpu(k: Kernel, cpu: CpuId): void {
  const { tasks, cpus } = k;
  const t = cpus.curr[cpu] as TaskId;
  let at = cpus.sliceEnd[cpu]!;
  const r = tasks.resume[t];
  if (r === Resume.UserBurst) at = Math.min(at, cpus.since[cpu]! + tasks.remaining[t]!);
  else if (r !== Resume.KthreadBusy) at = k.now;
  arm(k.s.timers, usec(at), Timer.Cpu, cpu, cpus.timerGen[cpu]!);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

function sleepFor(k: Kernel, t: TaskId, us: number | 'forever'): void {
  const tasks = k.tasks;
  tasks.sched[t] = Sched.Sleeping;
  const gen = bumpTaskTimer(tasks, t);
  if (us !== 'forever') arm(k.s.timers, usec(k.now + us), Timer.TaskWake, t, gen);
}

/** Takes `t` off its CPU to sleep; the CPU runs the next task. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot: t is a row of the task table, its cpu one of the machine's */
function blockOnCpu(k: Kernel, t: TaskId, us: number | 'forever'): void {
  const cpu = k.tasks.cpu[t]!;
  sleepFor(k, t, us);
  if (k.cpus.curr[cpu] === t) pickNext(k, cpu);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** wake_up_process: runnable at the head of its CPU's queue; an idle CPU runs it at once. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot: t is a row of the task table, its cpu one of the machine's */
export function wakeUpProcess(k: Kernel, t: TaskId): boolean {
  const tasks = k.tasks;
  if (tasks.sched[t] !== Sched.Sleeping) return false;
  bumpTaskTimer(tasks, t);
  if (tasks.kind[t] === TaskKind.Shell) return false;
  enqueue(k, t, true);
  const cpu = tasks.cpu[t]!;
  if (k.cpus.curr[cpu] === idleTask(cpu)) pickNext(k, cpu);
  return true;
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

// ---------------------------------------------------------------- calls

/**
 * Calls `fn` in task `t` through the ftrace handler. False if the function
 * does not exist (its module is not loaded), or if the version the handler
 * picked is in a module that is gone: an oops.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every call): fn is a world function id, and every one has an object */
export function callFunction(k: Kernel, t: TaskId, fn: number): boolean {
  if (!k.loaded(k.world.fnObject[fn]!)) return false;
  const ver = klpFtraceHandler(k, t, fn);
  const module = codeModule(k, fn, ver);
  const gone = !k.loaded(module);
  if (k.klp.funcStack[fn] !== undefined || gone) checkCall(k, t, fn, ver, gone ? module : undefined);
  if (gone) return false;
  pushFrame(k.tasks, t, fn, ver);
  return true;
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

export function codeModule(k: Kernel, fn: number, ver: FuncVersion): string {
  return versionModule(k.klp, ver) ?? must(k.world.fnObject[fn], 'object of function', fn);
}

/** Calls a chain of functions; unwinds and returns false if one is not loaded. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every system call): t is a row of the task table; from <= i < to <= chain.length */
export function callChain(k: Kernel, t: TaskId, chain: readonly number[], from = 0, to = chain.length): boolean {
  const base = k.tasks.depth[t]! - from;
  for (let i = from; i < to; i++) {
    if (!callFunction(k, t, chain[i]!)) {
      popFrames(k.tasks, t, base);
      return false;
    }
  }
  return true;
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** The version that ran in the innermost frame, as the text a file read would show. */
export function outputOfTop(k: Kernel, t: TaskId): string | undefined {
  const tasks = k.tasks;
  const i = depthOf(tasks, t) - 1;
  if (i < 0) return undefined;
  const fn = frameFn(tasks, t, i);
  const ver = frameVer(tasks, t, i);
  const f = funcOfVersion(k.klp, ver);
  if (f === undefined) return k.world.fnOutput[fn];
  return f.output === undefined ? undefined : `${patchById(k.klp, f.patch).mod}: ${f.output}`;
}

/** Return to user space: the exit-to-user work takes a pending patch state. */
export function exitToUser(k: Kernel, t: TaskId): boolean {
  popFrames(k.tasks, t, 0);
  return klpUpdatePatchState(k, t);
}

/** The patch state a task has just switched to. */
const stateOf = (k: Kernel, t: TaskId): KlpState => k.tasks.patchState[t] as KlpState;

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot: t is a row of the task table (group -1 reads no group, which ?. handles) */
function startBurst(k: Kernel, t: TaskId): void {
  const spec = k.world.groups[k.tasks.group[t]!]?.spec;
  k.tasks.remaining[t] = spec ? randMs(k, spec.userMs, 'user') : 1000;
  k.tasks.resume[t] = Resume.UserBurst;
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

// ---------------------------------------------------------------- timer handlers

/** The CPU's current task ends its burst or its slice. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every timer): cpu is one of the machine's and its curr a row of the task table; syscall >= 0 is a world system call */
export function* cpuTimer(k: Kernel, cpu: CpuId): KGen {
  const { tasks, cpus } = k;
  const t = cpus.curr[cpu] as TaskId;
  k.current = t;
  const ran = k.now - cpus.since[cpu]!;
  cpus.since[cpu] = k.now;
  switch (tasks.resume[t]) {
    case Resume.UserBurst: {
      tasks.remaining[t]! -= ran;
      if (tasks.remaining[t]! > 0) {
        // The tick interrupted user space; the return from the interrupt
        // is an exit to user mode, where a pending patch state is taken.
        const sw = klpUpdatePatchState(k, t);
        yield preempt(k, cpu, t, sw);
        return;
      }
      yield doSyscall(k, t, cpu);
      return;
    }
    case Resume.FinishSyscall: {
      const sc = tasks.syscall[t]! >= 0 ? k.world.syscalls[tasks.syscall[t]!] : undefined;
      if (sc) callChain(k, t, sc.chain, sc.sleepAt + 1);
      const sw = exitToUser(k, t);
      startBurst(k, t);
      armCpu(k, cpu);
      const syscall = tasks.syscall[t]!;
      yield sw ? k.emit('syscall-wake-return-switch', { syscall, to: stateOf(k, t) }, { task: t, cpu }) : k.emit('syscall-wake-return', { syscall }, { task: t, cpu });
      return;
    }
    case Resume.RetFromFork: {
      const sw = exitToUser(k, t);
      startBurst(k, t);
      armCpu(k, cpu);
      yield sw ? k.emit('fork-return-switch', { to: stateOf(k, t) }, { task: t, cpu }) : k.emit('fork-return', NO_ARGS, { task: t, cpu });
      return;
    }
    case Resume.KthreadWake: {
      kthreadCalls(k, t);
      const spec = k.world.groups[tasks.group[t]!]?.spec;
      const us = spec ? (spec.sleepMs === 'forever' ? 'forever' : randMs(k, spec.sleepMs, 'wake')) : kworkerSleep(k);
      blockOnCpu(k, t, us);
      yield k.emit('kthread-loop', { sleepUs: us === 'forever' ? -1 : us }, { task: t, cpu });
      return;
    }
    case Resume.KthreadBusy: {
      kthreadCalls(k, t);
      // From v6.4 until 2025 cond_resched() let a CPU-bound kthread check its
      // own stack. "sched,livepatch: Untangle cond_resched() and
      // live-patching" moved the hook into __schedule(), for tasks that go to
      // sleep TASK_FREEZABLE: a kthread that is only ever preempted (it stays
      // TASK_RUNNING) gets no self-check any more; a pass that finds it
      // waiting in its run queue switches it.
      yield preempt(k, cpu, t);
      return;
    }
    case Resume.TransitionWork: {
      tasks.resume[t] = Resume.KthreadWake;
      if (k.klp.transitionPatch < 0) {
        blockOnCpu(k, t, kworkerSleep(k));
        yield k.emit('work-idle', NO_ARGS, { task: t, cpu });
        return;
      }
      yield k.emit('work-run', NO_ARGS, { task: t, cpu });
      k.current = t;
      yield* klpTryCompleteTransition(k);
      blockOnCpu(k, t, kworkerSleep(k));
      yield k.emit('work-done', { next: k.ref(cpus.curr[cpu] as TaskId) }, { task: t, cpu });
      return;
    }
    default:
      pickNext(k, cpu);
  }
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot: t is a row of the task table (group -1 reads no group) */
function kthreadCalls(k: Kernel, t: TaskId): void {
  const g = k.world.groups[k.tasks.group[t]!];
  if (!g) return;
  for (const fn of g.calls) {
    const depth = k.tasks.depth[t]!;
    if (callFunction(k, t, fn)) popFrames(k.tasks, t, depth);
  }
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** The end of a time slice: the task goes to the back of the queue if others wait. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every slice): cpu is one of the machine's */
function preempt(k: Kernel, cpu: CpuId, t: TaskId, switched = false): SimEvent {
  const { cpus } = k;
  const o = { task: t, cpu };
  if (cpus.runqueue[cpu]!.length === 0) {
    cpus.sliceEnd[cpu] = k.now + tickPhase(k);
    bumpCpuTimer(cpus, cpu);
    armCpu(k, cpu);
    return switched ? k.emit('slice-kept-switch', { to: stateOf(k, t) }, o) : k.emit('slice-kept', NO_ARGS, o);
  }
  enqueue(k, t, false);
  pickNext(k, cpu);
  const next = cpus.curr[cpu] as TaskId;
  return switched ? k.emit('slice-end-switch', { next: k.ref(next), to: stateOf(k, t) }, o) : k.emit('slice-end', { next: k.ref(next) }, o);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every system call): t is a row of the task table; the pick is within calls, which hold world system call indices */
function doSyscall(k: Kernel, t: TaskId, cpu: CpuId): SimEvent {
  const tasks = k.tasks;
  // Children of the shell have no group: they call getpid.
  const calls = k.world.groups[tasks.group[t]!]?.syscalls ?? [0];
  const idx = calls[k.s.rng.choose('syscall', 0, calls.length - 1)]!;
  const sc = k.world.syscalls[idx]!;
  const until = sc.sleepAt >= 0 ? sc.sleepAt + 1 : sc.chain.length;
  const entered = callChain(k, t, sc.chain, 0, until);
  if (entered && sc.sleepAt >= 0) {
    tasks.syscall[t] = idx;
    tasks.resume[t] = Resume.FinishSyscall;
    const us = sc.sleepMs === 'forever' ? 'forever' : randMs(k, sc.sleepMs, 'wake');
    blockOnCpu(k, t, us);
    return k.emit('syscall-sleep', { syscall: idx, sleepUs: us === 'forever' ? -1 : us }, { task: t, cpu });
  }
  const sw = exitToUser(k, t);
  startBurst(k, t);
  armCpu(k, cpu);
  return sw ? k.emit('syscall-return-switch', { syscall: idx, to: stateOf(k, t) }, { task: t, cpu }) : k.emit('syscall-return', { syscall: idx }, { task: t, cpu });
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** A sleeping task's timeout expires. */
export function* taskWake(k: Kernel, t: TaskId): KGen {
  if (!wakeUpProcess(k, t)) return;
  yield k.emit('wakeup', NO_ARGS, { task: t, cpu: k.tasks.cpu[t] });
}

/** do_idle(): back from schedule_idle(), the idle task takes a pending patch state. */
export function* idleEnter(k: Kernel, cpu: CpuId, kicked: boolean): KGen {
  const idle = idleTask(cpu);
  if (!k.cpus.online[cpu] || k.cpus.curr[cpu] !== idle || !k.tasks.tif[idle]) return;
  k.current = idle;
  // The tail of do_idle(): nothing of this call is left to run, so the switch
  // cannot mix versions; the loop's next do_idle() goes through the ftrace
  // handler with the new state.
  popFrames(k.tasks, idle, 0);
  klpUpdatePatchState(k, idle);
  callFunction(k, idle, k.world.fn.doIdle);
  yield k.emit('idle-switch', { kicked, to: stateOf(k, idle) }, { task: idle, cpu });
}

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every pass): cpu is one of the machine's */
export function kickIdle(k: Kernel, cpu: CpuId): void {
  arm(k.s.timers, k.now, Timer.IdleKick, cpu, k.cpus.timerGen[cpu]!);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** schedule_delayed_work(&klp_transition_work, round_jiffies_relative(HZ)). */
export function armTransitionWork(k: Kernel): SimTime {
  const at = usec(roundJiffiesRelative(k.now));
  k.klp.workAt = at;
  k.klp.workGen++;
  arm(k.s.timers, at, Timer.TransitionWork, 0, k.klp.workGen);
  return at;
}

/** The delayed work's timer: queue the work on kworker/0:1 and wake it. */
export function* transitionWorkTimer(k: Kernel): KGen {
  k.klp.workAt = -1;
  if (k.klp.transitionPatch < 0) return;
  const w = kworker(k, 0);
  const tasks = k.tasks;
  tasks.resume[w] = Resume.TransitionWork;
  if (tasks.sched[w] === Sched.Sleeping) wakeUpProcess(k, w);
  yield k.emit('work-queued', NO_ARGS, { task: w, cpu: 0 });
}

/** klp_send_signals' per-task part: wake a kthread, or send a user task a fake signal. */
export function signalTask(k: Kernel, t: TaskId): void {
  // A sleeping task is woken (its sleep is interruptible); one that is
  // running or runnable leaves the kernel soon anyway.
  if (k.tasks.kind[t] === TaskKind.Shell) return;
  wakeUpProcess(k, t);
}

// ---------------------------------------------------------------- fork, exit, hotplug

/** copy_process(): the child's id, or -EAGAIN once the run has pidMax tasks (limits.ts PID_MAX) (the task table is full). */
export function forkTask(k: Kernel, parent: TaskId): TaskId | -11 {
  const tasks = k.tasks;
  if (tasks.count >= k.pidMax) return -EAGAIN as -11;
  const kind = tasks.kind[parent] === TaskKind.Shell ? TaskKind.User : (tasks.kind[parent] as TaskKind);
  const child = addTask(tasks, { pid: k.s.nextPid++, comm: k.comm(parent), kind, group: groupOf(tasks, parent), cpu: cpuOf(tasks, parent), sched: Sched.Sleeping, resume: Resume.RetFromFork });
  klpCopyProcess(k, child, parent);
  if (kind === TaskKind.Kthread || kind === TaskKind.Kworker) {
    for (let i = 0, depth = depthOf(tasks, parent); i < depth; i++) pushFrame(tasks, child, frameFn(tasks, parent, i), frameVer(tasks, parent, i));
    tasks.resume[child] = Resume.KthreadWake;
  }
  enqueue(k, child, false);
  const cpu = cpuOf(tasks, child);
  if (k.cpus.curr[cpu] === idleTask(cpu)) pickNext(k, cpu);
  return child;
}

export function killTask(k: Kernel, t: TaskId): void {
  const { tasks, cpus } = k;
  const cpu = cpuOf(tasks, t);
  markDead(tasks, t);
  bumpTaskTimer(tasks, t);
  if (cpus.curr[cpu] === t) pickNext(k, cpu);
}

export function setCpuOnline(k: Kernel, cpu: CpuId, online: boolean): void {
  const { tasks, cpus } = k;
  if (!online) {
    cpus.online[cpu] = 0;
    // The idle task parks in the dead loop; a CPU that comes back starts a new stack.
    popFrames(tasks, idleTask(cpu), 0);
    const curr = cpus.curr[cpu] as TaskId;
    const moving = must(cpus.runqueue[cpu], 'run queue of CPU', cpu).splice(0);
    bumpCpuTimer(cpus, cpu);
    cpus.curr[cpu] = idleTask(cpu);
    if (curr !== idleTask(cpu)) moving.unshift(curr);
    for (const t of moving) if (tasks.sched[t] !== Sched.Dead) enqueue(k, t, false);
    for (const c of onlineCpus(k)) if (cpus.curr[c] === idleTask(c)) pickNext(k, c);
    return;
  }
  cpus.online[cpu] = 1;
  cpus.curr[cpu] = idleTask(cpu);
  callFunction(k, idleTask(cpu), k.world.fn.doIdle);
  cpus.since[cpu] = k.now;
  // A CPU coming up starts in its idle loop, where a pending state is taken.
  const gen = bumpCpuTimer(cpus, cpu);
  if (tasks.tif[idleTask(cpu)]) arm(k.s.timers, k.now, Timer.IdleEnter, cpu, gen);
  const w = kworker(k, cpu);
  if (tasks.sched[w] === Sched.Sleeping && tasks.resume[w] === Resume.KthreadWake) sleepFor(k, w, kworkerSleep(k));
}
export { blockOnCpu, pickNext, sleepFor };
