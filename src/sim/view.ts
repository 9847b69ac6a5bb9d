// Read-only views of the simulated kernel for the panels: the globals as
// sysfs and transition.c show them, the CPUs, each func stack with how many
// tasks would run each version now, and one task inspected in detail,
// including why it has not switched yet. Pure functions of the state: the UI
// owns no model logic.
import type { Kernel } from './kernel.ts';
import { resolveVersion } from './livepatch/patch.ts';
import { versionModule } from './livepatch/version.ts';
import { stateWordPast, TASK_KIND_NAMES } from './names.ts';
import type { TaskKindName } from './names.ts';
import { klpFrameBlocks, klpSwitchVerdict, offlineIdleSwitchesDirectly, transitionPatch } from './livepatch/transition.ts';
import { idleTask } from './machine/cpus.ts';
import { cpuOf, depthOf, frameFn, frameVer, kindOf, patchStateCounts, runState, RunState, Sched, TaskKind } from './machine/tasks.ts';
import { funcById, patchById } from './livepatch/state.ts';
import { must } from './must.ts';
import { fnName } from './world.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from './types.ts';
import type { KlpState, TaskId } from './types.ts';
import { enNumber } from './format.ts';

export interface PatchView {
  readonly mod: string;
  readonly enabled: boolean;
  readonly transition: boolean;
  readonly immediate: boolean;
  readonly forced: boolean;
  /** Its sysfs directory exists. */
  readonly registered: boolean;
  readonly loaded: boolean;
  readonly funcs: readonly string[];
}

export interface GlobalsView {
  readonly variant: string;
  readonly targetState: KlpState;
  readonly transitionPatch: string | null;
  /** When klp_transition_work next fires, in µs; null when not armed. */
  readonly nextRetry: number | null;
  readonly signalsCnt: number;
  readonly patches: readonly PatchView[];
  /** Modules the scenario can load, and whether they are loaded. */
  readonly modules: readonly { readonly name: string; readonly loaded: boolean; readonly livepatch: boolean }[];
  readonly counts: { readonly undefined: number; readonly unpatched: number; readonly patched: number; readonly pending: number; readonly live: number };
  readonly violations: number;
  readonly givenUp: number;
}

export function globalsView(k: Kernel): GlobalsView {
  const g = k.klp;
  const tp = transitionPatch(k);
  return {
    variant: k.variant,
    targetState: g.targetState,
    transitionPatch: tp?.mod ?? null,
    nextRetry: g.workAt < 0 ? null : g.workAt,
    signalsCnt: g.signalsCnt,
    patches: g.all
      .filter((p) => p.registered || p.id === g.transitionPatch || k.module(p.mod)?.patch === p.id)
      .map((p) => ({
        mod: p.mod,
        enabled: p.enabled,
        transition: p.id === g.transitionPatch,
        immediate: p.immediate,
        forced: p.forced,
        registered: p.registered,
        loaded: k.loaded(p.mod),
        funcs: p.objects.flatMap((o) => o.funcs.map((id) => funcById(g, id).oldName)),
      })),
    modules: k.world.modules.map((m, i) => ({ name: m.name, loaded: k.moduleAt(i).loaded, livepatch: m.livepatch !== undefined })),
    counts: { ...patchStateCounts(k.tasks), pending: k.tasks.tifCount, live: k.tasks.live },
    violations: k.s.violations,
    givenUp: k.s.givenUp,
  };
}

export interface CpuView {
  readonly cpu: number;
  readonly online: boolean;
  /** The task on the CPU, or null when it runs its idle task. */
  readonly curr: { readonly task: number; readonly name: string; readonly patchState: KlpState; readonly pending: boolean } | null;
  readonly idle: { readonly task: number; readonly name: string; readonly patchState: KlpState; readonly pending: boolean; readonly running: boolean };
  readonly queued: number;
}

export function cpusView(k: Kernel): CpuView[] {
  const { cpus, tasks } = k;
  const out: CpuView[] = [];
  for (let cpu = 0; cpu < cpus.count; cpu++) {
    const idle = idleTask(cpu);
    const c = cpus.curr[cpu] as TaskId;
    const online = cpus.online[cpu] === 1;
    out.push({
      cpu,
      online,
      curr: online && c !== idle ? { task: c, name: k.name(c), patchState: tasks.patchState[c] as KlpState, pending: tasks.tif[c] === 1 } : null,
      idle: { task: idle, name: k.name(idle), patchState: tasks.patchState[idle] as KlpState, pending: tasks.tif[idle] === 1, running: online && c === idle },
      queued: must(cpus.runqueue[cpu], 'run queue of CPU', cpu).length,
    });
  }
  return out;
}

export interface VersionView {
  /** The patch whose new function this is; null for the original. */
  readonly patch: string | null;
  readonly patched: boolean;
  readonly transition: boolean;
  readonly immediate: boolean;
  /** Live tasks that would run this version if they called the function now. */
  readonly tasks: number;
}

export interface FuncStackView {
  readonly fn: string;
  /** Top (what most calls reach) first; the original last. */
  readonly versions: readonly VersionView[];
}

export function funcStacksView(k: Kernel): FuncStackView[] {
  const g = k.klp;
  const tasks = k.tasks;
  const out: FuncStackView[] = [];
  g.funcStack.forEach((stack, fn) => {
    if (stack === undefined) return;
    const counts = new Map<number, number>();
    for (let t = 0 as TaskId; t < tasks.count; t++) {
      if (tasks.sched[t] === Sched.Dead) continue;
      const v = resolveVersion(k, t, fn);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const versions: VersionView[] = stack.map((id) => {
      const f = funcById(g, id);
      const p = patchById(g, f.patch);
      return { patch: p.mod, patched: f.patched, transition: f.transition, immediate: f.immediate || p.immediate, tasks: counts.get(id + 1) ?? 0 };
    });
    versions.push({ patch: null, patched: false, transition: false, immediate: false, tasks: counts.get(0) ?? 0 });
    out.push({ fn: fnName(k.world, fn), versions });
  });
  return out;
}

export interface FrameView {
  readonly fn: string;
  /** `original` or the patch whose new function runs in this frame. */
  readonly version: string;
  /** A version the transition in progress retires: the task cannot switch while inside it. */
  readonly blocking: boolean;
}

export interface TaskView {
  readonly task: number;
  readonly pid: number;
  readonly comm: string;
  readonly kind: TaskKindName;
  readonly cpu: number;
  readonly run: RunState;
  readonly patchState: KlpState;
  readonly pending: boolean;
  /** Innermost last. */
  readonly frames: readonly FrameView[];
  /** Why it has not switched yet, or where it stands, in words. */
  readonly why: string;
}

/**
 * How the task came by its patch_state in the transition in progress, read
 * from its switch history (the records the inspector lists): its last switch
 * since klp_init_transition, else whether klp_reverse_transition has turned
 * the target round since. With no history given, nothing is claimed.
 */
export interface Arrival {
  /** The task's last switch after the transition's klp_init_transition, if any. */
  readonly switched: { readonly step: number; readonly to: number; readonly fn: string } | null;
  /** The step of a klp_reverse_transition after that klp_init_transition, if any. */
  readonly reversedAt: number | null;
}

export function taskView(k: Kernel, t: TaskId, arrival?: Arrival): TaskView | undefined {
  const tasks = k.tasks;
  if (t < 0 || t >= tasks.count) return undefined;
  const tp = transitionPatch(k);
  // Frames are flagged by the same per-frame test klp_check_stack applies.
  const checked = tp !== undefined && !(k.variant !== 'mainline' && tp.immediate);
  const frames: FrameView[] = [];
  for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) {
    const fn = frameFn(tasks, t, i);
    const ver = frameVer(tasks, t, i);
    const blocking = checked && tasks.patchState[t] !== k.klp.targetState && klpFrameBlocks(k, tp, fn, ver) !== undefined;
    frames.push({ fn: fnName(k.world, fn), version: versionModule(k.klp, ver) ?? 'original', blocking });
  }
  const cpu = cpuOf(tasks, t);
  const onCpu = k.cpus.online[cpu] === 1 && k.cpus.curr[cpu] === t;
  return {
    task: t,
    pid: k.pid(t),
    comm: k.comm(t),
    kind: TASK_KIND_NAMES[kindOf(tasks, t)],
    cpu,
    run: runState(tasks, t, onCpu),
    patchState: tasks.patchState[t] as KlpState,
    pending: tasks.tif[t] === 1,
    frames,
    why: explainTask(k, t, frames, arrival),
  };
}

const stateName = (s: KlpState): string => (s === KLP_UNDEFINED ? 'KLP_UNDEFINED' : s === KLP_PATCHED ? 'patched' : 'unpatched');

/** Why task `t` has not switched yet, in the words a reader of transition.c would use. */
export function explainTask(k: Kernel, t: TaskId, frames: readonly FrameView[], arrival?: Arrival): string {
  const tasks = k.tasks;
  const tp = transitionPatch(k);
  const name = k.name(t);
  if (tasks.sched[t] === Sched.Dead) return `${name} has exited.`;
  if (tp === undefined) return `No transition is in progress: ${name}'s patch_state is ${stateName(tasks.patchState[t] as KlpState)}.`;
  const T = k.klp.targetState;
  if (k.variant !== 'mainline' && tp.immediate) return `'${tp.mod}' is immediate: there is no per-task transition.`;
  if (tasks.patchState[t] === T) return atTarget(name, T, arrival);
  if (tasks.kind[t] === TaskKind.Idle && !k.cpus.online[cpuOf(tasks, t)]) {
    return offlineIdleSwitchesDirectly(k)
      ? `CPU ${tasks.cpu[t]} is offline: the next pass switches its idle task directly.`
      : `CPU ${tasks.cpu[t]} is offline, and the RFC's passes walk only online CPUs: nothing checks or switches its idle task until the CPU comes back.`;
  }
  const stays = stateWordPast(klpNotState(T));
  // The verdict klp_try_switch_task itself would reach now.
  const verdict = klpSwitchVerdict(k, t);
  const other = tasks.kind[t] === TaskKind.User ? 'its next return to user space' : tasks.kind[t] === TaskKind.Idle ? 'its CPU going round the idle loop' : 'force';
  const inUser = runState(tasks, t, false) === RunState.User;
  switch (verdict.kind) {
    case 'switched':
      return atTarget(name, T, arrival);
    case 'no-reliable-unwinder':
      return `The architecture has no reliable stack unwinder, so klp_try_switch_task never checks ${name}'s stack; only ${other} can switch it.`;
    case 'unreliable':
      return `${name}'s stack cannot be walked reliably, so no stack check can switch it; only a return to user space${tasks.kind[t] === TaskKind.Kthread ? ' (which a kthread never makes)' : ''} or force can.`;
    case 'running': {
      if (inUser) return `${name} is in user space, running on CPU ${tasks.cpu[t]}: a running task cannot be checked; it switches on its next return to user space, in klp_update_patch_state.`;
      const way = tasks.kind[t] === TaskKind.Idle ? 'it switches when its CPU goes round the idle loop' : tasks.kind[t] === TaskKind.User ? 'it switches on its way back to user space, or at a later check' : 'a later check may catch it asleep';
      return `${name} is running on CPU ${tasks.cpu[t]} and cannot be checked; ${way}.`;
    }
    case 'sleeping': {
      const blocking = frames.find((f) => f.blocking);
      const where = blocking === undefined ? verdict.fn : `${blocking.version === 'original' ? 'the original' : `${blocking.version}'s`} ${blocking.fn}`;
      return `${name} is ${tasks.sched[t] === Sched.Sleeping ? 'asleep' : 'stopped'} in ${where}, which this transition retires, so it stays ${stays} for now.`;
    }
    case 'switchable':
      if (tasks.depth[t] === 0) return `${name} is in user space: it switches at the next stack check or its next return from the kernel.`;
      return `${name} is not inside anything the transition retires: the next stack check switches it.`;
  }
}

/**
 * The task is in the target state: how it got there, as its switch history
 * says. "Has switched" only with the switch that did it; without one, the
 * target came to it (a reversal) or it started there (a child forked after a
 * parent that had switched).
 */
function atTarget(name: string, T: KlpState, arrival: Arrival | undefined): string {
  const state = stateWordPast(T);
  const s = arrival?.switched;
  if (arrival === undefined) return `${name} is ${state}, the target state.`;
  if (s !== null && s !== undefined && s.to === T) return `${name} has switched to ${state}, at step ${enNumber(s.step)} in ${s.fn}.`;
  if (arrival.reversedAt !== null) return `${name} has not switched: klp_reverse_transition at step ${enNumber(arrival.reversedAt)} turned the target round to ${state}, the state it was still in.`;
  return `${name} has not switched in this transition: it is ${state} already, the target state (a task forked during a transition copies its parent's patch_state).`;
}

const klpNotState = (s: KlpState): KlpState => (s === KLP_PATCHED ? KLP_UNPATCHED : KLP_PATCHED);
