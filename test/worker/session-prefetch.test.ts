// The next step's frame, computed ahead (Frame.next): with every frame the
// worker sends when not playing, the frame that a step forward in the last
// unit stepped with gives. The page shows it at once on Step forward; the
// worker's own answer to that step must be the same frame, whatever came
// before: steps in every unit, seeks back, actions (branches), a selected task.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import { nextOf } from '../../src/worker/protocol.ts';
import type { Frame, NextStep, Reply, Request, StepUnit } from '../../src/worker/protocol.ts';

/**
 * What a frame shows of its step, without what says how far the run is
 * computed: the events computed and the tour's stops found so far grow as
 * the worker computes ahead, and come again with its answer.
 */
function view(f: Frame) {
  const { log: _log, samples: _samples, milestones: _milestones, lanes, comms: _comms, next: _next, computed: _computed, tour, ...rest } = f;
  return { ...rest, tasks: { ...f.tasks }, pinned: lanes.pinned, tour: tour === null ? null : { ...tour, found: undefined } };
}

/** The next step a frame carries (these sessions compute it at every request: never 'kept'). */
const sentAhead = (f: Frame | undefined) => (f?.next === 'kept' ? undefined : f?.next);

function session() {
  const replies: Reply[] = [];
  let t = 0;
  const s = new Session((r) => replies.push(r), { clock: () => (t += 0.5), prefetch: true });
  const frames = () => replies.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
  let id = 0;
  const send = (req: Request) => s.handle({ ...req, id: ++id });
  return { s, frames, send, last: () => frames().at(-1) };
}

type Op = Request & { readonly type: 'step' | 'seek' | 'act' | 'select' | 'jump' };
const step = (unit: StepUnit): Op => ({ type: 'step', unit, direction: 1 });

const SCRIPT: readonly Op[] = [
  step('event'),
  step('event'),
  step('event'),
  step('livepatch'),
  step('livepatch'),
  step('switch'),
  step('switch'),
  { type: 'step', unit: 'event', direction: -1 },
  step('switch'),
  step('event'),
  { type: 'seek', step: 3 },
  step('event'),
  step('event'),
  { type: 'select', task: 4 },
  step('event'),
  step('switch'),
  { type: 'act', command: 'kill 4' },
  step('event'),
  step('event'),
  step('livepatch'),
  { type: 'seek', step: 1 },
  step('livepatch'),
  step('second'),
  step('second'),
  { type: 'jump', to: 'end' },
  step('event'),
];

describe('the next step computed ahead', () => {
  for (const preset of ['first-livepatch', 'fork', 'reverse-stalled', 'signals-force']) {
    it(`${preset}: every step forward answers with the frame sent ahead for it`, () => {
      const w = session();
      w.send({ type: 'load', source: { preset } });
      let checked = 0;
      for (const op of SCRIPT) {
        const before = w.last();
        w.send(op);
        const after = w.last();
        if (before === undefined || after === undefined) throw new Error('no frame');
        if (op.type !== 'step' || op.direction !== 1) continue;
        const ahead = before.next;
        // At the end a step does not move: nothing is sent ahead.
        if (after.step === before.step) {
          expect(ahead).toBeUndefined();
          continue;
        }
        // Computed in full at each request (no computing ahead in the background): never 'kept'.
        expect(ahead).not.toBe('kept');
        if (ahead === undefined || ahead === 'kept' || ahead.unit !== op.unit) continue;
        expect(view(after), `${preset}: ${JSON.stringify(op)} from step ${before.step}`).toEqual(view(ahead.frame));
        // Its series come with the frame it was sent with: it carries none of its own.
        expect([ahead.frame.log.items.length, ahead.frame.samples.items.length, ahead.frame.milestones.items.length]).toEqual([0, 0, 0]);
        checked++;
      }
      // Most steps had their frame sent ahead (those in a new unit wait for one step in it).
      expect(checked).toBeGreaterThan(8);
    });
  }

  it('computes ahead in the unit last stepped with, and not while playing', () => {
    const w = session();
    w.send({ type: 'load', source: { preset: 'first-livepatch' } });
    expect(sentAhead(w.last())?.unit).toBe('event');
    expect(sentAhead(w.last())?.frame.step).toBe(1);
    w.send(step('switch'));
    expect(sentAhead(w.last())?.unit).toBe('switch');
    w.send({ type: 'play' });
    expect(w.last()?.playing).toBe(true);
    expect(w.last()?.next).toBeUndefined();
    w.send({ type: 'pause' });
    expect(sentAhead(w.last())?.unit).toBe('switch');
  });

  it('a session without it sends no frame ahead', () => {
    const replies: Reply[] = [];
    const s = new Session((r) => replies.push(r));
    s.handle({ type: 'load', source: { preset: 'first-livepatch' }, id: 1 });
    const f = replies.flatMap((r) => (r.type === 'frame' ? [r.frame] : [])).at(-1);
    expect(f?.step).toBe(0);
    expect(f?.next).toBeUndefined();
  });
});

describe('the next step while the run is computed ahead in the background', () => {
  /** A session in slices, each reading of the clock 100 ms later: every slice of computing ahead sends a frame. */
  function sliced() {
    const replies: Reply[] = [];
    const later: (() => void)[] = [];
    let t = 0;
    const s = new Session((r) => replies.push(r), { clock: () => (t += 100), defer: (fn) => later.push(fn), prefetch: true });
    let id = 0;
    const send = (req: Request) => s.handle({ ...req, id: ++id });
    const runLater = (n: number) => {
      for (let i = 0; i < n && later.length > 0; i++) later.shift()?.();
    };
    const frames = () => replies.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));
    return { send, runLater, frames, later };
  }
  /** A frame without the series it brings (the frame sent ahead brings none; they come with the frame it is sent with). */
  const shown = (f: Frame) => {
    const { log: _log, samples: _samples, milestones: _milestones, comms: _comms, next: _next, lanes, ...rest } = f;
    return { ...rest, tasks: { ...f.tasks }, pinned: lanes.pinned };
  };

  it("frames of computing ahead keep the step sent ahead ('kept') until something is asked; with how far they say the run is computed, it is the worker's answer to the step", () => {
    for (const preset of ['first-livepatch', 'signals-force']) {
      const w = sliced();
      w.send({ type: 'load', source: { preset } });
      let kept = 0;
      for (let i = 0; i < 6; i++) {
        const n = w.frames().length;
        w.runLater(1 + (i % 3));
        const background = w.frames().slice(n);
        // Nothing asked since the last request's frame: the next step is not computed again.
        for (const f of background) expect(f.next === 'kept' || f.next === undefined, `${preset}: background frame at step ${f.step}`).toBe(true);
        kept += background.filter((f) => f.next === 'kept').length;
        let next: NextStep | null = null;
        for (const f of w.frames()) next = nextOf(f, next);
        const before = w.frames().at(-1);
        w.send(step('event'));
        const answer = w.frames().at(-1);
        if (next === null || answer === undefined || before === undefined) throw new Error(`${preset}: no step sent ahead at step ${before?.step}`);
        // The answer to a request computes it again.
        expect(typeof answer.next).toBe('object');
        expect(shown(answer), `${preset}: step ${i} from ${before.step}`).toEqual(shown(next.frame));
      }
      expect(kept, preset).toBeGreaterThan(0);
    }
  });
});
