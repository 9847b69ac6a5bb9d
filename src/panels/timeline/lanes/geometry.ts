// The lanes' shapes, free of React: for a CPU, the stretches of time each
// task runs and the task switches; for a pinned task, its run state, patch
// state and pending flag over time, its stack checks and its switches. All
// in pixels of the timeline's axis (simulated time or event #, zoomed and
// panned); what lies outside the visible window, or is narrower than a
// pixel, is not drawn.
import { PATCH_STATE_NAMES, RUN_STATE_NAMES, TASK_KIND_NAMES } from '../../../sim/names.ts';
import type { PatchStateName, RunStateName, TaskKindName } from '../../../sim/names.ts';
import type { CpuRun, LaneCheck, LaneMark } from '../../../worker/protocol.ts';
import type { TracePoint } from '../axis.ts';

/** A stretch's CSS class is the name of the task kind, run state or patch state it draws. */
const STATE_CLASS: Readonly<Record<number, PatchStateName>> = PATCH_STATE_NAMES;

export interface Window {
  /** A point of the trace to pixels, on the timeline's axis. */
  readonly px: (p: TracePoint) => number;
  readonly left: number;
  readonly right: number;
  /** The end of the computed trace: the last stretch runs to here. */
  readonly end: TracePoint;
}

interface Span {
  readonly x0: number;
  readonly x1: number;
}

/** A stretch [from, to) in pixels, clipped to the window; null when not visible or under half a pixel. */
function span(w: Window, from: TracePoint, to: TracePoint): Span | null {
  const x0 = Math.max(w.left, w.px(from));
  const x1 = Math.min(w.right, w.px(to));
  return x1 - x0 >= 0.5 ? { x0, x1 } : null;
}

const rect = (s: Span, y: number, h: number): string => `M${s.x0.toFixed(1)},${y}H${s.x1.toFixed(1)}V${y + h}H${s.x0.toFixed(1)}Z`;

export interface Label {
  readonly x: number;
  readonly width: number;
  readonly task: number;
}

export interface CpuLaneShape {
  /** Stretches to fill, by kind of task run: x0, x1 pairs in pixels (adjacent stretches of one kind merged). */
  readonly fills: Partial<Record<TaskKindName | 'offline', number[]>>;
  /** Where the CPU switches task, in pixels (at most one per pixel). */
  readonly switches: readonly number[];
  /** Stretches wide enough to name their task. */
  readonly labels: readonly Label[];
}

/** Splits the CPU runs by CPU, in step order. */
export function runsByCpu(runs: readonly CpuRun[], cpus: number): CpuRun[][] {
  const out: CpuRun[][] = Array.from({ length: cpus }, () => []);
  for (const r of runs) out[r.cpu]?.push(r);
  return out;
}

/**
 * The shape of one CPU's lane: plain numbers for a canvas to draw (a lane
 * of a long run has tens of thousands of stretches: as SVG paths they cost
 * more than a frame to lay out). Stretches under half a pixel are left out.
 */
export function cpuLane(runs: readonly CpuRun[], kindOf: (task: number) => number, w: Window, minLabel = 44): CpuLaneShape {
  const fills: Partial<Record<TaskKindName | 'offline', number[]>> = {};
  const switches: number[] = [];
  const labels: Label[] = [];
  let lastTick = -Infinity;
  for (const [i, r] of runs.entries()) {
    const to = runs[i + 1] ?? w.end;
    if (i > 0) {
      const px = w.px(r);
      // One tick per pixel is enough.
      if (px >= w.left && px <= w.right && px - lastTick >= 1) {
        switches.push(px);
        lastTick = px;
      }
    }
    const s = span(w, r, to);
    if (s === null) continue;
    const cls = r.task < 0 ? 'offline' : (TASK_KIND_NAMES[kindOf(r.task)] ?? 'user');
    if (cls === 'idle') continue;
    const xs = (fills[cls] ??= []);
    // Touching the stretch before, of the same kind: one longer stretch.
    const end = xs.at(-1);
    if (end !== undefined && s.x0 - end < 0.5) xs[xs.length - 1] = s.x1;
    else xs.push(s.x0, s.x1);
    if (r.task >= 0 && s.x1 - s.x0 >= minLabel) labels.push({ x: s.x0, width: s.x1 - s.x0, task: r.task });
  }
  return { fills, switches, labels };
}

export interface CheckMark {
  readonly x: number;
  readonly step: number;
  readonly result: LaneCheck;
}

export interface SwitchMark {
  readonly x: number;
  readonly step: number;
  readonly time: number;
  readonly from: number;
  readonly to: number;
}

export interface TaskLaneShape {
  /** Run state stretches, one path per state (the lane's body). */
  readonly runs: Partial<Record<RunStateName, string>>;
  /** patch_state stretches along the top, one path per state. */
  readonly states: Partial<Record<PatchStateName, string>>;
  /** TIF_PATCH_PENDING stretches along the bottom. */
  readonly pending: string;
  readonly checks: readonly CheckMark[];
  readonly switches: readonly SwitchMark[];
}

/** The shape of one pinned task's lane (its marks in step order), `h` pixels high from `y`. */
export function taskLane(marks: readonly LaneMark[], w: Window, y: number, h: number): TaskLaneShape {
  const runs: Record<string, string> = {};
  const states: Record<string, string> = {};
  let pending = '';
  const checks: CheckMark[] = [];
  const switches: SwitchMark[] = [];
  const band = Math.max(3, Math.round(h / 4));
  let lastCheck = -Infinity;
  for (const [i, m] of marks.entries()) {
    const to = marks[i + 1] ?? w.end;
    const s = span(w, m, to);
    if (s !== null) {
      const run = RUN_STATE_NAMES[m.run] ?? 'user';
      if (run !== 'dead') runs[run] = (runs[run] ?? '') + rect(s, y + band, h - 2 * band);
      const st = STATE_CLASS[m.patchState] ?? 'undefined';
      states[st] = (states[st] ?? '') + rect(s, y, band);
      if (m.tif === 1) pending += rect(s, y + h - band, band);
    }
    const px = w.px(m);
    if (px < w.left - 0.5 || px > w.right + 0.5) continue;
    if (m.switchFrom !== undefined) switches.push({ x: px, step: m.step, time: m.time, from: m.switchFrom, to: m.patchState });
    // A failed check per pixel is enough; every successful one is a switch.
    if (m.check !== undefined && (m.check === 'switched' || px - lastCheck >= 2)) {
      checks.push({ x: px, step: m.step, result: m.check });
      lastCheck = px;
    }
  }
  return { runs, states, pending, checks, switches };
}

/** Each pinned task's marks, in step order. */
export function marksByTask(marks: readonly LaneMark[]): Map<number, LaneMark[]> {
  const out = new Map<number, LaneMark[]>();
  for (const m of marks) {
    let list = out.get(m.task);
    if (list === undefined) out.set(m.task, (list = []));
    list.push(m);
  }
  return out;
}
