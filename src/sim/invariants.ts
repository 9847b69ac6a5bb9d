// The guarantees of the consistency model (spec/kernel-model.md §7), checked
// where they can break: at every task switch, at completion, on calls of
// patched functions, and after every event outside a kernel operation.
// Checks are incremental (counters, the one task concerned) so that they cost
// nothing that grows with the machine on the hot path.
import type { Kernel } from './kernel.ts';
import { isImmediate, resolveVersion } from './livepatch/patch.ts';
import { funcOfVersion, newVersionOf, versionModule } from './livepatch/version.ts';
import type { FuncVersion } from './livepatch/version.ts';
import { funcById, funcsOf } from './livepatch/state.ts';
import { stateWordPast } from './names.ts';
import type { KlpPatch } from './livepatch/state.ts';
import { transitionPatch } from './livepatch/transition.ts';
import { idleTask } from './machine/cpus.ts';
import { countInState, depthOf, frameFn, frameVer, Sched } from './machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from './types.ts';
import type { KlpState, TaskId, Violation } from './types.ts';
import { must } from './must.ts';

type GivenUp = Violation['givenUp'];

function givenUpFor(k: Kernel, fn: number, via: 'force' | undefined): GivenUp {
  if (via === 'force') return 'force';
  const stack = k.klp.funcStack[fn] ?? [];
  if (stack.some((id) => isImmediate(k, funcById(k.klp, id)))) return 'immediate';
  return undefined;
}

/**
 * Invariant 5 at a switch: the task must not be inside a version of the
 * patch's functions that it stops using.
 */
export function checkSwitch(k: Kernel, t: TaskId, patch: KlpPatch, via: 'force' | undefined): void {
  // Runs at every switch (100,000 in a large machine's first pass): no allocation.
  const tasks = k.tasks;
  for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) {
    const fn = frameFn(tasks, t, i);
    if (!patchReplaces(k, patch, fn)) continue;
    const ver = frameVer(tasks, t, i);
    if (ver === resolveVersion(k, t, fn)) continue;
    // A task that force once switched unchecked may still sleep in a version
    // older than the one the next patch checks for (klp_check_stack_func
    // looks only at the entry below it): that is what force gave up.
    const givenUp = givenUpFor(k, fn, via) ?? (k.s.forcedTasks.has(t) ? 'force' : undefined);
    k.violate(
      {
        invariant: 5,
        text: `${k.name(t)} switched to ${stateWordPast(tasks.patchState[t] as KlpState)} while inside ${describeVersion(k, fn, ver)}, which it no longer calls`,
        ...(givenUp ? { givenUp } : {}),
      },
      t,
    );
    return;
  }
}

function patchReplaces(k: Kernel, patch: KlpPatch, fn: number): boolean {
  for (const o of patch.objects) for (const id of o.funcs) if (funcById(k.klp, id).oldFn === fn) return true;
  return false;
}

export function describeVersion(k: Kernel, fn: number, ver: FuncVersion): string {
  const name = k.world.fnNames[fn];
  const mod = versionModule(k.klp, ver);
  return mod === null ? `the original ${name}` : `${mod}'s ${name}`;
}

/**
 * A call of a patched function: the task must not mix versions within one
 * call chain (invariant 5), and nothing may run in an unloaded module (12).
 */
export function checkCall(k: Kernel, t: TaskId, fn: number, ver: FuncVersion, module: string | undefined): void {
  if (module !== undefined) {
    k.violate({ invariant: 12, text: `${k.name(t)} called ${describeVersion(k, fn, ver)}, but module ${module} is gone: oops` }, t);
    return;
  }
  const tasks = k.tasks;
  for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) {
    const other = frameFn(tasks, t, i);
    if (other === fn || k.klp.funcStack[other] === undefined) continue;
    const v = frameVer(tasks, t, i);
    if (v === resolveVersion(k, t, other)) continue;
    const key = `${t}:${other}:${v}`;
    if (k.s.mixReported.has(key)) return;
    k.s.mixReported.add(key);
    const givenUp = givenUpFor(k, other, undefined) ?? givenUpFor(k, fn, undefined) ?? (k.s.forcedTasks.has(t) ? 'force' : undefined);
    k.violate(
      {
        invariant: 5,
        text: `${k.name(t)} runs ${describeVersion(k, fn, ver)} from inside ${describeVersion(k, other, v)}: old and new code mixed in one call chain`,
        ...(givenUp ? { givenUp } : {}),
      },
      t,
    );
    return;
  }
}

/**
 * At completion: before tidying up, every task is at the target (4); after,
 * the patch is applied exactly when the operation asked for it (11), and an
 * unpatch leaves nobody inside the removed code (7).
 */
export function checkCompletion(k: Kernel, patch: KlpPatch, phase: 'before' | 'after'): void {
  const g = k.klp;
  const immediate = k.variant !== 'mainline' && patch.immediate;
  if (phase === 'before') {
    if (immediate) return;
    const T = g.targetState;
    const w = walkedCounts(k);
    const at = countInState(w.state, T);
    const all = w.all;
    if (at !== all) k.violate({ invariant: 4, text: `'${patch.mod}' completes with ${all - at} task(s) not yet ${stateWordPast(T)}` });
    return;
  }
  const want = g.requested;
  if (want === KLP_UNDEFINED) return;
  const loaded = patch.objects.filter((o) => k.loaded(o.name));
  const funcs = loaded.flatMap((o) => o.funcs.map((id) => funcById(g, id)));
  const wrong = funcs.filter((f) => f.patched !== (want === KLP_PATCHED));
  if (wrong.length > 0) {
    const what =
      want === KLP_PATCHED
        ? `enabling '${patch.mod}' completed, but ${wrong.map((f) => f.oldName).join(', ')} ${wrong.length > 1 ? 'are' : 'is'} not on the func stack: every call still runs the old code`
        : `${g.cancelling ? `the cancelled enable of '${patch.mod}' completed` : `disabling '${patch.mod}' completed`}, but ${wrong.map((f) => f.oldName).join(', ')} ${wrong.length > 1 ? 'are' : 'is'} still on the func stack: every call still runs the patch's code`;
    k.violate({ invariant: 11, text: what });
  }
  if (want === KLP_UNPATCHED) checkNobodyInside(k, patch);
}

function checkNobodyInside(k: Kernel, patch: KlpPatch): void {
  const tasks = k.tasks;
  const versions = new Set(funcsOf(k.klp, patch).map(newVersionOf));
  for (let t = 0 as TaskId; t < tasks.count; t++) {
    if (tasks.sched[t] === Sched.Dead) continue;
    for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) {
      const ver = frameVer(tasks, t, i);
      if (!versions.has(ver)) continue;
      const f = funcOfVersion(k.klp, ver);
      if (f === undefined) continue;
      const givenUp: GivenUp = isImmediate(k, f) ? 'immediate' : patch.forced ? 'force' : undefined;
      k.violate({ invariant: 7, text: `'${patch.mod}' is unpatched, but ${k.name(t)} is still inside its ${f.oldName}`, ...(givenUp ? { givenUp } : {}) }, t);
      return;
    }
  }
}

/**
 * The task counters over the tasks a transition walks: every live task, but
 * in rfc-v2 not the idle tasks of CPUs that are offline now (the RFC walks
 * only online CPUs). O(CPUs).
 */
interface WalkedCounts {
  readonly all: number;
  /** Tasks in each patch state, index state + 1. */
  readonly state: readonly number[];
  readonly tif: number;
}

export function walkedCounts(k: Kernel): WalkedCounts {
  const t = k.tasks;
  const state = [...t.stateCount];
  let all = t.live;
  let tif = t.tifCount;
  if (k.variant === 'rfc-v2') {
    for (let cpu = 0; cpu < k.cpus.count; cpu++) {
      if (k.cpus.online[cpu]) continue;
      const idle = idleTask(cpu);
      all--;
      const s = must(t.patchState[idle], 'idle task', idle) + 1;
      state[s] = must(state[s], 'patch state count', s) - 1;
      if (t.tif[idle]) tif--;
    }
  }
  return { all, state, tif };
}

/** Invariants 2 and 3, after every event that ends outside a kernel operation. */
export function checkQuiescent(k: Kernel): void {
  const g = k.klp;
  const tasks = k.tasks;
  const patch = transitionPatch(k);
  if (patch === undefined) {
    const undef = countInState(tasks.stateCount, KLP_UNDEFINED);
    if ((k.variant !== 'rfc-v2' && g.targetState !== KLP_UNDEFINED) || undef !== tasks.live || tasks.tifCount !== 0) {
      const rfc = k.variant === 'rfc-v2' ? ' (the RFC resets only the idle tasks of online CPUs)' : '';
      once(k, 'inv2', 2, `no transition is in progress, but ${tasks.live - undef} task(s) have a patch_state${rfc}, ${tasks.tifCount} have TIF_PATCH_PENDING, klp_target_state is ${g.targetState}`);
    }
    return;
  }
  if (k.variant !== 'mainline' && patch.immediate) return;
  const T = g.targetState;
  // Checked before every operation: the counters themselves where they are
  // the walked ones (no allocation), walkedCounts() for the RFC.
  const w = k.variant === 'rfc-v2' ? walkedCounts(k) : undefined;
  const state: ArrayLike<number> = w?.state ?? tasks.stateCount;
  const tif = w?.tif ?? tasks.tifCount;
  const undef = countInState(state, KLP_UNDEFINED);
  const notAtTarget = (w?.all ?? tasks.live) - countInState(state, T);
  if (undef !== 0 || (T !== KLP_PATCHED && T !== KLP_UNPATCHED) || tif !== notAtTarget) {
    const rfc = k.variant === 'rfc-v2' && undef > 0 ? ' (a CPU came online after the RFC initialised only the online ones)' : '';
    once(k, `inv3:${patch.id}:${g.requested}`, 3, `during the transition of '${patch.mod}', ${undef} task(s) have no patch state${rfc} and ${tif} have TIF_PATCH_PENDING where ${notAtTarget} are not at the target`);
  }
}

function once(k: Kernel, key: string, invariant: 2 | 3, text: string): void {
  if (k.klp.warned.includes(key)) return;
  k.klp.warned.push(key);
  k.violate({ invariant, text });
}
