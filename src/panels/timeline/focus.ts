// The moment that matters, framed: on the event axis the timeline opens on
// the first pass of the first transition (from the enable to the end of its
// first pass: the retry armed, or the completion), while the playhead is in
// it and when that pass is a small part of the run (first-livepatch: events
// ~5–35 of 1,174), so that its task switches are drawn apart without zooming.
// "Whole run" shows all of it; the view turns to the whole run by itself once
// the playhead leaves the pass.
import { useCallback, useMemo, useState } from 'react';
import { scaleLinear } from 'd3';
import type { ScaleLinear } from 'd3';
import type { Milestone, ScenarioMeta } from '../../worker/protocol.ts';
import { MIN_VISIBLE_EVENTS } from './axis.ts';
import type { AxisKind, TracePoint } from './axis.ts';

/** The pass is framed only when it spans less than this share of the run. */
export const FOCUS_MAX_SHARE = 0.4;
/** Room on each side of the pass, as a share of its span (at least FOCUS_MIN_PAD events). */
const PAD_SHARE = 0.25;
const FOCUS_MIN_PAD = 4;

/** A window of the event axis: events lo .. hi. */
export interface FocusWindow {
  readonly lo: number;
  readonly hi: number;
}

/** Where the first transition's first pass ends: the retry it arms, or the transition's end. */
const ENDS_PASS: ReadonlySet<Milestone['kind']> = new Set(['retry', 'complete', 'reverse', 'force']);

/**
 * The first pass of the first transition that enables a patch, padded, on
 * the event axis; null if there is none yet in what is computed, if it is
 * not computed whole, or if it is a large part of the run anyway.
 */
export function firstPassWindow(axis: AxisKind, milestones: Iterable<Milestone>, end: TracePoint): FocusWindow | null {
  if (axis !== 'event') return null;
  let start: Milestone | undefined;
  let stop: Milestone | undefined;
  for (const m of milestones) {
    if (start === undefined) {
      if (m.kind === 'enable') start = m;
    } else if (m.step > start.step && ENDS_PASS.has(m.kind)) {
      stop = m;
      break;
    }
  }
  if (start === undefined || stop === undefined) return null;
  const pad = Math.max(FOCUS_MIN_PAD, Math.ceil((stop.step - start.step) * PAD_SHARE));
  const lo = Math.max(0, start.step - pad);
  const hi = stop.step + pad;
  if (hi > end.step || hi - lo >= end.step * FOCUS_MAX_SHARE) return null;
  return { lo, hi };
}

/** Framed while the playhead is in the pass (from when the pass is known until it leaves it); or as the user chose. */
type Mode = 'auto' | 'pass' | 'whole';

export interface Focus {
  /** The window shown instead of the whole run, if any. */
  readonly window: FocusWindow | null;
  /** A pass to frame exists (the toggle is offered). */
  readonly offered: boolean;
  readonly choose: (framed: boolean) => void;
}

/**
 * The timeline's framing for the scenario on screen: a new scenario starts
 * framed on its first pass once that is computed, if the playhead is in it
 * then; the playhead leaving the pass turns to the whole run for good;
 * "First pass" and "Whole run" choose.
 */
export function useFocus(meta: ScenarioMeta | null, axis: AxisKind, milestones: Iterable<Milestone>, end: TracePoint, step: number): Focus {
  const [state, setState] = useState<{ readonly meta: ScenarioMeta | null; readonly mode: Mode }>({ meta, mode: 'auto' });
  // One window object while its inputs hold: the plot's scale (and every path drawn with it) is derived from it.
  const pass = useMemo(() => firstPassWindow(axis, milestones, end), [axis, milestones, end]);
  const inside = pass !== null && step >= pass.lo && step <= pass.hi;
  // Derived state, adjusted while rendering: a new scenario starts framed; the playhead
  // not in the pass once it is known (a link further on), or leaving it (End, a far
  // stop, a scrub), turns to the whole run from then on, until the user asks for the pass.
  let mode: Mode = state.meta === meta ? state.mode : 'auto';
  if (mode === 'auto' && pass !== null && !inside) mode = 'whole';
  if (state.meta !== meta || state.mode !== mode) setState({ meta, mode });
  const framed = pass !== null && (mode === 'pass' || (mode === 'auto' && inside));
  const choose = useCallback((f: boolean) => setState({ meta, mode: f ? 'pass' : 'whole' }), [meta]);
  return { window: framed ? pass : null, offered: pass !== null, choose };
}

/** The event axis across [left, right] showing only the window. */
export function windowScale(w: FocusWindow, left: number, right: number): ScaleLinear<number, number> {
  return scaleLinear().domain([w.lo, w.hi]).range([left, right]);
}

/** How far zooming in may go within the window. */
export const windowMaxZoom = (w: FocusWindow): number => Math.max(1, (w.hi - w.lo) / MIN_VISIBLE_EVENTS);
