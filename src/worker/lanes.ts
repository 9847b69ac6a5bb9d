// What the timeline's lanes draw, recorded beside the trace: for every CPU,
// which task it runs from which step (only on machines of fewer than
// LANE_TASK_LIMIT tasks), and for every pinned task, each change of its
// patch_state, TIF_PATCH_PENDING and run state, each stack check and its
// switch. Pinning a task later reads its lane by replaying the trace.
import type { Engine } from '../sim/engine.ts';
import type { Kernel } from '../sim/kernel.ts';
import { idleTask } from '../sim/machine/cpus.ts';
import { cpuOf, runState } from '../sim/machine/tasks.ts';
import { must } from '../sim/must.ts';
import type { SimEvent, TaskId } from '../sim/types.ts';
import { LANE_TASK_LIMIT } from './protocol.ts';
import type { CpuRun, LaneMark } from './protocol.ts';

/** The most tasks one page pins. */
export const MAX_PINNED = 64;

/** The task a CPU runs now, -1 when it is offline. */
function currentOn(k: Kernel, cpu: number): number {
  return k.cpus.online[cpu] === 1 ? must(k.cpus.curr[cpu], 'CPU', cpu) : -1;
}

function onCpu(k: Kernel, t: TaskId): boolean {
  const cpu = cpuOf(k.tasks, t);
  return k.cpus.online[cpu] === 1 && (k.cpus.curr[cpu] === t || (t === idleTask(cpu) && k.cpus.curr[cpu] === t));
}

export class LaneRecorder {
  cpuRuns: CpuRun[] = [];
  marks: LaneMark[] = [];
  pinned: number[] = [];
  /** Whether CPU lanes are recorded for this machine. */
  private cpuLanes = false;
  private curr = new Int32Array(0);
  /** Each pinned task's last mark, by task. */
  private last = new Map<number, LaneMark>();

  /** Starts over for a new scenario, at step 0 of `engine`. */
  reset(engine: Engine, taskCount: number): void {
    const k = engine.kernel;
    this.cpuLanes = taskCount < LANE_TASK_LIMIT;
    this.cpuRuns = [];
    this.marks = [];
    this.pinned = [];
    this.last.clear();
    this.curr = new Int32Array(k.cpus.count).fill(-2);
    if (this.cpuLanes) this.observeCpus(k, 0, 0);
  }

  get recordsCpus(): boolean {
    return this.cpuLanes;
  }

  /** Records what the event `e` changed (the kernel's state being the one right after it). */
  observe(k: Kernel, e: SimEvent): void {
    if (this.cpuLanes) this.observeCpus(k, e.step, e.time);
    for (const t of this.pinned) this.observeTask(k, t, e);
  }

  private observeCpus(k: Kernel, step: number, time: number): void {
    const n = k.cpus.count;
    for (let cpu = 0; cpu < n; cpu++) {
      const t = currentOn(k, cpu);
      if (t !== this.curr[cpu]) {
        this.curr[cpu] = t;
        this.cpuRuns.push({ step, time, cpu, task: t });
      }
    }
  }

  private observeTask(k: Kernel, t: number, e: SimEvent | null): void {
    const tasks = k.tasks;
    if (t >= tasks.count) return;
    const id = t as TaskId;
    const step = e?.step ?? 0;
    const time = e?.time ?? 0;
    const patchState = must(tasks.patchState[id], 'task', id);
    const tif = must(tasks.tif[id], 'task', id);
    const run = runState(tasks, id, onCpu(k, id));
    const sw = e?.switches.find((s) => s.task === t);
    const checked = e !== null && e.task === t && (e.kind === 'switch-checked' || e.kind === 'switch-stalled');
    const check = checked ? (sw !== undefined ? 'switched' : 'stalled') : undefined;
    const prev = this.last.get(t);
    if (prev !== undefined && prev.patchState === patchState && prev.tif === tif && prev.run === run && check === undefined && sw === undefined) return;
    const mark: LaneMark = { step, time, task: t, patchState, tif, run, ...(check === undefined ? {} : { check }), ...(sw === undefined ? {} : { switchFrom: sw.from }) };
    this.marks.push(mark);
    this.last.set(t, mark);
  }

  /**
   * Pins or unpins `task`, then reads every pinned lane again by replaying
   * the computed trace (the engine ends where it was). Returns whether the
   * pinned set changed.
   */
  pin(engine: Engine, task: number, on: boolean): boolean {
    const has = this.pinned.includes(task);
    if (on === has || task < 0 || task >= engine.kernel.tasks.count) return false;
    if (on && this.pinned.length >= MAX_PINNED) return false;
    this.pinned = on ? [...this.pinned, task] : this.pinned.filter((t) => t !== task);
    this.replay(engine);
    return true;
  }

  private replay(engine: Engine): void {
    this.marks = [];
    this.last.clear();
    const here = engine.step;
    const end = engine.trace.length;
    engine.seek(0);
    const k = engine.kernel;
    for (const t of this.pinned) this.observeTask(k, t, null);
    while (engine.step < end) {
      const e = engine.stepForward();
      if (e === undefined) break;
      for (const t of this.pinned) this.observeTask(engine.kernel, t, e);
    }
    engine.seek(here);
  }

  /** Forgets what happened after `step` (a new branch starts there). */
  truncate(step: number): void {
    const cut = <T extends { step: number }>(xs: T[]): T[] => {
      const n = xs.findLastIndex((x) => x.step <= step) + 1;
      return n === xs.length ? xs : xs.slice(0, n);
    };
    this.cpuRuns = cut(this.cpuRuns);
    this.marks = cut(this.marks);
    this.curr.fill(-2);
    for (const r of this.cpuRuns) this.curr[r.cpu] = r.task;
    this.last.clear();
    for (const m of this.marks) this.last.set(m.task, m);
  }
}
