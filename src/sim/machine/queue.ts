// The timer queue: a binary min-heap of future happenings, ordered by time and
// then by insertion, so that equal times keep their order on every engine.
import type { SimState } from '../kernel.ts';
import type { SimTime } from '../types.ts';

export const Timer = {
  /** The CPU's current task reaches the end of its burst or of its time slice. */
  Cpu: 0,
  /** A sleeping task's timeout expires. */
  TaskWake: 1,
  /** klp_transition_work's delayed-work timer expires. */
  TransitionWork: 2,
  /** The shell's `sleep` ends, or its `wait` times out. */
  Shell: 3,
  /** wake_up_if_idle(): an idle CPU is sent through its idle loop. */
  IdleKick: 4,
  /** An idle task gets its CPU back and finishes do_idle(). */
  IdleEnter: 5,
} as const;
export type Timer = (typeof Timer)[keyof typeof Timer];

export interface TimerEntry {
  readonly time: SimTime;
  readonly seq: number;
  readonly type: Timer;
  readonly id: number;
  /** Generation of the owner when armed: a timer whose owner moved on is stale. */
  readonly gen: number;
}

export interface TimerQueue {
  heap: TimerEntry[];
  seq: number;
}

export const createQueue = (): TimerQueue => ({ heap: [], seq: 0 });

/** Entries are immutable, so a shallow copy is a full copy. */
export const cloneQueue = (q: TimerQueue): TimerQueue => ({ heap: q.heap.slice(), seq: q.seq });

const before = (a: TimerEntry, b: TimerEntry): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq);

export function arm(q: TimerQueue, time: SimTime, type: Timer, id: number, gen: number): void {
  const h = q.heap;
  const e: TimerEntry = { time, seq: q.seq++, type, id, gen };
  let i = h.length;
  h.push(e);
  while (i > 0) {
    const p = (i - 1) >> 1;
    const parent = h[p];
    if (parent === undefined || !before(e, parent)) break;
    h[i] = parent;
    i = p;
  }
  h[i] = e;
}

/** The owners a timer's generation is compared with. */
export type TimerOwners = Pick<SimState, 'cpus' | 'tasks' | 'klp' | 'shell'>;

/**
 * Whether a timer still means something: its owner did not move on (the
 * owner's generation is the one the timer was armed with). The one rule for
 * the engine and the search's state key, which differ only on the shell's
 * timer: the engine runs a stale one (`shellByGen` false: it moves the clock,
 * and shellTimer ignores it), while the state key leaves it out (`shellByGen`
 * true), as it has no effect on the future but the clock's.
 */
export function timerLive(s: TimerOwners, e: TimerEntry, shellByGen: boolean): boolean {
  switch (e.type) {
    case Timer.Cpu:
      return e.gen === s.cpus.timerGen[e.id] && s.cpus.online[e.id] === 1;
    case Timer.TaskWake:
      return e.gen === s.tasks.timerGen[e.id];
    case Timer.TransitionWork:
      return e.gen === s.klp.workGen;
    case Timer.Shell:
      return !shellByGen || e.gen === s.shell.gen;
    case Timer.IdleKick:
      return true;
    case Timer.IdleEnter:
      return e.gen === s.cpus.timerGen[e.id];
  }
  return true;
}

/** Drops stale entries from the top (they would be skipped when popped: timerLive, as the engine runs timers) and returns the first live one. */
export function peekLive(q: TimerQueue, s: TimerOwners): TimerEntry | undefined {
  for (let e = q.heap[0]; e !== undefined; e = q.heap[0]) {
    if (timerLive(s, e, false)) return e;
    pop(q);
  }
  return undefined;
}

export function pop(q: TimerQueue): TimerEntry | undefined {
  const h = q.heap;
  const top = h[0];
  const last = h.pop();
  if (h.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    // The heap holds no holes: a child past its end reads undefined.
    const l = 2 * i + 1;
    const left = h[l];
    if (left === undefined) break;
    const right = h[l + 1];
    const pickRight = right !== undefined && before(right, left);
    const child = pickRight ? right : left;
    if (!before(child, last)) break;
    h[i] = child;
    i = pickRight ? l + 1 : l;
  }
  h[i] = last;
  return top;
}
