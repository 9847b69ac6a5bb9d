// The worker's session in slices (sim.worker.ts gives it a `defer`): a long
// computation yields to the worker's messages every SLICE_MS, so Pause and
// Cancel take effect between slices, keys sent meanwhile are answered in
// order after it, progress is reported once it takes over 200 ms, and after a
// load the run is computed ahead in the background with the view left alone.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Reply } from '../../src/worker/protocol.ts';

const spin = { format: 'klpscope/1', tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 1'] };

function sliced(maxEvents = 200_000) {
  const replies: Reply[] = [];
  const later: (() => void)[] = [];
  let t = 0;
  // Every reading of the clock is 5 ms later: a slice (50 ms) is about ten thousand events.
  const session = new Session((r) => replies.push(r), () => (t += 5), { maxEvents }, (fn) => later.push(fn));
  const runLater = (n = Infinity) => {
    for (let i = 0; i < n && later.length > 0; i++) later.shift()?.();
  };
  const frames = () => replies.flatMap((r) => (r.type === 'frame' ? [{ re: r.re, frame: r.frame }] : []));
  const lastFrame = (): Frame => {
    const f = frames().at(-1);
    if (f === undefined) throw new Error('no frame');
    return f.frame;
  };
  return { session, replies, later, runLater, frames, lastFrame };
}

describe('Session in slices', () => {
  it('stops "Jump to end" on Pause between slices, stays where it was, then answers the keys sent meanwhile in order', () => {
    const s = sliced();
    s.session.handle({ type: 'load', source: { scenario: spin }, id: 1 });
    expect(s.lastFrame().step).toBe(0);
    s.later.length = 0; // no background computing in this test
    s.session.handle({ type: 'jump', to: 'end', id: 2 });
    // It yielded after a slice: not done, a continuation is waiting.
    expect(s.later).toHaveLength(1);
    expect(s.frames().some((f) => f.re === 2)).toBe(false);
    s.session.handle({ type: 'step', unit: 'event', direction: 1, id: 3 });
    s.session.handle({ type: 'step', unit: 'event', direction: 1, id: 4 });
    expect(s.frames().some((f) => f.re === 3 || f.re === 4)).toBe(false);
    s.runLater(5);
    // Over 200 ms in: progress, growing, cancellable.
    const busy = s.replies.flatMap((r) => (r.type === 'busy' ? [r] : []));
    expect(busy.length).toBeGreaterThan(1);
    expect(busy.every((b) => b.re === 2 && b.progress.what === 'end' && b.progress.cancellable)).toBe(true);
    expect(busy.at(-1)?.progress.computed).toBeGreaterThan(busy[0]?.progress.computed ?? Infinity);
    expect(busy.at(-1)?.progress.computed).toBeLessThan(200_000);

    s.session.handle({ type: 'pause', id: 5 });
    const after = s.frames().filter((f) => f.re >= 5 || f.re === 3 || f.re === 4);
    expect(after.map((f) => [f.re, f.frame.step])).toEqual([
      [5, 0],
      [3, 1],
      [4, 2],
    ]);
    // The job is gone: its continuation does nothing.
    const n = s.replies.length;
    s.runLater(1);
    expect(s.replies.slice(n).some((r) => r.re === 2)).toBe(false);
  });

  it('runs a jump to its end when left alone, and a load replaces a computation in progress', () => {
    const s = sliced(60_000);
    s.session.handle({ type: 'load', source: { scenario: spin }, id: 1 });
    s.later.length = 0;
    s.session.handle({ type: 'jump', to: 'end', id: 2 });
    s.runLater();
    const f = s.frames().find((x) => x.re === 2);
    expect(f?.frame.step).toBe(60_000);
    expect(f?.frame.limit).toMatch(/60,000 events per run/);


    const r = sliced(60_000);
    r.session.handle({ type: 'load', source: { scenario: spin }, id: 1 });
    r.later.length = 0;
    r.session.handle({ type: 'jump', to: 'end', id: 2 });
    expect(r.later).toHaveLength(1);
    r.session.handle({ type: 'load', source: { preset: 'sleeper-stalls' }, id: 3 });
    r.runLater();
    expect(r.replies.some((x) => x.type === 'loaded' && x.re === 3)).toBe(true);
    expect(r.frames().some((x) => x.re === 2)).toBe(false);
  });

  it('computes the run ahead after a load, in the background, leaving the view at step 0, until its end', () => {
    const s = sliced();
    s.session.handle({ type: 'load', source: { preset: 'sleeper-stalls' }, id: 1 });
    const first = s.lastFrame();
    expect(first.ahead).toBe(true);
    expect(first.computed).toBe(0);
    s.runLater();
    const last = s.lastFrame();
    expect(last.ahead).toBe(false);
    expect(last.step).toBe(0);
    expect(last.end).not.toBeNull();
    expect(last.computed).toBeGreaterThanOrEqual(last.end ?? Infinity);
    // Every background frame left the view where it was, and brought the timeline's series along.
    const bg = s.frames().filter((f) => f.re === 1);
    expect(bg.every((f) => f.frame.step === 0)).toBe(true);
    expect(bg.reduce((n, f) => n + f.frame.samples.items.length, 0)).toBeGreaterThan(1);
    // Scrubbing there needs no computation: it is answered at once, and End is where the run ends.
    s.session.handle({ type: 'seek', step: Math.floor((last.end ?? 0) / 2), id: 2 });
    expect(s.frames().at(-1)?.re).toBe(2);
    s.session.handle({ type: 'jump', to: 'end', id: 3 });
    expect(s.lastFrame().step).toBe(last.end);
  });

  it('stops computing ahead at a run limit and says so on the timeline before the view gets there', () => {
    const s = sliced(30_000);
    s.session.handle({ type: 'load', source: { scenario: spin }, id: 1 });
    s.runLater();
    const last = s.lastFrame();
    expect(last.step).toBe(0);
    expect(last.computed).toBe(30_000);
    expect(last.ahead).toBe(false);
    expect(last.limit).toMatch(/30,000 events per run/);
  });
});
