// What the page holds of the worker's series: thinned timeline series and a
// log window, kept incrementally, always equal to the one-shot form of the
// whole series; thinning keeps every bucket's extremes and its last state.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Series } from '../../src/app/series.ts';
import { LogWindow, Thinned, countUpTo, logWindow, reduceCpuRuns, reduceLaneMarks, reduceSamples, strideFor, thinAll } from '../../src/worker/bounded.ts';
import type { CpuRun, LaneMark, Sample } from '../../src/worker/protocol.ts';

type Edit = { readonly op: 'add'; readonly n: number } | { readonly op: 'cut'; readonly at: number } | { readonly op: 'replace' } | { readonly op: 'resend' };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 200 }).map((n): Edit => ({ op: 'add', n })) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((at): Edit => ({ op: 'cut', at })) },
  { weight: 1, arbitrary: fc.constant<Edit>({ op: 'replace' }) },
  { weight: 1, arbitrary: fc.constant<Edit>({ op: 'resend' }) },
);

const BOUNDS = { whole: 16, buckets: 8, runs: 16, logWindow: 30, logBefore: 12 };

/** Items with a step each (in order) and a value that moves up and down. */
function item(step: number, seed: number): { step: number; v: number } {
  return { step, v: (seed * 7919) % 23 };
}

describe('Thinned', () => {
  it('kept by appends, cuts and replaced items, the page holds what thinning the whole series at once gives', () => {
    const reduce = (xs: readonly { step: number; v: number }[]) => {
      if (xs.length <= 2) return xs.slice();
      let lo = 0;
      let hi = 0;
      xs.forEach((x, i) => {
        if (x.v < xs[lo]!.v) lo = i;
        if (x.v > xs[hi]!.v) hi = i;
      });
      return [...new Set([0, lo, hi, xs.length - 1])].sort((a, b) => a - b).map((i) => xs[i]!);
    };
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 40 }), (edits) => {
        const full: { step: number; v: number }[] = [];
        const t = new Thinned(reduce, BOUNDS);
        let page = Series.empty<{ step: number; v: number }>();
        let changed = 0;
        let seed = 1;
        for (const e of edits) {
          if (e.op === 'add') for (let i = 0; i < e.n; i++) full.push(item(full.length, seed++));
          else if (e.op === 'cut') {
            full.length = Math.floor(e.at * full.length);
            changed = Math.min(changed, full.length);
          } else if (e.op === 'replace' && full.length > 0) {
            full[full.length - 1] = item(full.length - 1, seed++);
            changed = Math.min(changed, full.length - 1);
          } else if (e.op === 'resend') changed = 0;
          page = page.apply(t.next(full, changed));
          changed = full.length;
          expect(page.toArray()).toEqual(thinAll(full, reduce, BOUNDS));
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("with nothing new since the last call, keeps the page's series the same object, thinned or not", () => {
    for (const n of [10, 100, 1000]) {
      const full = Array.from({ length: n }, (_, i) => item(i, i + 1));
      const t = new Thinned((xs: readonly { step: number; v: number }[]) => [xs[0]!, xs[xs.length - 1]!].filter((x, i, a) => a.indexOf(x) === i), BOUNDS);
      const page = Series.empty<{ step: number; v: number }>().apply(t.next(full, 0));
      expect(strideFor(n, BOUNDS) > 1, `${n}`).toBe(n > BOUNDS.whole);
      // A frame that brings nothing (a step the series already had): the same page, not its last bucket sent again.
      const again = t.next(full, n);
      expect(again.items, `${n}`).toEqual([]);
      expect(page.apply(again), `${n}`).toBe(page);
      // Then an item more: sent, and the page is the thinned whole again.
      full.push(item(n, n + 1));
      const more = page.apply(t.next(full, n));
      expect(more).not.toBe(page);
      expect(more.toArray()).toEqual(thinAll(full, (xs) => [xs[0]!, xs[xs.length - 1]!].filter((x, i, a) => a.indexOf(x) === i), BOUNDS));
    }
  });

  it('holds a bounded number of items however long the series', () => {
    const full = Array.from({ length: 200_000 }, (_, i) => ({ step: i, time: i, undefined: 0, unpatched: i % 97, patched: i % 89, pending: i % 5 }));
    const got = thinAll(full, reduceSamples, { whole: 8192, buckets: 2048 });
    expect(got.length).toBeLessThanOrEqual(2048 * 10);
    expect(strideFor(200_000, { whole: 8192, buckets: 2048 })).toBe(128);
    expect(strideFor(8192, { whole: 8192, buckets: 2048 })).toBe(1);
  });
});

describe('reducers keep what the timeline must show', () => {
  const sample = (step: number, c: readonly [number, number, number, number]): Sample => ({ step, time: step * 10, undefined: c[0], unpatched: c[1], patched: c[2], pending: c[3] });

  it('samples: a one-event spike of any count stays, and so do the first and the last', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 64 }), (cs) => {
        const xs = cs.map((c, i) => sample(i, c));
        const kept = reduceSamples(xs);
        expect(kept[0]).toBe(xs[0]);
        expect(kept.at(-1)).toBe(xs.at(-1));
        expect(kept.map((s) => s.step)).toEqual([...kept.map((s) => s.step)].sort((a, b) => a - b));
        for (const k of ['undefined', 'unpatched', 'patched', 'pending'] as const) {
          expect(Math.max(...kept.map((s) => s[k]))).toBe(Math.max(...xs.map((s) => s[k])));
          expect(Math.min(...kept.map((s) => s[k]))).toBe(Math.min(...xs.map((s) => s[k])));
        }
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it('CPU runs: each CPU ends the bucket on the task it really runs then', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(9)), { minLength: 1, maxLength: 64 }), (rs) => {
        const xs: CpuRun[] = rs.map(([cpu, task], i) => ({ step: i, time: i, cpu, task }));
        const kept = reduceCpuRuns(xs);
        for (let cpu = 0; cpu < 4; cpu++) {
          expect(kept.findLast((r) => r.cpu === cpu)).toBe(xs.findLast((r) => r.cpu === cpu));
          expect(kept.find((r) => r.cpu === cpu)).toBe(xs.find((r) => r.cpu === cpu));
        }
      }),
      { seed: 4, numRuns: 200 },
    );
  });

  it("lane marks: every switch of a pinned task's patch state stays, and each task's last state", () => {
    const xs: LaneMark[] = [
      { step: 1, time: 1, task: 3, patchState: 0, tif: 1, run: 2, check: 'stalled' },
      { step: 2, time: 2, task: 3, patchState: 0, tif: 1, run: 1 },
      { step: 3, time: 3, task: 5, patchState: 0, tif: 1, run: 2 },
      { step: 4, time: 4, task: 3, patchState: 1, tif: 0, run: 1, check: 'switched', switchFrom: 0 },
      { step: 5, time: 5, task: 3, patchState: 1, tif: 0, run: 3 },
      { step: 6, time: 6, task: 5, patchState: 0, tif: 1, run: 3, check: 'stalled' },
    ];
    expect(reduceLaneMarks(xs).map((m) => m.step)).toEqual([1, 3, 4, 5, 6]);
  });
});

describe('LogWindow', () => {
  it('the page holds the window around the playhead, as a fresh page would, with the lines up to the playhead in it', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(editArb, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 40 }), (edits) => {
        const full: { step: number; v: number }[] = [];
        const w = new LogWindow<{ step: number; v: number }>(BOUNDS);
        let page = Series.empty<{ step: number; v: number }>();
        let changed = 0;
        let seed = 1;
        for (const [e, at] of edits) {
          if (e.op === 'add') for (let i = 0; i < e.n; i++) full.push(item(full.length, seed++));
          else if (e.op === 'cut') {
            full.length = Math.floor(e.at * full.length);
            changed = Math.min(changed, full.length);
          } else if (e.op === 'resend') changed = 0;
          const playhead = Math.floor(at * full.length);
          const upTo = countUpTo(full, playhead);
          page = page.apply(w.next(full, changed, upTo));
          changed = full.length;
          const want = logWindow(full.length, upTo, BOUNDS);
          expect(page.offset).toBe(want.start);
          expect(page.toArray()).toEqual(full.slice(want.start, want.end));
          expect(page.length).toBeLessThanOrEqual(BOUNDS.logWindow);
          // The lines up to the playhead: all of them, or at least logBefore.
          expect(want.start <= Math.max(0, upTo - BOUNDS.logBefore)).toBe(true);
          expect(want.end >= upTo).toBe(true);
        }
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
