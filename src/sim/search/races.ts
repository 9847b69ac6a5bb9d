// The races two "what if" switches open (whatIf.ts): without a barrier, or
// without a synchronisation, another CPU may act on stale values. Whether
// such a race happens is a choice point (kind `race`, default: it does not),
// so the seed never shows it and the search can.
import type { Kernel } from '../kernel.ts';
import { describeVersion } from '../invariants.ts';
import { idleTask } from '../machine/cpus.ts';
import type { KlpPatch } from '../livepatch/state.ts';
import { funcsOf } from '../livepatch/state.ts';
import { newVersionOf } from '../livepatch/version.ts';
import { KLP_UNDEFINED } from '../types.ts';
import type { TaskId } from '../types.ts';
import { cpuOf, groupOf } from '../machine/tasks.ts';
import { must } from '../must.ts';

/**
 * `no-init-wmb`: the handler in task `t` reads func->transition as set. With
 * the smp_wmb() of klp_init_transition gone, a CPU that has not been through
 * the scheduler since the init (its timer generation is the same) may still
 * see the task's patch_state as it was before: KLP_UNDEFINED.
 */
export function staleInitRead(k: Kernel, t: TaskId): boolean {
  if (!k.whatIf.has('no-init-wmb')) return false;
  const cpu = cpuOf(k.tasks, t);
  const seen = k.klp.initTimerGen;
  if (k.tasks.patchState[t] === KLP_UNDEFINED || seen[cpu] !== k.cpus.timerGen[cpu] || k.cpus.curr[cpu] !== t) return false;
  return k.s.rng.choose('race', 0, 1, 0) === 1;
}

/** Whether task `t`'s workload ever calls function `fn`. */
function mayCall(k: Kernel, t: TaskId, fn: number): boolean {
  // Built-in tasks (group -1) run no workload of the scenario's.
  const g = k.world.groups[groupOf(k.tasks, t)];
  if (g === undefined) return false;
  return g.calls.includes(fn) || g.loop.includes(fn) || g.syscalls.some((i) => must(k.world.syscalls[i], 'system call', i).chain.includes(fn));
}

/**
 * `no-complete-sync`: klp_unpatch_objects has just taken the patch's funcs
 * off their func_stacks. Without klp_synchronize_transition, a task running
 * on another CPU may be inside the ftrace handler with a func it read
 * before: it goes on into the patch's code, which the completed unpatch
 * says nobody runs (invariant 7).
 */
export function raceRemovedFuncs(k: Kernel, patch: KlpPatch): void {
  if (!k.whatIf.has('no-complete-sync')) return;
  const here = k.current >= 0 ? k.tasks.cpu[k.current] : -1;
  for (let cpu = 0; cpu < k.cpus.count; cpu++) {
    const t = k.cpus.curr[cpu] as TaskId;
    if (!k.cpus.online[cpu] || cpu === here || t === idleTask(cpu)) continue;
    const f = funcsOf(k.klp, patch).find((f) => mayCall(k, t, f.oldFn));
    if (f === undefined || k.s.rng.choose('race', 0, 1, 0) === 0) continue;
    k.violate(
      {
        invariant: 7,
        text: `'${patch.mod}' is unpatched, but ${k.name(t)} on CPU ${cpu} was still inside klp_ftrace_handler with the func it took from the func_stack before the removal: with no klp_synchronize_transition to wait for it, it runs ${describeVersion(k, f.oldFn, newVersionOf(f))}`,
      },
      t,
    );
  }
}
