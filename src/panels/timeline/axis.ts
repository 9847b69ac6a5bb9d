// The timeline's horizontal axis: simulated time, or the events in trace
// order ("event #"). Everything the timeline and its lanes draw is a point of
// the trace (a step and its simulated time); the axis says where a point
// goes, so the stacked area, the marks, the lanes, zoom and scrubbing all
// follow the axis chosen. The event axis is the default where most of what
// the timeline shows happens at one instant: the first pass of a transition
// switches most tasks within a few milliseconds, and the bug demos run
// entirely at 0 s, which a time axis draws as one vertical line.
import { scaleLinear } from 'd3';
import type { ScaleLinear } from 'd3';
import { enNumber } from '../../sim/format.ts';

export const US_PER_S = 1_000_000;

/** A point of the trace: the state after event `step`, at simulated time `time` (µs). */
export interface TracePoint {
  readonly step: number;
  readonly time: number;
}

export type AxisKind = 'time' | 'event';

export const AXIS_KINDS: readonly AxisKind[] = ['time', 'event'];

/** The axis's title under its ticks. */
export const AXIS_TITLE: Readonly<Record<AxisKind, string>> = { time: 'simulated time (s)', event: 'event #' };
/** What the plot is drawn over, in words (its accessible name, the exported image's title). */
export const AXIS_PHRASE: Readonly<Record<AxisKind, string>> = { time: 'simulated time', event: 'the events in trace order' };

/** The toggle's words for each axis. */
export const AXIS_WORDS: Readonly<Record<AxisKind, string>> = { time: 'Time', event: 'Event #' };

/** The shortest span the time axis shows, so that a trace all at 0 s still has an axis. */
export const MIN_SPAN_US = 1_000;

/** The narrowest window zooming in may show: on the time axis (µs), on the event axis (events). */
export const MIN_VISIBLE_US = 20;
export const MIN_VISIBLE_EVENTS = 8;

/** Where a point lies on the axis, in the axis's unit (seconds, or events). */
export function axisValue(kind: AxisKind, p: TracePoint): number {
  return kind === 'time' ? p.time / US_PER_S : p.step;
}

/** The axis's domain: from the start of the trace to `end`, never empty. */
export function axisDomain(kind: AxisKind, end: TracePoint): [number, number] {
  return kind === 'time' ? [0, Math.max(end.time, MIN_SPAN_US) / US_PER_S] : [0, Math.max(end.step, 1)];
}

/** The axis's unit across [left, right]. */
export function axisScale(kind: AxisKind, end: TracePoint, left: number, right: number): ScaleLinear<number, number> {
  return scaleLinear().domain(axisDomain(kind, end)).range([left, right]);
}

/** How far zooming in may go. */
export function axisMaxZoom(kind: AxisKind, end: TracePoint): number {
  const span = kind === 'time' ? Math.max(end.time, MIN_SPAN_US) / MIN_VISIBLE_US : Math.max(end.step, 1) / MIN_VISIBLE_EVENTS;
  return Math.min(1e6, Math.max(1, span));
}

export interface Tick {
  readonly value: number;
  readonly label: string;
}

/**
 * The axis's ticks: seconds with the precision the span needs (one tick at
 * 0 s while the whole trace is there), or whole event numbers.
 */
export function axisTicks(kind: AxisKind, x: ScaleLinear<number, number>, plotWidth: number, end: TracePoint): Tick[] {
  // d3 may return up to about twice the count asked for: ask for one per 150 px.
  const count = Math.max(2, Math.floor(plotWidth / 150));
  if (kind === 'time') {
    if (end.time <= 0) return [{ value: 0, label: '0 s' }];
    const format = x.tickFormat(count);
    return x.ticks(count).map((value) => ({ value, label: `${format(value)} s` }));
  }
  return x
    .ticks(count)
    .filter((v) => Number.isInteger(v))
    .map((value) => ({ value, label: enNumber(value) }));
}

/** Points within a window this share of the time span count as one instant. */
export const INSTANT_SHARE = 0.01;

/**
 * The default axis for a trace that reaches `end`, given the points the
 * timeline shows (samples and milestones): the event axis when the trace is
 * all at one time, or when at least half the points fall within one window of
 * 1% of the time span (most of the story happens at one instant); else time.
 */
export function autoAxis(points: readonly TracePoint[], end: TracePoint): AxisKind {
  if (end.step <= 0) return 'time';
  if (end.time <= 0) return 'event';
  if (points.length < 4) return 'time';
  const times = points.map((p) => p.time).sort((a, b) => a - b);
  const window = end.time * INSTANT_SHARE;
  let most = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] ?? 0) - (times[lo] ?? 0) > window) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most * 2 >= times.length ? 'event' : 'time';
}

/** The step a pixel of the event axis means: the nearest event, within the trace. */
export function stepAt(x: ScaleLinear<number, number>, px: number, endStep: number): number {
  return Math.min(Math.max(Math.round(x.invert(px)), 0), endStep);
}
