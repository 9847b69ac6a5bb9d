// kernel/livepatch/transition.c, modelled function by function.
//
// One code base serves three kernels: `rfc-v2` (the 2016 RFC as posted, with
// the klp_target_state bug its review found), `v4.12` (the merged model, with
// `immediate`), `mainline` (signals, force, the v4.15+ messages). Each
// difference is a branch on `k.variant`, with the kernel change named.
import type { KGen, Kernel } from '../kernel.ts';
import { NO_ARGS } from '../events.ts';
import { idleTask } from '../machine/cpus.ts';
import { armTransitionWork, isRunningElsewhere, kickIdle, signalTask } from '../machine/sched.ts';
import { cpuOf, depthOf, frameFn, frameVer, groupOf, Sched, setPatchState, setTif, TaskKind } from '../machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../types.ts';
import type { KlpState, SimEvent, TaskId } from '../types.ts';
import { checkCompletion, checkSwitch } from '../invariants.ts';
import {
  cancelMessage,
  completeMessage,
  completingMessage,
  FORCING,
  initMessage,
  reverseMessage,
  SIGNALING,
  stallMessage,
  startMessage,
} from './messages.ts';
import { klpPostPatchCallback, klpPostUnpatchCallback } from './callbacks.ts';
import { klpUnpatchFunc, klpUnpatchObject, klpUnpatchObjects, setFuncState } from './patch.ts';
import { ORIGINAL, versionOf } from './version.ts';
import { funcById, funcsOf, patchById } from './state.ts';
import { must } from '../must.ts';
import { stateWord } from '../names.ts';
import { raceRemovedFuncs } from '../search/races.ts';
import type { KlpFunc, KlpPatch } from './state.ts';

/** SIGNALS_TIMEOUT: failed passes before stragglers are signalled (mainline). */
export const SIGNALS_TIMEOUT = 15;

/** C's `!x` on a patch state: !0 is 1, and !1 and !-1 are both 0. */
export const klpNot = (s: KlpState): KlpState => (s === KLP_UNPATCHED ? KLP_PATCHED : KLP_UNPATCHED);

export const transitionPatch = (k: Kernel): KlpPatch | undefined =>
  k.klp.transitionPatch < 0 ? undefined : k.klp.all[k.klp.transitionPatch];

function mustTransitionPatch(k: Kernel): KlpPatch {
  const p = transitionPatch(k);
  if (p === undefined) throw new Error('no patch in transition');
  return p;
}

/** Patch-level `immediate`: rfc-v2 and v4.12 skip the per-task transition. */
const immediatePatch = (k: Kernel, p: KlpPatch): boolean => k.variant !== 'mainline' && p.immediate;

/**
 * Every task the transition walks: the task list (for_each_process_thread),
 * then the idle task of every possible CPU. The RFC walked only the online
 * CPUs (the seed shows for_each_online_cpu); the merged code walks every
 * possible CPU and switches offline ones directly.
 */
export function* walkedTasks(k: Kernel): Generator<TaskId> {
  const tasks = k.tasks;
  const ncpu = k.cpus.count;
  for (let t = ncpu as TaskId; t < tasks.count; t++) if (tasks.sched[t] !== Sched.Dead) yield t;
  for (let cpu = 0; cpu < ncpu; cpu++) if (k.variant !== 'rfc-v2' || k.cpus.online[cpu]) yield idleTask(cpu);
}

/** walkedTasks as a plain loop, for the passes over every task: no iterator result for each task. */
export function forEachWalkedTask(k: Kernel, f: (t: TaskId) => void): void {
  const tasks = k.tasks;
  const ncpu = k.cpus.count;
  for (let t = ncpu as TaskId; t < tasks.count; t++) if (tasks.sched[t] !== Sched.Dead) f(t);
  const rfc = k.variant === 'rfc-v2';
  for (let cpu = 0; cpu < ncpu; cpu++) if (!rfc || k.cpus.online[cpu]) f(idleTask(cpu));
}

/** klp_init_transition: every task to the initial state, every func into transition. */
export function* klpInitTransition(k: Kernel, patch: KlpPatch, state: KlpState): KGen {
  const g = k.klp;
  const v = k.variant;
  if (v !== 'rfc-v2') k.warnOnce('klp_init_transition', g.targetState !== KLP_UNDEFINED, 2, 'klp_target_state is not KLP_UNDEFINED');
  g.transitionPatch = patch.id;
  // The merged code sets the target before the immediate return; the RFC set
  // it only at the end, so an immediate patch left the previous value behind.
  if (v !== 'rfc-v2') g.targetState = state;
  if (v === 'mainline') k.klpLog('debug', initMessage(patch.mod, state));
  if (immediatePatch(k, patch)) {
    yield k.emit('init-immediate', { patch: patch.mod, target: state, stale: v === 'rfc-v2' ? g.targetState : null });
    return;
  }
  const initial = klpNot(state);
  const tasks = k.tasks;
  forEachWalkedTask(k, (t) => {
    if (v !== 'rfc-v2' && tasks.patchState[t] !== KLP_UNDEFINED) k.warnOnce('klp_init_transition:task', true, 2, `${k.name(t)} has patch_state ${tasks.patchState[t]} before the transition`);
    setPatchState(tasks, t, initial);
  });
  // smp_wmb(): the ftrace handler must see the tasks' initial state before it
  // sees func->transition, or it would read KLP_UNDEFINED and pick wrongly.
  // (what if `no-init-wmb`: which CPUs could still see the stores out of order.)
  if (k.whatIf.has('no-init-wmb')) g.initTimerGen = Array.from(k.cpus.timerGen);
  for (const f of funcsOf(g, patch)) setFuncState(k, f, f.patched, true);
  if (v === 'rfc-v2') g.targetState = state;
  yield k.emit('init', { patch: patch.mod, target: state, initial });
}

/** klp_start_transition: flag every task that still has to switch. */
export function* klpStartTransition(k: Kernel): KGen {
  const g = k.klp;
  const patch = mustTransitionPatch(k);
  const T = g.targetState;
  if (k.variant !== 'rfc-v2') k.warnOnce('klp_start_transition', T === KLP_UNDEFINED, 2, 'klp_target_state is KLP_UNDEFINED');
  k.klpLog('notice', startMessage(k.variant, patch.mod, T));
  if (immediatePatch(k, patch)) {
    yield k.emit('start-immediate', { patch: patch.mod });
    return;
  }
  const tasks = k.tasks;
  let n = 0;
  forEachWalkedTask(k, (t) => {
    if (tasks.patchState[t] !== T) {
      setTif(tasks, t, true);
      n++;
    }
  });
  if (k.variant === 'mainline') g.signalsCnt = 0;
  yield k.emit('start', { patch: patch.mod, target: T, pending: n });
}

/**
 * What klp_try_switch_task would decide for a task now, without doing it:
 * the one verdict that both the switch and the inspector's "why not switched
 * yet" use.
 */
export type SwitchVerdict =
  | { readonly kind: 'switched' }
  | { readonly kind: 'no-reliable-unwinder' }
  | { readonly kind: 'running' }
  | { readonly kind: 'unreliable' }
  | { readonly kind: 'sleeping'; readonly fn: string }
  | { readonly kind: 'switchable' };

const SWITCHED: SwitchVerdict = { kind: 'switched' };
const NO_RELIABLE_UNWINDER: SwitchVerdict = { kind: 'no-reliable-unwinder' };
const RUNNING: SwitchVerdict = { kind: 'running' };
const UNRELIABLE: SwitchVerdict = { kind: 'unreliable' };
const SWITCHABLE: SwitchVerdict = { kind: 'switchable' };

/** The version a task must not be executing for the switch to be safe (-1: none to check). */
function blockingVersion(k: Kernel, f: KlpFunc): number {
  if (k.variant === 'v4.12' && f.immediate) return -1;
  if (k.klp.targetState === KLP_UNPATCHED) return versionOf(f); // the new code being removed
  // What if `no-previous-version-check`: look for the new function, which no
  // unswitched task runs, instead of the version below it (klp_check_stack_func,
  // d83a7cb375ee): a task asleep in the old code passes.
  if (k.whatIf.has('no-previous-version-check')) return versionOf(f);
  const stack = k.klp.funcStack[f.oldFn] ?? [];
  const at = stack.indexOf(f.id);
  // Patching: the version tasks ran before this patch, which is the previous
  // patch's new function on a stacked func_stack (only that one is checked).
  const below = at >= 0 ? stack[at + 1] : undefined;
  return below === undefined ? ORIGINAL : versionOf(funcById(k.klp, below));
}

/**
 * klp_check_stack_func for one frame: whether a frame running version `ver`
 * of function `fn` stops the patch's transition from switching the task.
 * Returns the func's old name, or undefined.
 */
export function klpFrameBlocks(k: Kernel, patch: KlpPatch, fn: number, ver: number): string | undefined {
  for (const obj of patch.objects) {
    if (!obj.patched) continue;
    for (const id of obj.funcs) {
      const f = funcById(k.klp, id);
      if (f.oldFn === fn && blockingVersion(k, f) === ver) return f.oldName;
    }
  }
  return undefined;
}

/** klp_check_stack: the first func of the patch whose retired version the task is inside. */
function klpCheckStack(k: Kernel, t: TaskId, patch: KlpPatch): SwitchVerdict {
  const tasks = k.tasks;
  const group = groupOf(tasks, t);
  if (group >= 0 && must(k.world.groups[group], 'task group', group).spec.unreliableStack) return UNRELIABLE;
  const depth = depthOf(tasks, t);
  for (const obj of patch.objects) {
    if (!obj.patched) continue;
    for (const id of obj.funcs) {
      const f = funcById(k.klp, id);
      const version = blockingVersion(k, f);
      if (version < 0) continue;
      for (let i = 0; i < depth; i++) {
        if (frameFn(tasks, t, i) === f.oldFn && frameVer(tasks, t, i) === version) return { kind: 'sleeping', fn: f.oldName };
      }
    }
  }
  return SWITCHABLE;
}

/** The verdict of klp_try_switch_task for task `t` now (a transition must be in progress). */
export function klpSwitchVerdict(k: Kernel, t: TaskId): SwitchVerdict {
  if (k.tasks.patchState[t] === k.klp.targetState) return SWITCHED;
  // klp_have_reliable_stack(): without a reliable unwinder, no stack check at all.
  if (!k.world.scenario.machine.reliableStacktrace) return NO_RELIABLE_UNWINDER;
  if (isRunningElsewhere(k, t)) return RUNNING;
  return klpCheckStack(k, t, mustTransitionPatch(k));
}

/** Whether klp_try_complete_transition switches an offline CPU's idle task directly (the RFC walked online CPUs only). */
export const offlineIdleSwitchesDirectly = (k: Kernel): boolean => k.variant !== 'rfc-v2';

/** klp_try_switch_task: switch a task that is not running and not inside a retired version. */
export function* klpTrySwitchTask(k: Kernel, t: TaskId): KGen<boolean> {
  const e = klpTrySwitchTaskEvent(k, t);
  if (e === undefined) return true;
  yield e;
  return e.kind === 'switch-checked';
}

/**
 * klp_try_switch_task as a plain call, for the pass over every task: the
 * event it records (a stall, or the switch: 'switch-checked'), or undefined
 * if the task was already at the target. No generator for each task checked.
 */
function klpTrySwitchTaskEvent(k: Kernel, t: TaskId): SimEvent | undefined {
  const tasks = k.tasks;
  const T = k.klp.targetState;
  const verdict = klpSwitchVerdict(k, t);
  switch (verdict.kind) {
    case 'switched':
      return undefined;
    case 'no-reliable-unwinder':
      return k.emit('switch-stalled', { why: 'no-unwinder', target: T, cpu: cpuOf(tasks, t), fn: '' }, { task: t });
    case 'running':
    case 'unreliable':
    case 'sleeping': {
      const fn = verdict.kind === 'sleeping' ? verdict.fn : undefined;
      k.klpLog('debug', stallMessage(k.variant, verdict.kind, k.comm(t), k.pid(t), fn), true);
      return k.emit('switch-stalled', { why: verdict.kind, target: T, cpu: cpuOf(tasks, t), fn: fn ?? '' }, { task: t });
    }
    case 'switchable':
      break;
  }
  const patch = mustTransitionPatch(k);
  const from = tasks.patchState[t] as KlpState;
  setTif(tasks, t, false);
  setPatchState(tasks, t, T);
  k.switched(t, from, T);
  checkSwitch(k, t, patch, undefined);
  return k.emit('switch-checked', { target: T }, { task: t });
}

/** round_jiffies_relative(HZ): about a second, the expiry rounded to a whole second. */
export function roundJiffiesRelative(now: number): number {
  const SEC = 1_000_000;
  const j = now + SEC;
  const rem = j % SEC;
  const rounded = rem < SEC / 4 ? j - rem : j - rem + SEC;
  return rounded > now ? rounded : j;
}

/**
 * klp_try_complete_transition: one pass over every task; if all have
 * switched, complete, else retry from the delayed work in about a second.
 */
export function* klpTryCompleteTransition(k: Kernel): KGen<boolean> {
  const g = k.klp;
  const v = k.variant;
  const patch = mustTransitionPatch(k);
  if (v !== 'rfc-v2') k.warnOnce('klp_try_complete_transition', g.targetState === KLP_UNDEFINED, 2, 'klp_target_state is KLP_UNDEFINED');
  if (!immediatePatch(k, patch)) {
    let complete = true;
    let stalled = 0;
    const ncpu = k.cpus.count;
    const tasks = k.tasks;
    for (let t = ncpu as TaskId; t < tasks.count; t++) {
      if (tasks.sched[t] === Sched.Dead) continue;
      const e = klpTrySwitchTaskEvent(k, t);
      if (e === undefined) continue;
      yield e;
      if (e.kind !== 'switch-checked') {
        complete = false;
        stalled++;
      }
    }
    // What if `skip-idle-tasks`: no for_each_possible_cpu walk of the idle
    // tasks (d83a7cb375ee): they are not on the task list, and a busy CPU's
    // idle task never gets to the end of do_idle() to switch itself.
    for (let cpu = 0; cpu < (k.whatIf.has('skip-idle-tasks') ? 0 : ncpu); cpu++) {
      const idle = idleTask(cpu);
      if (k.cpus.online[cpu]) {
        if (!(yield* klpTrySwitchTask(k, idle))) {
          complete = false;
          stalled++;
          // v5.16 "sched,livepatch: Use wake_up_if_idle()": push the idle task round its loop.
          if (v === 'mainline') kickIdle(k, cpu);
        }
      } else if (offlineIdleSwitchesDirectly(k) && tasks.patchState[idle] !== g.targetState) {
        // An offline CPU's idle task runs nothing: it can be switched directly.
        const from = tasks.patchState[idle] as KlpState;
        setTif(tasks, idle, false);
        setPatchState(tasks, idle, g.targetState);
        k.switched(idle, from, g.targetState);
        yield k.emit('switch-offline-idle', NO_ARGS, { task: idle, cpu });
      }
    }
    if (!complete) {
      let signalled = false;
      let firstSignals = false;
      if (v === 'mainline') {
        if (g.signalsCnt > 0 && g.signalsCnt % SIGNALS_TIMEOUT === 0) {
          firstSignals = klpSendSignals(k);
          signalled = true;
        }
        g.signalsCnt++;
      }
      const at = armTransitionWork(k);
      yield k.emit('try-complete-retry', { stalled, retryAt: at, signalled, firstSignals });
      return false;
    }
  }
  // Success.
  if (v === 'rfc-v2') {
    // The RFC unpatches here, deciding by klp_target_state: for an immediate
    // patch that is the stale value, so an enable can unpatch (spec §6).
    if (g.targetState === KLP_UNPATCHED) klpUnpatchObjects(k, patch);
    k.klpLog('notice', completeMessage(patch.mod, g.targetState));
    yield k.emit('try-complete-done', { patch: patch.mod, target: g.targetState, form: 'rfc-v2' });
  } else if (v === 'v4.12') {
    k.klpLog('notice', completeMessage(patch.mod, g.targetState));
    yield k.emit('try-complete-done', { patch: patch.mod, target: g.targetState, form: immediatePatch(k, patch) ? 'immediate' : 'v4.12' });
  }
  // mainline frees a patch that was disabled once its transition completes,
  // and, after an atomic replace, every patch it replaced.
  const then = v !== 'mainline' ? undefined : !patch.enabled ? () => klpFreePatch(k, patch) : patch.replace ? () => klpFreeReplacedPatches(k, patch) : undefined;
  yield* klpCompleteTransition(k, then);
  return true;
}

/** klp_complete_transition: tidy up once every task is at the target. */
export function* klpCompleteTransition(k: Kernel, then?: () => void): KGen {
  const g = k.klp;
  const v = k.variant;
  const patch = mustTransitionPatch(k);
  const T = g.targetState;
  if (v === 'mainline') k.klpLog('debug', completingMessage(patch.mod, T));
  checkCompletion(k, patch, 'before');
  // Atomic replace: every older patch leaves the func stacks now, without a
  // transition of its own (the new one's nops and funcs covered it), and
  // the nops have done their work.
  if (patch.replace && T === KLP_PATCHED) {
    klpUnpatchReplacedPatches(k, patch);
    klpDiscardNops(k, patch);
  }
  if (v !== 'rfc-v2' && T === KLP_UNPATCHED) {
    klpUnpatchObjects(k, patch);
    // klp_synchronize_transition(): no handler still sees the removed funcs.
    // What if `no-complete-sync`: one on another CPU may (a race choice).
    raceRemovedFuncs(k, patch);
  }
  if (!immediatePatch(k, patch)) {
    let immediateFunc = false;
    for (const f of funcsOf(g, patch)) {
      setFuncState(k, f, f.patched, false);
      immediateFunc ||= f.immediate;
    }
    // v4.12 drops the module reference here, unless a func was immediate.
    if (v === 'v4.12' && T === KLP_UNPATCHED && !immediateFunc) patch.holdsModuleRef = false;
    const tasks = k.tasks;
    forEachWalkedTask(k, (t) => {
      if (v !== 'rfc-v2' && tasks.tif[t] === 1) k.warnOnce('klp_complete_transition', true, 3, `${k.name(t)} still has TIF_PATCH_PENDING`);
      setPatchState(tasks, t, KLP_UNDEFINED);
    });
  }
  for (const obj of patch.objects) {
    if (!k.loaded(obj.name)) continue;
    if (T === KLP_PATCHED) klpPostPatchCallback(k, patch, obj);
    else klpPostUnpatchCallback(k, patch, obj);
  }
  if (v === 'mainline') k.klpLog('notice', completeMessage(patch.mod, T));
  checkCompletion(k, patch, 'after');
  // The merged code resets the target; the RFC did not (spec §6.2, A2).
  if (v !== 'rfc-v2') g.targetState = KLP_UNDEFINED;
  g.transitionPatch = -1;
  g.requested = KLP_UNDEFINED;
  g.cancelling = false;
  then?.();
  yield k.emit('complete', { patch: patch.mod, target: T, immediate: immediatePatch(k, patch) });
}

/** klp_cancel_transition: undo an enable that failed before it started. */
export function* klpCancelTransition(k: Kernel): KGen {
  const g = k.klp;
  if (k.variant !== 'rfc-v2' && k.warnOnce('klp_cancel_transition', g.targetState !== KLP_PATCHED, 2, 'klp_target_state is not KLP_PATCHED')) return;
  if (k.variant === 'mainline') k.klpLog('debug', cancelMessage(mustTransitionPatch(k).mod));
  g.targetState = KLP_UNPATCHED;
  g.requested = KLP_UNPATCHED;
  g.cancelling = true;
  yield* klpCompleteTransition(k);
}

/** klp_reverse_transition: a write to `enabled` during a transition turns it round. */
export function* klpReverseTransition(k: Kernel): KGen {
  const g = k.klp;
  const patch = mustTransitionPatch(k);
  const old = g.targetState;
  if (k.variant === 'mainline') k.klpLog('debug', reverseMessage(patch.mod, old));
  const tasks = k.tasks;
  const clearAll = () => forEachWalkedTask(k, (t) => setTif(tasks, t, false));
  if (k.variant === 'mainline') {
    // v6.4: clear the flags and synchronise first, then flip, so no switcher
    // combines an old flag with the new target.
    clearAll();
    patch.enabled = !patch.enabled;
    g.targetState = klpNot(old);
  } else {
    patch.enabled = !patch.enabled;
    g.targetState = klpNot(old);
    clearAll();
  }
  g.requested = klpNot(g.requested);
  if (g.targetState !== g.requested) {
    k.violate({ invariant: 10, text: `reversing '${patch.mod}' set klp_target_state to ${g.targetState}, but the operation now asks for ${stateWord(g.requested)}` });
  }
  yield k.emit('reverse', { patch: patch.mod, from: old, target: g.targetState });
  yield* klpStartTransition(k);
}

/**
 * klp_update_patch_state: a task that is `current` or not running takes the
 * target state if its flag is set, with no stack check (user-space return,
 * idle loop, force). Returns whether it switched.
 */
export function klpUpdatePatchState(k: Kernel, t: TaskId, via?: 'force'): boolean {
  const tasks = k.tasks;
  if (!tasks.tif[t]) return false;
  setTif(tasks, t, false);
  const from = tasks.patchState[t] as KlpState;
  const T = k.klp.targetState;
  setPatchState(tasks, t, T);
  k.switched(t, from, T);
  if (via === 'force') k.s.forcedTasks.add(t);
  const patch = transitionPatch(k);
  if (patch !== undefined) checkSwitch(k, t, patch, via);
  return from !== T;
}

/** klp_copy_process: a child starts in its parent's patch state, with its flag. */
export function klpCopyProcess(k: Kernel, child: TaskId, parent: TaskId): void {
  const tasks = k.tasks;
  // What if `no-fork-inherit`: the child starts at the target, unflagged,
  // whatever its parent's state (klp_copy_process, d83a7cb375ee).
  const ablated = k.whatIf.has('no-fork-inherit') && k.klp.transitionPatch >= 0;
  setPatchState(tasks, child, ablated ? k.klp.targetState : (tasks.patchState[parent] as KlpState));
  setTif(tasks, child, ablated ? false : tasks.tif[parent] === 1);
  if (tasks.patchState[child] !== tasks.patchState[parent]) {
    k.violate({ invariant: 9, text: `${k.name(child)} did not inherit ${k.name(parent)}'s patch_state` }, child);
  }
}

/** klp_send_signals (mainline, every 15th failed pass): nudge stragglers. True if it printed its notice (the first time). */
export function klpSendSignals(k: Kernel): boolean {
  const notice = k.klp.signalsCnt === SIGNALS_TIMEOUT;
  if (notice) k.klpLog('notice', SIGNALING);
  const tasks = k.tasks;
  for (let t = k.cpus.count as TaskId; t < tasks.count; t++) {
    if (tasks.sched[t] === Sched.Dead || !tasks.tif[t] || tasks.kind[t] === TaskKind.Idle) continue;
    signalTask(k, t);
  }
  return notice;
}

/** klp_force_transition (mainline `force`): switch every flagged task, unchecked. */
export function* klpForceTransition(k: Kernel): KGen {
  const patch = mustTransitionPatch(k);
  k.klpLog('warn', FORCING);
  let n = 0;
  forEachWalkedTask(k, (t) => {
    if (klpUpdatePatchState(k, t, 'force')) n++;
  });
  // Forcing an unpatch may leave tasks in the patch's code: its module must stay.
  if (k.klp.targetState === KLP_UNPATCHED) patch.forced = true;
  yield k.emit('force', { forced: n });
}

/** klp_unpatch_replaced_patches: older patches are disabled and leave the func stacks directly. */
function klpUnpatchReplacedPatches(k: Kernel, patch: KlpPatch): void {
  for (const id of k.klp.patches) {
    if (id === patch.id) continue;
    const old = patchById(k.klp, id);
    old.enabled = false;
    for (const obj of old.objects) if (obj.patched) klpUnpatchObject(k, obj, true);
  }
}

/** klp_discard_nops: the nops leave their func stacks and the patch; dynamic objects go with them. */
function klpDiscardNops(k: Kernel, patch: KlpPatch): void {
  const g = k.klp;
  for (const obj of patch.objects) {
    const nops = obj.funcs.map((id) => funcById(g, id)).filter((f) => f.nop === true);
    if (nops.length === 0) continue;
    for (const f of nops) {
      if (f.patched) klpUnpatchFunc(k, f, true);
      f.transition = false;
    }
    obj.funcs = obj.funcs.filter((id) => funcById(g, id).nop !== true);
  }
  patch.objects = patch.objects.filter((o) => !(o.dynamic === true && o.funcs.length === 0));
}

/** klp_free_replaced_patches_async: the replaced patches are freed, sysfs and all, without callbacks. */
function klpFreeReplacedPatches(k: Kernel, patch: KlpPatch): void {
  for (const id of k.klp.patches.slice()) if (id !== patch.id) klpFreePatch(k, patchById(k.klp, id));
}

/** klp_free_patch (mainline): a disabled patch is freed, its sysfs directory removed. */
export function klpFreePatch(k: Kernel, patch: KlpPatch): void {
  patch.registered = false;
  k.klp.patches = k.klp.patches.filter((id) => id !== patch.id);
  // klp_free_patch_finish drops the module reference unless the patch was forced.
  if (!patch.forced) patch.holdsModuleRef = false;
}
