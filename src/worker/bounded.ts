// What of the worker's series the page holds, so that the page's memory and
// each frame's work stay bounded however long the run: the worker keeps every
// item; the page gets
// - the timeline's series (samples, CPU runs, pinned tasks' marks) whole
//   while short, and thinned once long: cut into buckets of a power-of-two
//   number of consecutive items, each bucket reduced to the few items that
//   keep its extremes (a spike of one event stays visible) and its last state;
// - the kernel log as a window of lines around the playhead.
// Both are pure functions of the whole series (and the playhead), so a page
// that followed a run's appends holds exactly what a fresh one would.
import type { Append, CpuRun, LaneMark, Sample } from './protocol.ts';

export interface SeriesBounds {
  /** A timeline series up to this many items is sent whole. */
  readonly whole: number;
  /** Past that, it is thinned to at most about this many buckets. */
  readonly buckets: number;
  /** CPU runs the page holds at most: a bucket keeps two of each CPU (runBounds). */
  readonly runs: number;
  /** The page holds at most this many log lines... */
  readonly logWindow: number;
  /** ...among them at least this many up to the playhead (or all there are). */
  readonly logBefore: number;
}

export const SERIES_BOUNDS: SeriesBounds = { whole: 8192, buckets: 2048, runs: 16_384, logWindow: 20_000, logBefore: 10_000 };

/** The bounds of the CPU runs on a machine of `cpus` CPUs: each bucket keeps up to two runs of each CPU. */
export function runBounds(b: Pick<SeriesBounds, 'runs'>, cpus: number): Pick<SeriesBounds, 'whole' | 'buckets'> {
  return { whole: b.runs, buckets: Math.max(4, Math.floor(b.runs / (2 * Math.max(1, cpus)))) };
}

/** Items per bucket for a series of `n` items: 1 (whole) up to `whole`, else the least power of two giving at most `buckets` buckets. */
export function strideFor(n: number, b: Pick<SeriesBounds, 'whole' | 'buckets'>): number {
  if (n <= b.whole) return 1;
  let s = 2;
  while (Math.ceil(n / s) > b.buckets) s *= 2;
  return s;
}

/** Keeps a bucket's items at the given indices, once each, in their order. */
function keepAt<T>(xs: readonly T[], at: Iterable<number>): T[] {
  return [...new Set(at)].sort((a, b) => a - b).flatMap((i) => {
    const x = xs[i];
    return x === undefined ? [] : [x];
  });
}

/** Samples: the first, the last, and where each count is lowest and highest. */
export function reduceSamples(xs: readonly Sample[]): Sample[] {
  const first = xs[0];
  if (first === undefined || xs.length <= 2) return xs.slice();
  const keys = ['undefined', 'unpatched', 'patched', 'pending'] as const;
  const at = [0, xs.length - 1];
  for (const k of keys) {
    let lo = 0;
    let hi = 0;
    let low = first[k];
    let high = first[k];
    xs.forEach((x, i) => {
      if (x[k] < low) [lo, low] = [i, x[k]];
      if (x[k] > high) [hi, high] = [i, x[k]];
    });
    at.push(lo, hi);
  }
  return keepAt(xs, at);
}

/** CPU runs: on each CPU, its first and last run in the bucket (so the lane ends each bucket with the right task). */
export function reduceCpuRuns(xs: readonly CpuRun[]): CpuRun[] {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  xs.forEach((r, i) => {
    if (!first.has(r.cpu)) first.set(r.cpu, i);
    last.set(r.cpu, i);
  });
  return keepAt(xs, [...first.values(), ...last.values()]);
}

/** A pinned task's marks: for each task its first and last, and every switch of its patch state. */
export function reduceLaneMarks(xs: readonly LaneMark[]): LaneMark[] {
  const at: number[] = [];
  const last = new Map<number, number>();
  xs.forEach((m, i) => {
    if (!last.has(m.task) || m.switchFrom !== undefined) at.push(i);
    last.set(m.task, i);
  });
  return keepAt(xs, [...at, ...last.values()]);
}

/** The whole thinned form of `full` at once (what the page ends up holding; for tests). */
export function thinAll<T>(full: readonly T[], reduce: (xs: readonly T[]) => T[], b: Pick<SeriesBounds, 'whole' | 'buckets'>): T[] {
  const s = strideFor(full.length, b);
  if (s === 1) return full.slice();
  const out: T[] = [];
  for (let i = 0; i < full.length; i += s) out.push(...reduce(full.slice(i, i + s)));
  return out;
}

/**
 * One timeline series as the page holds it, kept up to date incrementally:
 * each frame costs the new items and one bucket, except when the stride
 * doubles (then the page gets the whole thinned series again, at most a few
 * thousand items, once per doubling of the run).
 */
export class Thinned<T> {
  private stride = 1;
  /** The reduced complete buckets (while thinned). */
  private out: T[][] = [];
  /** Where each bucket's items start in the page's series; starts[i + 1] - starts[i] = out[i].length. */
  private starts: number[] = [0];
  /** Items (stride 1) or complete buckets the page holds as they are. */
  private stable = 0;
  /** How long `full` was at the last call, and how long the page's series is since. */
  private lastFull = -1;
  private pageLength = 0;

  constructor(
    private readonly reduce: (xs: readonly T[]) => T[],
    private readonly bounds: Pick<SeriesBounds, 'whole' | 'buckets'>,
  ) {}

  /**
   * The append that brings the page to the thinned form of `full`, whose
   * items from index `changed` on are new or changed since the last call.
   * An item changed in place must lower `changed` to its index: with
   * `changed` at `full.length` and the same length as the last call, nothing
   * is sent.
   */
  next(full: readonly T[], changed: number): Append<T> {
    const n = full.length;
    const s = strideFor(n, this.bounds);
    if (s !== this.stride) {
      this.stride = s;
      this.out = [];
      this.starts = [0];
      this.stable = 0;
      this.lastFull = -1;
    }
    if (s === 1) {
      const from = Math.min(this.stable, changed, n);
      this.stable = n;
      this.lastFull = n;
      this.pageLength = n;
      return { from, items: full.slice(from) };
    }
    // Nothing new since the last call: the page has it all, the last bucket's reduction too. An empty
    // append at its end (not that bucket again) keeps the page's series the same object, and what
    // is drawn from it (the timeline's paths) is not computed again at every step.
    if (changed >= n && n === this.lastFull) return { from: this.pageLength, items: [] };
    this.lastFull = n;
    const keep = Math.min(this.out.length, this.stable, Math.floor(changed / s));
    this.out.length = keep;
    this.starts.length = keep + 1;
    const complete = Math.floor(n / s);
    // starts has keep + 1 entries: the last is where bucket `keep` starts.
    const from = this.starts.at(-1) ?? 0;
    let start = from;
    const items: T[] = [];
    for (let i = keep; i < complete; i++) {
      const o = this.reduce(full.slice(i * s, (i + 1) * s));
      this.out.push(o);
      start += o.length;
      this.starts.push(start);
      items.push(...o);
    }
    if (complete * s < n) items.push(...this.reduce(full.slice(complete * s)));
    this.stable = complete;
    this.pageLength = from + items.length;
    return { from, items };
  }
}

/** How many items of `xs` (in step order) have `step <= step`. */
export function countUpTo(xs: readonly { readonly step: number }[], step: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = xs[mid];
    if (x !== undefined && x.step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The log lines [start, end) the page holds, with `upTo` lines up to the playhead, of `n`. */
export function logWindow(n: number, upTo: number, b: Pick<SeriesBounds, 'logWindow' | 'logBefore'>): { readonly start: number; readonly end: number } {
  if (n <= b.logWindow) return { start: 0, end: n };
  // The window moves in strides, so that playing moves it once in a while, not every frame.
  const stride = b.logWindow - b.logBefore;
  const u = Math.max(0, upTo - b.logBefore);
  const start = u - (u % stride);
  return { start, end: Math.min(n, start + b.logWindow) };
}

/** The kernel log as the page holds it: a window around the playhead. */
export class LogWindow<T> {
  /** What the page holds: [start, end) of the worker's log. */
  private start = 0;
  private end = 0;

  constructor(private readonly bounds: Pick<SeriesBounds, 'logWindow' | 'logBefore'>) {}

  /** The append that brings the page to the window of `full` for `upTo` lines up to the playhead; the lines from `changed` on are new since the last call. */
  next(full: readonly T[], changed: number, upTo: number): Append<T> {
    const w = logWindow(full.length, upTo, this.bounds);
    const joins = w.start >= this.start && w.start <= this.end;
    const from = joins ? Math.max(w.start, Math.min(changed, this.end, w.end)) : w.start;
    this.start = w.start;
    this.end = w.end;
    return { from, items: full.slice(from, w.end), ...(w.start > 0 ? { start: w.start } : {}) };
  }
}
