// kernel/livepatch/patch.c, modelled: the per-function func_stack that
// klp_ops keeps, adding and removing a patch's funcs, and the ftrace handler
// that picks, on every call of a patched function, which version runs.
import type { Kernel } from '../kernel.ts';
import { depthOf, frameFn, frameVer, Sched } from '../machine/tasks.ts';
import { KLP_UNDEFINED, KLP_UNPATCHED } from '../types.ts';
import type { TaskId } from '../types.ts';
import { funcById, patchById } from './state.ts';
import type { KlpFunc, KlpObject, KlpPatch } from './state.ts';
import { staleInitRead } from '../search/races.ts';
import { ORIGINAL, versionOf } from './version.ts';
import { EINVAL } from '../errno.ts';
import type { FuncVersion } from './version.ts';


/**
 * Moves a func to (patched, transition), checking the documented progression
 * (invariant 8): patching (0,0)→(0,1)→(1,1)→(1,0), unpatching the reverse.
 * An immediate func or patch skips the transition flag: (0,0)↔(1,0).
 */
export function setFuncState(k: Kernel, f: KlpFunc, patched: boolean, transition: boolean, direct = false): void {
  const from = (f.patched ? 2 : 0) + (f.transition ? 1 : 0);
  const to = (patched ? 2 : 0) + (transition ? 1 : 0);
  if (from === to) return;
  const allowed = [
    [0, 1], [1, 3], [3, 2], // patching
    [2, 3], [3, 1], [1, 0], // unpatching
  ].some(([a, b]) => a === from && b === to);
  const immediate = (from === 0 && to === 2) || (from === 2 && to === 0);
  if (!allowed && !(immediate && (direct || isImmediate(k, f)))) {
    k.violate({ invariant: 8, text: `${f.oldName} of '${patchOf(k, f).mod}' went from (patched, transition) = (${f.patched ? 1 : 0},${f.transition ? 1 : 0}) to (${patched ? 1 : 0},${transition ? 1 : 0}), a step neither patching nor unpatching takes` });
  }
  f.patched = patched;
  f.transition = transition;
}

export const patchOf = (k: Kernel, f: KlpFunc): KlpPatch => patchById(k.klp, f.patch);
export const isImmediate = (k: Kernel, f: KlpFunc): boolean => f.immediate || patchOf(k, f).immediate;

/** klp_patch_func: push the func on the head of its function's func_stack. */
function klpPatchFunc(k: Kernel, f: KlpFunc, direct: boolean): void {
  const stacks = k.klp.funcStack;
  const stack = stacks[f.oldFn];
  if (stack === undefined) stacks[f.oldFn] = [f.id];
  else stack.unshift(f.id);
  setFuncState(k, f, true, f.transition, direct);
}

/** klp_unpatch_func: take the func off its func_stack; the last one frees the klp_ops. */
export function klpUnpatchFunc(k: Kernel, f: KlpFunc, direct: boolean): void {
  const stacks = k.klp.funcStack;
  const stack = stacks[f.oldFn];
  if (stack !== undefined) {
    const rest = stack.filter((id) => id !== f.id);
    stacks[f.oldFn] = rest.length === 0 ? undefined : rest;
  }
  setFuncState(k, f, false, f.transition, direct);
}

/**
 * klp_patch_object: -EINVAL when the object is patched already (WARN_ON in
 * the kernel). `direct` marks a module that loads or leaves while its patch
 * is not in transition: its funcs go straight to or from (1,0).
 */
export function klpPatchObject(k: Kernel, obj: KlpObject, direct = false): number {
  if (obj.patched) return -EINVAL;
  for (const id of obj.funcs) {
    const f = funcById(k.klp, id);
    klpPatchFunc(k, f, direct);
    if (!f.transition && !direct) reportStaleFrames(k, f.oldFn, 'patched');
  }
  obj.patched = true;
  return 0;
}

export function klpUnpatchObject(k: Kernel, obj: KlpObject, direct = false): void {
  for (const id of obj.funcs) {
    const f = funcById(k.klp, id);
    if (f.patched) klpUnpatchFunc(k, f, direct);
  }
  obj.patched = false;
}

export function klpUnpatchObjects(k: Kernel, patch: KlpPatch): void {
  for (const obj of patch.objects) if (obj.patched) klpUnpatchObject(k, obj);
}

/**
 * The version of function `fn` that task `t` runs if it calls it now: the
 * decision table of klp_ftrace_handler without its side effects.
 */
export function resolveVersion(k: Kernel, t: TaskId, fn: number): FuncVersion {
  // An empty func_stack is no func_stack: klpUnpatchFunc frees it, but either way the original runs.
  const stack = k.klp.funcStack[fn];
  const head = stack?.[0];
  if (stack === undefined || head === undefined) return ORIGINAL;
  const top = funcById(k.klp, head);
  if (!top.transition || k.tasks.patchState[t] !== KLP_UNPATCHED) return versionOf(top);
  const next = stack[1];
  return versionOf(next === undefined ? undefined : funcById(k.klp, next));
}

/**
 * klp_ftrace_handler: on a call of `fn` by task `t`, the topmost func of the
 * func_stack wins, unless it is in transition and the task has not switched
 * yet, in which case the next one down (or the original) runs.
 */
export function klpFtraceHandler(k: Kernel, t: TaskId, fn: number): FuncVersion {
  const head = k.klp.funcStack[fn]?.[0];
  if (head === undefined) return ORIGINAL;
  const f = funcById(k.klp, head);
  // What if `no-init-wmb`: this CPU may read the task's patch_state from before klp_init_transition.
  const stale = f.transition && staleInitRead(k, t);
  if (f.transition && (stale || k.tasks.patchState[t] === KLP_UNDEFINED)) {
    const what = stale
      ? `${k.name(t)} calls ${f.oldName} while it is in transition and, with no barrier in klp_init_transition, reads its patch_state from before the init: KLP_UNDEFINED`
      : `${k.name(t)} calls ${f.oldName} while it is in transition, but its patch_state is KLP_UNDEFINED`;
    // The merged code guards this with WARN_ON_ONCE; the RFC had no such guard.
    if (k.variant !== 'rfc-v2') k.warnOnce('klp_ftrace_handler', true, 6, what);
    else if (!k.klp.warned.includes('handler')) {
      k.klp.warned.push('handler');
      k.violate({ invariant: 6, text: what });
    }
  }
  // KLP_UNDEFINED is not KLP_UNPATCHED: the handler takes the new function.
  if (stale) return versionOf(f);
  return resolveVersion(k, t, fn);
}

/**
 * After an immediate patch changes a func_stack, tasks asleep in a version
 * that calls no longer reach keep running it: per-task consistency, given up
 * knowingly. Reported once for all such tasks.
 */
function reportStaleFrames(k: Kernel, fn: number, what: 'patched' | 'unpatched'): void {
  const tasks = k.tasks;
  const names: string[] = [];
  let n = 0;
  for (let t = 0 as TaskId; t < tasks.count; t++) {
    if (tasks.sched[t] === Sched.Dead) continue;
    for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) {
      if (frameFn(tasks, t, i) === fn && frameVer(tasks, t, i) !== resolveVersion(k, t, fn)) {
        if (n < 3) names.push(k.name(t));
        n++;
        break;
      }
    }
  }
  if (n > 0) {
    const fname = k.world.fnNames[fn];
    k.violate({ invariant: 5, givenUp: 'immediate', text: `${fname} was ${what} immediately while ${n} task${n > 1 ? 's' : ''} (${names.join(', ')}${n > 3 ? ', ...' : ''}) ${n > 1 ? 'were' : 'was'} inside another version of it; they go on running that version` });
  }
}
