// Scrubbing: which step a point in time means. The candidates are the steps
// the series recorded (samples and milestones), so a drag lands on a step
// where something visible changed.
import { must } from '../../sim/must.ts';
import type { Milestone, Sample } from '../../worker/protocol.ts';

export interface ScrubPoint {
  readonly time: number;
  readonly step: number;
}

const byTimeThenStep = (a: ScrubPoint, b: ScrubPoint) => a.time - b.time || a.step - b.step;

/** Samples, milestones and any `extra` points (the end of the trace), sorted by time then step. */
export function scrubPoints(samples: readonly Sample[], milestones: readonly Milestone[], extra: readonly ScrubPoint[] = []): ScrubPoint[] {
  const out: ScrubPoint[] = [];
  for (const s of samples) out.push({ time: s.time, step: s.step });
  for (const m of milestones) out.push({ time: m.time, step: m.step });
  for (const p of extra) out.push(p);
  return out.sort(byTimeThenStep);
}

/**
 * The step nearest to `time` among `points` (sorted by time then step), or
 * null if there are none. Of several points at the nearest time, the last
 * step wins: the state once everything at that time has happened.
 */
export function nearestStep(points: readonly ScrubPoint[], time: number): number | null {
  const n = points.length;
  if (n === 0) return null;
  const pt = (i: number): ScrubPoint => must(points[i], 'scrub point', i);
  // First point whose time is >= `time`.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pt(mid).time < time) lo = mid + 1;
    else hi = mid;
  }
  const before = lo - 1;
  let pick: number;
  if (lo === n) pick = before;
  else if (before < 0) pick = lo;
  else pick = time - pt(before).time <= pt(lo).time - time ? before : lo;
  // `before` is already the last point at its time; move `lo` to the last at its own.
  if (pick === lo) while (pick + 1 < n && pt(pick + 1).time === pt(lo).time) pick++;
  return pt(pick).step;
}
