// A worker started at boot holds its computing ahead until the page has drawn
// its first frame (a `drawn` request): on two cores, computing ahead would
// take the CPU the page's first render needs.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Reply, Request } from '../../src/worker/protocol.ts';
import { DEFAULT_SOURCE } from '../../src/app/link.ts';

/** A session in slices as in the worker, holding its computing ahead as a booted worker does. */
function booted() {
  const replies: Reply[] = [];
  const later: (() => void)[] = [];
  let t = 0;
  const session = new Session((r) => replies.push(r), { clock: () => (t += 1), defer: (fn) => later.push(fn), prefetch: true });
  let id = 0;
  const send = (req: Request) => session.handle({ ...req, id: ++id });
  // As sim.worker.ts does: the hold, then the boot request.
  const boot = () => {
    session.holdAhead();
    send({ type: 'load', source: DEFAULT_SOURCE });
  };
  /** Runs what was deferred, and what that defers, until nothing is left (or `max` slices). */
  const drain = (max = 10_000) => {
    for (let i = 0; i < max && later.length > 0; i++) later.shift()?.();
  };
  const lastFrame = () => replies.flatMap((r) => (r.type === 'frame' ? [r.frame] : [])).at(-1);
  return { replies, later, send, drain, lastFrame, boot };
}

describe('computing ahead held until the page has drawn', () => {
  it('answers the first load in full, then computes nothing ahead until the page says it has drawn', () => {
    const s = booted();
    s.boot();
    s.drain();
    const first = s.lastFrame();
    expect(first?.step).toBe(0);
    expect(first?.end).toBeNull();
    // Nor the next step: the page asks for it if it steps before it has drawn.
    expect(first?.next).toBeUndefined();
    const before = s.replies.length;
    expect(s.later).toHaveLength(0);
    // Once drawn: a frame of the same view with the next step, then the run computed ahead to its end.
    s.send({ type: 'drawn' });
    expect(s.replies).toHaveLength(before + 1);
    const drawn = s.lastFrame();
    expect(drawn?.step).toBe(0);
    const next = drawn?.next;
    expect(next !== undefined && next !== 'kept' ? next.frame.step : null).toBe(1);
    // A second `drawn` (a page drawn again) changes nothing.
    s.send({ type: 'drawn' });
    expect(s.replies).toHaveLength(before + 1);
    s.drain();
    expect(s.replies.length).toBeGreaterThan(before);
    expect(s.lastFrame()?.end).toBeGreaterThan(0);
    expect(s.lastFrame()?.step).toBe(0);
  });

  it("answers the page's requests meanwhile (the tour's selection and pin, a step) and still holds until drawn", () => {
    const s = booted();
    s.boot();
    s.drain();
    s.send({ type: 'select', task: 18 });
    s.send({ type: 'pin', task: 18, on: true });
    s.send({ type: 'step', unit: 'event', direction: 1 });
    s.drain();
    expect(s.lastFrame()?.step).toBe(1);
    expect(s.lastFrame()?.end).toBeNull();
    s.send({ type: 'drawn' });
    s.drain();
    expect(s.lastFrame()?.step).toBe(1);
    expect(s.lastFrame()?.end).toBeGreaterThan(0);
  });

  it('a session not held computes ahead straight after the load', () => {
    const replies: Reply[] = [];
    const later: (() => void)[] = [];
    const session = new Session((r) => replies.push(r), { defer: (fn) => later.push(fn), prefetch: true });
    session.handle({ type: 'load', source: DEFAULT_SOURCE, id: 1 });
    for (let i = 0; i < 10_000 && later.length > 0; i++) later.shift()?.();
    expect(replies.flatMap((r) => (r.type === 'frame' ? [r.frame] : [])).at(-1)?.end).toBeGreaterThan(0);
  });
});
