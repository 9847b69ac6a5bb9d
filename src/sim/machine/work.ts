// A module's work item (scenario.md §6 `work`): at load a kworker runs the
// module's function; it logs `enter`, stays inside the function while the
// module's boolean `blockParam` is true (asleep there, where stack checks see
// it), then logs `exit` and returns. Unloading clears the parameter and waits
// for it. The kworker is a new worker of CPU 0's pool, made the first time;
// like a fork, it counts towards the task cap (limits.ts PID_MAX).
import type { Kernel } from '../kernel.ts';
import { EAGAIN } from '../errno.ts';
import { klpCopyProcess } from '../livepatch/transition.ts';
import type { TaskId } from '../types.ts';
import { callFunction, kworker } from './sched.ts';
import { addTask, depthOf, frameFn, frameVer, popFrames, pushFrame, Resume, Sched, TaskKind } from './tasks.ts';

/** The frames a worker has when it is not running a work item: kthread → worker_thread. */
const IDLE_DEPTH = 2;

/**
 * create_worker(): a new kworker of CPU 0's pool, or -EAGAIN once the run has
 * pidMax tasks, as kthread_create() fails when the kernel runs out of tasks.
 */
function spawnWorker(k: Kernel): TaskId | -11 {
  const tasks = k.tasks;
  if (tasks.count >= k.pidMax) return -EAGAIN as -11;
  const parent = kworker(k, 0);
  const n = k.s.modules.filter((m) => m.worker >= 0).length;
  const w = addTask(tasks, { pid: k.s.nextPid++, comm: `kworker/0:${2 + n}`, kind: TaskKind.Kworker, group: -1, cpu: 0, sched: Sched.Sleeping, resume: Resume.KthreadWake });
  // Workers are created by kthreadd; like any new task it starts in its creator's patch state.
  klpCopyProcess(k, w, parent);
  for (let i = 0, n = Math.min(IDLE_DEPTH, depthOf(tasks, parent)); i < n; i++) pushFrame(tasks, w, frameFn(tasks, parent, i), frameVer(tasks, parent, i));
  return w;
}

const blocks = (k: Kernel, mi: number): boolean => {
  const p = k.moduleSpec(mi).work?.blockParam;
  return p !== undefined && k.moduleAt(mi).params[p] === true;
};

/** At load, after the module's init lines: the work enters its function, and returns at once unless it blocks. */
export function startWork(k: Kernel, mi: number): void {
  const spec = k.moduleSpec(mi);
  const ms = k.moduleAt(mi);
  const work = spec.work;
  if (work === undefined) return;
  if (ms.worker < 0) {
    const w = spawnWorker(k);
    if (w < 0) {
      // The work stays queued with no worker to run it: its function is never
      // entered. (%pe prints the error's name; the kernel says it once per boot.)
      k.printk('err', 'workqueue: Failed to create a worker thread: -EAGAIN');
      return;
    }
    ms.worker = w;
  }
  const w = ms.worker as TaskId;
  popFrames(k.tasks, w, Math.min(IDLE_DEPTH, depthOf(k.tasks, w)));
  callFunction(k, w, k.world.fnId(work.function));
  ms.inWork = true;
  k.printk('info', `${spec.name}: ${work.enter}`);
  if (!blocks(k, mi)) finishWork(k, mi);
}

/** The block parameter is false: the work logs its exit line and returns to worker_thread. */
export function finishWork(k: Kernel, mi: number): void {
  const ms = k.moduleAt(mi);
  const spec = k.moduleSpec(mi);
  const work = spec.work;
  if (work === undefined || !ms.inWork) return;
  ms.inWork = false;
  k.printk('info', `${spec.name}: ${work.exit}`);
  popFrames(k.tasks, ms.worker as TaskId, IDLE_DEPTH);
}

/** A write to a module parameter: clearing the block parameter lets the work return. */
export function paramWritten(k: Kernel, mi: number): void {
  if (!blocks(k, mi)) finishWork(k, mi);
}

/** Unloading: clear the block parameter and wait for the work to return (flush_work). */
export function flushWork(k: Kernel, mi: number): void {
  const p = k.moduleSpec(mi).work?.blockParam;
  if (p !== undefined) k.moduleAt(mi).params[p] = false;
  finishWork(k, mi);
}
