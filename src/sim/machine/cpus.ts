// Per-CPU state: online or not, the task running (`rq->curr`), the run queue
// of tasks waiting for it, and the end of the current time slice.
import type { CpuId, TaskId } from '../types.ts';
import { must } from '../must.ts';

export const SLICE_US = 4000;

export interface CpuTable {
  readonly count: number;
  online: Uint8Array;
  /** The running task; the CPU's idle task when it has nothing else to run. */
  curr: Int32Array;
  /** When `curr` got the CPU. */
  since: Float64Array;
  sliceEnd: Float64Array;
  /** Generation of the CPU's timer; bumped whenever `curr` changes. */
  timerGen: Uint32Array;
  runqueue: TaskId[][];
}

export function createCpuTable(count: number): CpuTable {
  return {
    count,
    online: new Uint8Array(count),
    curr: new Int32Array(count),
    since: new Float64Array(count),
    sliceEnd: new Float64Array(count),
    timerGen: new Uint32Array(count),
    runqueue: Array.from({ length: count }, () => []),
  };
}

export function cloneCpuTable(c: CpuTable): CpuTable {
  return {
    count: c.count,
    online: c.online.slice(),
    curr: c.curr.slice(),
    since: c.since.slice(),
    sliceEnd: c.sliceEnd.slice(),
    timerGen: c.timerGen.slice(),
    runqueue: c.runqueue.map((q) => q.slice()),
  };
}

/** The idle task of CPU n is task n of the task table. */
export const idleTask = (cpu: number): TaskId => cpu as TaskId;

/** A new generation of CPU `cpu`'s timer (the old one's pending timer goes stale): the new value. */
export function bumpCpuTimer(c: CpuTable, cpu: CpuId): number {
  const gen = (must(c.timerGen[cpu], 'CPU', cpu) + 1) >>> 0;
  c.timerGen[cpu] = gen;
  return gen;
}
