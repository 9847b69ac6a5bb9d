// The task table: every task_struct the simulation knows, as columns of typed
// arrays (one row per task), so that 100,000 tasks clone in a few copies and
// cross to the UI without conversion.
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../types.ts';
import type { CpuId, KlpState, TaskId } from '../types.ts';
import type { FuncVersion } from '../livepatch/version.ts';
import { must } from '../must.ts';

export const TaskKind = {
  Idle: 0,
  Shell: 1,
  Kworker: 2,
  User: 3,
  Kthread: 4,
} as const;
export type TaskKind = (typeof TaskKind)[keyof typeof TaskKind];

/** Scheduler state: where the task is, not what it executes. */
export const Sched = {
  Running: 0,
  Runnable: 1,
  Sleeping: 2,
  Dead: 3,
} as const;
export type Sched = (typeof Sched)[keyof typeof Sched];

/** What a task does when it next gets a CPU. */
export const Resume = {
  /** In user space: continue the current burst. */
  UserBurst: 0,
  /** Woken inside a system call: finish it and return to user space. */
  FinishSyscall: 1,
  /** A child before its first run: return from fork to user space. */
  RetFromFork: 2,
  /** A kthread woken in its loop: make its calls, then sleep again. */
  KthreadWake: 3,
  /** A CPU-bound kthread: keep running its loop. */
  KthreadBusy: 4,
  /** kworker with the livepatch transition work queued. */
  TransitionWork: 5,
  /** Nothing: idle tasks and the shell are not scheduled this way. */
  None: 6,
} as const;
export type Resume = (typeof Resume)[keyof typeof Resume];

/** Display state of a task for the UI. */
export const RunState = {
  User: 0,
  Running: 1,
  Runnable: 2,
  Sleeping: 3,
  Dead: 4,
} as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export interface TaskTable {
  count: number;
  capacity: number;
  /** Frames per task (deepest call chain of the scenario). */
  readonly depthMax: number;
  pid: Int32Array;
  comm: string[];
  kind: Uint8Array;
  /** Task group index in the scenario, -1 for built-in tasks. */
  group: Int32Array;
  patchState: Int8Array;
  /** TIF_PATCH_PENDING. */
  tif: Uint8Array;
  sched: Uint8Array;
  resume: Uint8Array;
  cpu: Int16Array;
  /** Remaining microseconds of the current user burst. */
  remaining: Float64Array;
  /** Generation of the task's wake-up timer; a popped timer of another generation is stale. */
  timerGen: Uint32Array;
  /** System call the task is in (index in the world's syscall table), -1 for none. */
  syscall: Int32Array;
  depth: Uint8Array;
  /** Frame i of task t is at t * depthMax + i: the function and the version running. */
  stackFn: Int32Array;
  /** The version each frame runs (FuncVersion, src/sim/livepatch/version.ts). */
  stackVer: Int32Array;
  /** How many tasks are in each patch state (index state + 1), dead tasks excluded. */
  stateCount: Int32Array;
  /** How many live tasks have TIF_PATCH_PENDING. */
  tifCount: number;
  live: number;
}

const GROW = 2;

export function createTaskTable(capacity: number, depthMax: number): TaskTable {
  return {
    count: 0,
    capacity,
    depthMax,
    pid: new Int32Array(capacity),
    comm: [],
    kind: new Uint8Array(capacity),
    group: new Int32Array(capacity),
    patchState: new Int8Array(capacity),
    tif: new Uint8Array(capacity),
    sched: new Uint8Array(capacity),
    resume: new Uint8Array(capacity),
    cpu: new Int16Array(capacity),
    remaining: new Float64Array(capacity),
    timerGen: new Uint32Array(capacity),
    syscall: new Int32Array(capacity),
    depth: new Uint8Array(capacity),
    stackFn: new Int32Array(capacity * depthMax),
    stackVer: new Int32Array(capacity * depthMax),
    stateCount: new Int32Array(3),
    tifCount: 0,
    live: 0,
  };
}

function grown<T extends Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

function grow(t: TaskTable): void {
  const cap = Math.max(16, t.capacity * GROW);
  const d = t.depthMax;
  t.pid = grown(t.pid, cap);
  t.kind = grown(t.kind, cap);
  t.group = grown(t.group, cap);
  t.patchState = grown(t.patchState, cap);
  t.tif = grown(t.tif, cap);
  t.sched = grown(t.sched, cap);
  t.resume = grown(t.resume, cap);
  t.cpu = grown(t.cpu, cap);
  t.remaining = grown(t.remaining, cap);
  t.timerGen = grown(t.timerGen, cap);
  t.syscall = grown(t.syscall, cap);
  t.depth = grown(t.depth, cap);
  t.stackFn = grown(t.stackFn, cap * d);
  t.stackVer = grown(t.stackVer, cap * d);
  t.capacity = cap;
}

export interface NewTask {
  readonly pid: number;
  readonly comm: string;
  readonly kind: TaskKind;
  readonly group: number;
  readonly cpu: CpuId;
  readonly sched: Sched;
  readonly resume: Resume;
  readonly patchState?: KlpState;
}

/** Adds `by` to the count of live tasks in patch state `state`. */
function countState(t: TaskTable, state: number, by: 1 | -1): void {
  const i = state + 1;
  t.stateCount[i] = must(t.stateCount[i], 'count of patch state', state) + by;
}

export function addTask(t: TaskTable, n: NewTask): TaskId {
  if (t.count === t.capacity) grow(t);
  const id = t.count++ as TaskId;
  t.pid[id] = n.pid;
  t.comm[id] = n.comm;
  t.kind[id] = n.kind;
  t.group[id] = n.group;
  const state = n.patchState ?? KLP_UNDEFINED;
  t.patchState[id] = state;
  countState(t, state, 1);
  t.tif[id] = 0;
  t.sched[id] = n.sched;
  t.resume[id] = n.resume;
  t.cpu[id] = n.cpu;
  t.remaining[id] = 0;
  t.timerGen[id] = 0;
  t.syscall[id] = -1;
  t.depth[id] = 0;
  t.live++;
  return id;
}

export function setPatchState(t: TaskTable, id: TaskId, state: KlpState): void {
  if (t.sched[id] !== Sched.Dead) {
    countState(t, must(t.patchState[id], 'task', id), -1);
    countState(t, state, 1);
  }
  t.patchState[id] = state;
}

export function setTif(t: TaskTable, id: TaskId, on: boolean): void {
  const v = on ? 1 : 0;
  if (t.tif[id] === v) return;
  if (t.sched[id] !== Sched.Dead) t.tifCount += on ? 1 : -1;
  t.tif[id] = v;
}

export function markDead(t: TaskTable, id: TaskId): void {
  if (t.sched[id] === Sched.Dead) return;
  countState(t, must(t.patchState[id], 'task', id), -1);
  if (t.tif[id]) t.tifCount--;
  t.live--;
  t.sched[id] = Sched.Dead;
  t.depth[id] = 0;
}

export function pushFrame(t: TaskTable, id: TaskId, fn: number, version: FuncVersion): void {
  const d = depthOf(t, id);
  if (d >= t.depthMax) throw new Error(`stack overflow in ${t.comm[id]}:${t.pid[id]}`);
  const at = id * t.depthMax + d;
  t.stackFn[at] = fn;
  t.stackVer[at] = version;
  t.depth[id] = d + 1;
}

export function popFrames(t: TaskTable, id: TaskId, toDepth: number): void {
  if (depthOf(t, id) > toDepth) t.depth[id] = toDepth;
}

/** How many tasks the counters `counts` (indexed by patch state + 1, as stateCount) have in `state`. */
export const countInState = (counts: ArrayLike<number>, state: KlpState): number => must(counts[state + 1], 'count of patch state', state);

/** The CPU task `id` is on (or last ran on); throws if `id` is not a row of the table. */
export const cpuOf = (t: TaskTable, id: TaskId): CpuId => must(t.cpu[id], 'task', id);

/** Task `id`'s group: an index in the scenario's task groups, -1 for built-in tasks; throws if `id` is not a row of the table. */
export const groupOf = (t: TaskTable, id: TaskId): number => must(t.group[id], 'task', id);

/** Task `id`'s kind; throws if `id` is not a row of the table (addTask writes only TaskKind values). */
export const kindOf = (t: TaskTable, id: TaskId): TaskKind => must(t.kind[id], 'task', id) as TaskKind;

/** The live tasks in each patch state. */
export function patchStateCounts(t: TaskTable): { undefined: number; unpatched: number; patched: number } {
  const c = t.stateCount;
  return { undefined: countInState(c, KLP_UNDEFINED), unpatched: countInState(c, KLP_UNPATCHED), patched: countInState(c, KLP_PATCHED) };
}

/** Invalidates the task's armed wake-up timer (its generation moves on); returns the new generation. */
export function bumpTaskTimer(t: TaskTable, id: TaskId): number {
  const gen = (must(t.timerGen[id], 'task', id) + 1) >>> 0;
  t.timerGen[id] = gen;
  return gen;
}

/** How many frames task `id` has on its stack; throws if `id` is not a row of the table. */
export const depthOf = (t: TaskTable, id: TaskId): number => must(t.depth[id], 'task', id);

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every frame checked): frame i < depth <= depthMax of row id is inside the stack columns */
export const frameFn = (t: TaskTable, id: TaskId, i: number): number => t.stackFn[id * t.depthMax + i]!;
/* eslint-enable @typescript-eslint/no-non-null-assertion */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every frame checked): frame i < depth <= depthMax of row id is inside the stack columns */
export const frameVer = (t: TaskTable, id: TaskId, i: number): FuncVersion => t.stackVer[id * t.depthMax + i]!;
/* eslint-enable @typescript-eslint/no-non-null-assertion */

export function runState(t: TaskTable, id: TaskId, onCpu: boolean): RunState {
  switch (t.sched[id] as Sched) {
    case Sched.Dead:
      return RunState.Dead;
    case Sched.Sleeping:
      return RunState.Sleeping;
    default:
      if ((t.kind[id] === TaskKind.User || t.kind[id] === TaskKind.Shell) && t.depth[id] === 0) return RunState.User;
      return onCpu ? RunState.Running : RunState.Runnable;
  }
}

export function cloneTaskTable(t: TaskTable): TaskTable {
  return {
    ...t,
    pid: t.pid.slice(),
    comm: t.comm.slice(),
    kind: t.kind.slice(),
    group: t.group.slice(),
    patchState: t.patchState.slice(),
    tif: t.tif.slice(),
    sched: t.sched.slice(),
    resume: t.resume.slice(),
    cpu: t.cpu.slice(),
    remaining: t.remaining.slice(),
    timerGen: t.timerGen.slice(),
    syscall: t.syscall.slice(),
    depth: t.depth.slice(),
    stackFn: t.stackFn.slice(),
    stackVer: t.stackVer.slice(),
    stateCount: t.stateCount.slice(),
  };
}

export const taskName = (t: TaskTable, id: TaskId): string => `${t.comm[id]}:${t.pid[id]}`;

/**
 * A task table packed for a checkpoint: the rows in use only, and of each
 * stack only the frames in use, in three typed arrays (about 30 bytes a task
 * plus 8 a frame, where a clone copies every column at full capacity).
 */
export interface PackedTaskTable {
  readonly count: number;
  readonly capacity: number;
  readonly depthMax: number;
  readonly tifCount: number;
  readonly live: number;
  readonly stateCount: readonly [number, number, number];
  readonly comm: readonly string[];
  /** remaining */
  readonly f64: Float64Array;
  /** pid, group, timerGen, syscall, cpu (count each), then fn and version of each frame in use. */
  readonly i32: Int32Array;
  /** kind, patchState + 1, tif, sched, resume, depth (count each). */
  readonly u8: Uint8Array;
}

/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every checkpoint, all tasks): i < count <= capacity of every column, f < depth <= depthMax, and i32 is sized for the frames counted */
export function packTaskTable(t: TaskTable): PackedTaskTable {
  const n = t.count;
  let frames = 0;
  for (let i = 0; i < n; i++) frames += t.depth[i]!;
  const f64 = t.remaining.slice(0, n);
  const i32 = new Int32Array(5 * n + 2 * frames);
  i32.set(t.pid.subarray(0, n), 0);
  i32.set(t.group.subarray(0, n), n);
  for (let i = 0; i < n; i++) i32[2 * n + i] = t.timerGen[i]! | 0;
  i32.set(t.syscall.subarray(0, n), 3 * n);
  for (let i = 0; i < n; i++) i32[4 * n + i] = t.cpu[i]!;
  let at = 5 * n;
  const d = t.depthMax;
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let f = 0; f < t.depth[i]!; f++) {
      i32[at++] = t.stackFn[base + f]!;
      i32[at++] = t.stackVer[base + f]!;
    }
  }
  const u8 = new Uint8Array(6 * n);
  u8.set(t.kind.subarray(0, n), 0);
  for (let i = 0; i < n; i++) u8[n + i] = t.patchState[i]! + 1;
  u8.set(t.tif.subarray(0, n), 2 * n);
  u8.set(t.sched.subarray(0, n), 3 * n);
  u8.set(t.resume.subarray(0, n), 4 * n);
  u8.set(t.depth.subarray(0, n), 5 * n);
  return {
    count: n,
    capacity: t.capacity,
    depthMax: d,
    tifCount: t.tifCount,
    live: t.live,
    stateCount: [t.stateCount[0]!, t.stateCount[1]!, t.stateCount[2]!],
    comm: t.comm.slice(0, n),
    f64,
    i32,
    u8,
  };
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/** Approximate heap bytes of a packed table. */
export const packedTaskBytes = (p: PackedTaskTable): number => 400 + p.f64.byteLength + p.i32.byteLength + p.u8.byteLength + 8 * p.comm.length;

/** A live task table made from a packed one: the same as the table that was packed. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every restore, all tasks): the packed arrays hold count rows and the frames their depths say, as packTaskTable wrote them */
export function unpackTaskTable(p: PackedTaskTable): TaskTable {
  const n = p.count;
  const t = createTaskTable(p.capacity, p.depthMax);
  t.count = n;
  t.tifCount = p.tifCount;
  t.live = p.live;
  t.stateCount.set(p.stateCount);
  t.comm = p.comm.slice();
  t.remaining.set(p.f64);
  const i32 = p.i32;
  t.pid.set(i32.subarray(0, n));
  t.group.set(i32.subarray(n, 2 * n));
  for (let i = 0; i < n; i++) t.timerGen[i] = i32[2 * n + i]! >>> 0;
  t.syscall.set(i32.subarray(3 * n, 4 * n));
  for (let i = 0; i < n; i++) t.cpu[i] = i32[4 * n + i]!;
  const u8 = p.u8;
  t.kind.set(u8.subarray(0, n));
  for (let i = 0; i < n; i++) t.patchState[i] = u8[n + i]! - 1;
  t.tif.set(u8.subarray(2 * n, 3 * n));
  t.sched.set(u8.subarray(3 * n, 4 * n));
  t.resume.set(u8.subarray(4 * n, 5 * n));
  t.depth.set(u8.subarray(5 * n, 6 * n));
  let at = 5 * n;
  const d = p.depthMax;
  for (let i = 0; i < n; i++) {
    const base = i * d;
    const depth = u8[5 * n + i]!;
    for (let f = 0; f < depth; f++) {
      t.stackFn[base + f] = i32[at++]!;
      t.stackVer[base + f] = i32[at++]!;
    }
  }
  return t;
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */
