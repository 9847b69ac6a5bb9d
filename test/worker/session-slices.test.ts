// The worker's session in slices (sim.worker.ts gives it a `defer`): a long
// computation yields to the worker's messages every SLICE_MS, so Pause and
// Cancel take effect between slices, keys sent meanwhile are answered in
// order after it, progress is reported once it takes over 200 ms, and after a
// load the run is computed ahead in the background with the view left alone.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Reply } from '../../src/worker/protocol.ts';

const spin = { format: 'klpscope/1', tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 1'] };

/** `tick`: how much later each reading of the clock is (5 ms: a slice of 50 ms is about ten thousand events; 60 ms: a slice ends at the first yield). */
function sliced(maxEvents = 200_000, tick = 5) {
  const replies: Reply[] = [];
  const later: (() => void)[] = [];
  let t = 0;
  const session = new Session((r) => replies.push(r), { clock: () => (t += tick), limits: { maxEvents }, defer: (fn) => later.push(fn) });
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

  it('between slices of computing ahead (the engine left at the end of the trace), a request finds the view where it was', () => {
    const s = sliced();
    s.session.handle({ type: 'load', source: { scenario: spin }, id: 1 });
    s.session.handle({ type: 'seek', step: 7, id: 2 });
    const before = s.replies.length;
    s.runLater(6);
    // Slices ran and no frame was due: the engine was left at the end of what they computed.
    expect(s.replies.length).toBe(before);
    s.session.handle({ type: 'step', unit: 'event', direction: 1, id: 3 });
    const f = s.lastFrame();
    expect(f.step).toBe(8);
    expect(f.computed).toBeGreaterThan(1000);
    s.session.handle({ type: 'export', what: 'trace', id: 4 });
    const exported = s.replies.at(-1);
    expect(exported?.type === 'export' ? exported.text.trim().split('\n').length : -1).toBe(8);
    s.runLater(6);
    s.session.handle({ type: 'step', unit: 'event', direction: -1, id: 5 });
    expect(s.lastFrame().step).toBe(7);
  });

  describe('a load or an action, cancelled', () => {
    /** How many items of each series the page holds after the frames so far (each append cuts at `from` first). */
    const held = (frames: readonly { frame: Frame }[]) => {
      let log = 0;
      let samples = 0;
      let milestones = 0;
      for (const { frame } of frames) {
        log = frame.log.from + frame.log.items.length;
        samples = frame.samples.from + frame.samples.items.length;
        milestones = frame.milestones.from + frame.milestones.items.length;
      }
      return { log, samples, milestones };
    };

    it('keeps the previous scenario as it was: Pause does not stop the load, Cancel does, and the keys sent meanwhile follow in order', () => {
      const s = sliced();
      s.session.handle({ type: 'load', source: { preset: 'sleeper-stalls' }, id: 1 });
      s.runLater();
      for (let id = 2; id <= 4; id++) s.session.handle({ type: 'step', unit: 'event', direction: 1, id });
      const before = s.lastFrame();
      expect(before.step).toBe(3);
      const page = held(s.frames());
      // A link to step 150,000 of a run with no end: long to open.
      s.session.handle({ type: 'load', source: { scenario: spin, step: 150_000 }, id: 5 });
      expect(s.later).toHaveLength(1);
      s.session.handle({ type: 'step', unit: 'event', direction: 1, id: 6 });
      s.session.handle({ type: 'pause', id: 7 });
      s.runLater(5);
      const busy = s.replies.flatMap((r) => (r.type === 'busy' ? [r] : []));
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.every((b) => b.re === 5 && b.progress.what === 'load' && b.progress.cancellable && b.progress.target === 150_000)).toBe(true);
      // Pause waited its turn: the load goes on.
      expect(s.replies.some((r) => r.type === 'cancelled')).toBe(false);
      expect(s.later).toHaveLength(1);

      const n = s.replies.length;
      s.session.handle({ type: 'cancel', id: 8 });
      const after = s.replies.slice(n);
      expect(after[0]).toMatchObject({ type: 'cancelled', re: 5, load: 1, what: 'load' });
      // The previous scenario, where it was, its series as the page has them (nothing cut, nothing new);
      // then the key and the pause sent meanwhile, in order, on it.
      const frames = after.flatMap((r) => (r.type === 'frame' ? [{ re: r.re, load: r.load, frame: r.frame }] : []));
      expect(frames.map((f) => [f.re, f.load, f.frame.step])).toEqual([
        [8, 1, 3],
        [6, 1, 4],
        [7, 1, 4],
      ]);
      const first = frames[0]?.frame;
      expect(first?.tour?.preset).toBe('sleeper-stalls');
      expect(first?.log).toEqual({ from: page.log, items: [] });
      expect(first?.samples.from).toBe(page.samples);
      expect(first?.milestones.from).toBe(page.milestones);
      expect(first?.computed).toBe(before.computed);
      expect(after.some((r) => r.type === 'loaded')).toBe(false);
      // The cancelled load's continuation does nothing.
      s.runLater();
      expect(s.replies.slice(n).filter((r) => r.type === 'loaded' || (r.re === 5 && r.type !== 'cancelled'))).toEqual([]);
    });

    it('undoes a load half done when another load replaces it: the newer one opens, the older is answered as cancelled', () => {
      const s = sliced();
      s.session.handle({ type: 'load', source: { preset: 'fork' }, id: 1 });
      s.runLater();
      s.session.handle({ type: 'load', source: { scenario: spin, step: 150_000 }, id: 2 });
      expect(s.later).toHaveLength(1);
      s.session.handle({ type: 'load', source: { preset: 'sleeper-stalls' }, id: 3 });
      expect(s.replies.find((r) => r.re === 2 && r.type !== 'busy')).toMatchObject({ type: 'cancelled', load: 1 });
      expect(s.replies.find((r) => r.type === 'loaded' && r.re === 3)).toMatchObject({ load: 3 });
      expect(s.lastFrame().tour?.preset).toBe('sleeper-stalls');
    });

    it("on the tour's run: no branch, the log and the playhead unchanged, and the run goes on as before", () => {
      const s = sliced(200_000, 60);
      s.session.handle({ type: 'load', source: { preset: 'first-livepatch' }, id: 1 });
      s.runLater();
      s.session.handle({ type: 'seek', step: 1_100, id: 2 });
      const before = s.lastFrame();
      expect(before.step).toBe(1_100);
      const page = held(s.frames());
      // The branch is computed on a run of its own from step 0: past its first slice, the action is in progress.
      s.session.handle({ type: 'act', command: 'cat /proc/cmdline', id: 3 });
      expect(s.later).toHaveLength(1);
      expect(s.frames().some((f) => f.re === 3)).toBe(false);
      s.session.handle({ type: 'step', unit: 'event', direction: 1, id: 4 });
      const n = s.replies.length;
      s.session.handle({ type: 'cancel', id: 5 });
      const after = s.replies.slice(n);
      expect(after[0]).toMatchObject({ type: 'cancelled', re: 3, load: 1, what: 'act' });
      const f = after.flatMap((r) => (r.type === 'frame' && r.re === 5 ? [r.frame] : []))[0];
      expect(f?.step).toBe(1_100);
      expect(f?.actions).toEqual([]);
      expect(f?.tour?.offScript).toBeNull();
      expect(f?.tour?.stop).toBe(before.tour?.stop);
      expect(f?.log).toEqual({ from: page.log, items: [] });
      expect(f?.end).toBe(before.end);
      // The key sent meanwhile steps the tour's own run: the event is the one without the action.
      const refReplies: Reply[] = [];
      const refSession = new Session((r) => refReplies.push(r), { clock: () => 0 });
      refSession.handle({ type: 'load', source: { preset: 'first-livepatch', step: 1_101 }, id: 1 });
      const refFrame = refReplies.flatMap((r) => (r.type === 'frame' ? [r.frame] : [])).at(-1);
      const stepped = after.flatMap((r) => (r.type === 'frame' && r.re === 4 ? [r.frame] : []))[0];
      expect(stepped?.step).toBe(1_101);
      expect(stepped?.event).toEqual(refFrame?.event);
    });

    it('on the same run (no tour): the action is taken back, and the run computed again is the one without it', () => {
      const many = { format: 'klpscope/1', name: 'many', machine: { cpus: 8 }, tasks: [{ comm: 'app', count: 3000, syscalls: ['getpid', 'read_cmdline'] }], script: [] };
      const s = sliced(200_000, 60);
      s.session.handle({ type: 'load', source: { scenario: many }, id: 1 });
      s.session.handle({ type: 'seek', step: 2_000, id: 2 });
      s.runLater();
      expect(s.lastFrame().step).toBe(2_000);
      const logAt = held(s.frames()).log;
      // klp_start_transition walks 3,000 tasks in one operation: the action is long.
      s.session.handle({ type: 'act', command: 'insmod test_klp_livepatch.ko', id: 3 });
      expect(s.later.length).toBeGreaterThan(0);
      expect(s.frames().some((f) => f.re === 3)).toBe(false);
      s.session.handle({ type: 'cancel', id: 4 });
      expect(s.replies.find((r) => r.type === 'cancelled')).toMatchObject({ re: 3, what: 'act' });
      const f = s.lastFrame();
      expect(f.step).toBe(2_000);
      expect(f.actions).toEqual([]);
      expect(f.globals.modules.find((m) => m.name === 'test_klp_livepatch')?.loaded).toBe(false);
      // The page keeps the log up to the playhead: a cut, if any, is after it.
      expect(f.log.from).toBeLessThanOrEqual(logAt);
      s.runLater();
      const log = s.frames().reduce<{ step: number; text: string }[]>((l, { frame }) => [...l.slice(0, frame.log.from), ...frame.log.items.map((x) => ({ step: x.step, text: x.text }))], []);
      expect(log.some((l) => l.text.includes('insmod'))).toBe(false);
      // Acting again runs in full and lands where a run that never had the cancelled action lands.
      s.session.handle({ type: 'act', command: 'insmod test_klp_livepatch.ko', id: 5 });
      s.runLater();
      const landed = s.frames().filter((x) => x.re === 5).at(-1)?.frame;
      const refReplies: Reply[] = [];
      const ref = new Session((r) => refReplies.push(r), { clock: () => 0 });
      ref.handle({ type: 'load', source: { scenario: many, step: 2_000 }, id: 1 });
      ref.handle({ type: 'act', command: 'insmod test_klp_livepatch.ko', id: 2 });
      const refLanded = refReplies.flatMap((r) => (r.type === 'frame' ? [r.frame] : [])).at(-1);
      expect(landed?.step).toBe(refLanded?.step);
      expect(landed?.event).toEqual(refLanded?.event);
      expect(landed?.actions).toEqual([{ step: 2_000, text: 'insmod test_klp_livepatch.ko' }]);
    });
  });
});
