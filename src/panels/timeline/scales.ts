// The timeline's maths, free of React: where things go in the SVG, the count
// scale, the stacked series of tasks by patch state, and the horizontal
// placement of milestone marks. Where a point of the trace goes across is the
// axis's business (./axis.ts): these functions take it as `px`.
import { area, curveStepAfter, line, scaleLinear, stack } from 'd3';
import type { ScaleLinear, Series } from 'd3';
import { must } from '../../sim/must.ts';
import type { PatchStateName } from '../../sim/names.ts';
import type { Milestone, Sample } from '../../worker/protocol.ts';
import { axisMaxZoom, axisScale, axisTicks } from './axis.ts';
import type { TracePoint } from './axis.ts';

export { MIN_SPAN_US, MIN_VISIBLE_US, US_PER_S } from './axis.ts';

/** Width used until the panel has been measured (and in jsdom, where layout is 0). */
export const DEFAULT_WIDTH = 960;

/** A point of the trace to pixels across, on the axis chosen (zoomed and panned). */
export type Px = (p: TracePoint) => number;

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly plotLeft: number;
  readonly plotRight: number;
  readonly areaTop: number;
  readonly areaBottom: number;
  /** Centre lines of the two lanes. */
  readonly milestoneY: number;
  readonly violationY: number;
  readonly laneHeight: number;
  /** Bottom of the lanes: the scrub area and the current-point line end here. */
  readonly plotBottom: number;
  readonly axisY: number;
  /** Baseline of the axis's title, under its tick labels. */
  readonly titleY: number;
}

const LEFT = 84;
const RIGHT = 16;
const TOP = 8;
const GAP = 6;

/** Heights of the area, of each lane and of the axis (its tick labels and title): the full plot, and the compact one of a short window. */
const FULL = { area: 74, lane: 20, axis: 32 } as const;
const COMPACT = { area: 58, lane: 17, axis: 28 } as const;

/** Where things go in the SVG; `compact`: the plot of a short window (134 px high rather than 160). */
export function layout(width: number, compact = false): Layout {
  const { area, lane, axis } = compact ? COMPACT : FULL;
  const w = Math.max(LEFT + RIGHT + 60, width);
  const areaTop = TOP;
  const areaBottom = areaTop + area;
  const milestoneY = areaBottom + GAP + lane / 2;
  const violationY = milestoneY + lane;
  const plotBottom = violationY + lane / 2;
  return {
    width: w,
    height: plotBottom + axis,
    plotLeft: LEFT,
    plotRight: w - RIGHT,
    areaTop,
    areaBottom,
    milestoneY,
    violationY,
    laneHeight: lane,
    plotBottom,
    axisY: plotBottom,
    titleY: plotBottom + axis - 3,
  };
}

/**
 * The simulated time (µs) the computed trace reaches: the latest of what the
 * series recorded and of `times` (the current frame's, the last log line's,
 * the one last seen at the end of the computed trace).
 */
export function traceEndTime(samples: readonly Sample[], milestones: readonly Milestone[], ...times: number[]): number {
  return Math.max(0, samples.at(-1)?.time ?? 0, milestones.at(-1)?.time ?? 0, ...times);
}

/** Seconds across [plotLeft, plotRight], from 0 to the end of the computed trace. */
export function timeScale(endUs: number, l: Layout): ScaleLinear<number, number> {
  return axisScale('time', { step: 0, time: endUs }, l.plotLeft, l.plotRight);
}

/** How far zooming in on the time axis may go: until MIN_VISIBLE_US fill the plot. */
export function maxZoom(endUs: number): number {
  return axisMaxZoom('time', { step: 0, time: endUs });
}

export function taskTotal(s: Sample): number {
  return s.undefined + s.unpatched + s.patched;
}

/**
 * Task counts upwards from the bottom of the area, up to the most tasks the
 * series recorded or `tasks` (the machine's live tasks now), whichever is
 * more: before anything is computed the axis already reads 19 for 19 tasks.
 */
export function countScale(samples: readonly Sample[], l: Layout, tasks = 0): ScaleLinear<number, number> {
  let max = Math.max(1, tasks);
  for (const s of samples) max = Math.max(max, taskTotal(s), s.pending);
  return scaleLinear().domain([0, max]).range([l.areaBottom, l.areaTop]);
}

/** Whole-number ticks for the count axis: 0, the maximum and a middle one if it fits. */
export function countTicks(y: ScaleLinear<number, number>): number[] {
  const [, max = 0] = y.domain();
  const mid = Math.round(max / 2);
  return max >= 4 ? [0, mid, max] : [0, max];
}

/**
 * Ticks on the time axis, labelled in seconds with the precision the span
 * needs; while the whole trace is at 0 s, only that one.
 */
export function timeTicks(x: ScaleLinear<number, number>, plotWidth: number, endUs = Infinity): { readonly value: number; readonly label: string }[] {
  return axisTicks('time', x, plotWidth, { step: 0, time: endUs });
}

/** Patch states stacked bottom to top: patched, unpatched, undefined. */
export const STATE_KEYS = ['patched', 'unpatched', 'undefined'] as const satisfies readonly PatchStateName[];
export type StateKey = (typeof STATE_KEYS)[number];

/**
 * The samples as a step function held until `end` (a point, or a time in
 * µs): each sample's counts hold until the next one, and the last until the
 * end of the trace.
 */
export function heldSamples(samples: readonly Sample[], end: TracePoint | number): readonly Sample[] {
  const last = samples.at(-1);
  const to = typeof end === 'number' ? { step: last?.step ?? 0, time: end } : end;
  if (last === undefined || (to.time <= last.time && to.step <= last.step)) return samples;
  return [...samples, { ...last, step: Math.max(last.step, to.step), time: Math.max(last.time, to.time) }];
}

/**
 * The samples a step-function drawing needs between `left` and `right` (px):
 * the last one before `left`, then the first and the last of each pixel
 * column, then the first one past `right`. Whatever changed and changed
 * back within one column could not be seen anyway; 20,000 samples on a
 * 1,300 px plot become at most 2,600 points.
 */
export function decimate(samples: readonly Sample[], px: Px, left: number, right: number): readonly Sample[] {
  const n = samples.length;
  if (n <= 2) return samples;
  // The last sample at or before `left` (or the first sample).
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (px(must(samples[mid], 'sample', mid)) <= left) lo = mid + 1;
    else hi = mid;
  }
  const out: Sample[] = [];
  let col = NaN;
  let last: Sample | null = null;
  for (let i = Math.max(0, lo - 1); i < n; i++) {
    const s = must(samples[i], 'sample', i);
    const at = px(s);
    const c = Math.floor(at);
    if (c !== col) {
      if (last !== null) out.push(last);
      last = null;
      out.push(s);
      col = c;
    } else last = s;
    if (at > right) break;
  }
  if (last !== null) out.push(last);
  return out;
}

export function stackSamples(samples: readonly Sample[]): Series<Sample, StateKey>[] {
  return stack<Sample, StateKey>()
    .keys(STATE_KEYS)
    .value((d, k) => d[k])([...samples]);
}

export function areaPath(series: Series<Sample, StateKey>, px: Px, y: ScaleLinear<number, number>): string {
  return (
    area<Series<Sample, StateKey>[number]>()
      .x((d) => px(d.data))
      .y0((d) => y(d[0]))
      .y1((d) => y(d[1]))
      .curve(curveStepAfter)(series) ?? ''
  );
}

export function pendingPath(samples: readonly Sample[], px: Px, y: ScaleLinear<number, number>): string {
  return (
    line<Sample>()
      .x((d) => px(d))
      .y((d) => y(d.pending))
      .curve(curveStepAfter)(samples) ?? ''
  );
}

export interface PlacedMark {
  readonly milestone: Milestone;
  /** Where the mark is drawn. */
  readonly x: number;
  /** Where its time falls; differs from `x` when it was moved aside from a neighbour. */
  readonly at: number;
}

/**
 * Places marks along a lane in trace order, moving each right of the one
 * before when they would overlap (by less than `gap` px), but never more
 * than `maxShift` px from its time: many marks at one time (a command, the
 * enable, init and start all at 0 s) stay apart and clickable, and a burst
 * cannot push later marks far from their times. Marks whose time is in view
 * are kept left of `right` (the plot's end) by moving the last ones left.
 */
export function placeMarks(milestones: readonly Milestone[], px: Px, gap: number, maxShift = 120, right = Infinity): PlacedMark[] {
  const placed = milestones.map((m) => ({ milestone: m, x: 0, at: px(m) }));
  let prev = -Infinity;
  for (const p of placed) {
    prev = Math.min(Math.max(p.at, prev + gap), p.at + maxShift);
    p.x = prev;
  }
  let limit = right;
  for (const p of [...placed].reverse()) {
    if (p.at > right) continue;
    if (p.x > limit) p.x = Math.max(limit, p.at - maxShift);
    limit = p.x - gap;
  }
  return placed;
}
