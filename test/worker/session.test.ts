// The worker's session, in Node: the selected task's history follows the
// current step, back and forth, and forgets a discarded branch.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Milestone, Reply, Request } from '../../src/worker/protocol.ts';

function open() {
  let frame: Frame | null = null;
  const session = new Session((r: Reply) => {
    if (r.type === 'frame') frame = r.frame;
  });
  const send = (req: Request): Frame => {
    session.handle(req);
    if (frame === null) throw new Error('no frame');
    return frame;
  };
  return send;
}

describe('Session', () => {
  it("keeps the selected task's switch history in step with the current step", () => {
    const send = open();
    send({ type: 'load', source: { preset: 'sleeper-stalls' } });
    const end = send({ type: 'jump', to: 'end' });
    const reader = end.tasks.pid.indexOf(4);
    const full = send({ type: 'select', task: reader }).selected?.history ?? [];
    expect(full.length).toBeGreaterThanOrEqual(1);
    expect(full.every((h) => h.step <= end.step)).toBe(true);

    const back = send({ type: 'seek', step: full[0]!.step });
    expect(back.selected?.history).toEqual([full[0]]);
    expect(send({ type: 'seek', step: full[0]!.step - 1 }).selected?.history).toEqual([]);
    expect(send({ type: 'seek', step: end.step }).selected?.history).toEqual(full);

    // An action before the first switch discards the branch the history came from.
    send({ type: 'seek', step: full[0]!.step - 1 });
    const branched = send({ type: 'act', command: 'kill 4' });
    expect(branched.selected?.history).toEqual([]);
    expect(branched.computed).toBeLessThanOrEqual(branched.seen + 1);
  });
});

/** A session on a fake clock, for play. */
function clocked() {
  let frame: Frame | null = null;
  let now = 0;
  const session = new Session(
    (r: Reply) => {
      if (r.type === 'frame') frame = r.frame;
    },
    { clock: () => now },
  );
  const send = (req: Request): Frame => {
    session.handle(req);
    if (frame === null) throw new Error('no frame');
    return frame;
  };
  /** Runs the play loop for `ms` of fake time, one tick per 16 ms. */
  const play = (ms: number): Frame => {
    for (let t = 0; t < ms; t += 16) {
      now += 16;
      session.tick();
    }
    return frame as unknown as Frame;
  };
  return { send, play };
}

describe('the tour follows the playhead', () => {
  it('shows the last stop reached at or before the current step, and says whether the view is on it', () => {
    const send = open();
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    const third = send({ type: 'tour', stop: 2 });
    const at = third.tour?.step as number;
    expect(third.tour).toMatchObject({ stop: 2, at: true, step: at });
    // One event before the stop's step: the previous stop, and not on it.
    const before = send({ type: 'step', unit: 'event', direction: -1 });
    expect(before.tour?.stop).toBe(1);
    expect(before.tour?.at).toBe(false);
    // Stepping onto the stop's step shows that stop.
    expect(send({ type: 'step', unit: 'event', direction: 1 }).tour).toMatchObject({ stop: 2, at: true });
    // End shows the last stop reached, the step counter and End agree.
    const end = send({ type: 'jump', to: 'end' });
    expect(end.end).toBe(end.step);
    expect(end.tour?.stop).toBe(7);
    expect(end.tour?.found).toHaveLength(8);
    // Nothing plays or steps past the end.
    expect(send({ type: 'step', unit: 'event', direction: 1 }).step).toBe(end.step);
    expect(send({ type: 'jump', to: 'start' }).tour).toMatchObject({ stop: 0, at: true });
  });

  it('after an action, says the run left the script there, and goes back to the tour’s run at once', () => {
    const send = open();
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    const stop = send({ type: 'tour', stop: 3 });
    const forced = send({ type: 'act', command: 'echo 1 > /sys/kernel/livepatch/test_klp_livepatch/force' });
    // Force lands on the forced switch.
    expect(forced.event?.fn).toBe('klp_force_transition');
    expect(forced.event?.switches.length).toBeGreaterThan(0);
    expect(forced.globals.counts.unpatched).toBe(0);
    expect(forced.tour?.offScript).toBe(stop.step);
    // The stops after the action are not on this branch.
    expect(send({ type: 'tour', stop: 5 }).tour?.unreached).toBe(5);
    const back = send({ type: 'tour-back' });
    expect(back.tour).toMatchObject({ offScript: null, stop: 3, at: true });
    expect(back.step).toBe(stop.step);
    expect(back.actions).toEqual([]);
    expect(back.globals.counts.unpatched).toBeGreaterThan(0);
    expect(send({ type: 'tour', stop: 7 }).tour).toMatchObject({ stop: 7, at: true, unreached: null });
  });

  it('presenter play goes to the next stop at a readable pace; a second press goes there at once', () => {
    const { send, play } = clocked();
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    const first = send({ type: 'tour', stop: 4 });
    const toward = send({ type: 'tour', stop: 5, play: true });
    expect(toward.playing).toBe(true);
    expect(toward.tour?.target).toBe(5);
    const part = play(500);
    expect(part.step).toBeGreaterThan(first.step);
    expect(part.tour?.stop).toBe(4);
    const there = send({ type: 'tour', stop: 5, play: true });
    expect(there.playing).toBe(false);
    expect(there.tour).toMatchObject({ stop: 5, at: true, target: null });
  });
});

describe('play speed', () => {
  it('at 1/s plays one event a second, carrying the fraction between ticks', () => {
    const { send, play } = clocked();
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    send({ type: 'speed', index: 0 });
    send({ type: 'play' });
    expect(play(5000).step).toBe(5);
  });

  it('by task switch, counts only events that switch a task', () => {
    const { send, play } = clocked();
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    send({ type: 'speed', index: 0 });
    send({ type: 'play', unit: 'switch' });
    const f = play(3000);
    expect(f.event?.switches.length).toBeGreaterThan(0);
    expect(f.step).toBeGreaterThan(3);
  });

  it('stepping back by a second lands on the whole second', () => {
    const send = open();
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    const two = send({ type: 'seek', step: 0 }) && (send({ type: 'step', unit: 'second', direction: 1 }), send({ type: 'step', unit: 'second', direction: 1 }));
    expect(two.time).toBe(2_000_000);
    const one = send({ type: 'step', unit: 'second', direction: -1 });
    expect(one.time).toBe(1_000_000);
  });

  it('marks the timeline from event kinds: a line written to /dev/kmsg forges no milestone', () => {
    let frame: Frame | null = null;
    const milestones: Milestone[] = [];
    const session = new Session((r: Reply) => {
      if (r.type !== 'frame') return;
      frame = r.frame;
      milestones.length = r.frame.milestones.from;
      milestones.push(...r.frame.milestones.items);
    });
    const send = (req: Request): Frame => {
      session.handle(req);
      if (frame === null) throw new Error('no frame');
      return frame;
    };
    send({ type: 'load', source: { preset: 'signals-force' } });
    const end = send({ type: 'jump', to: 'end' });
    const kinds = new Set(milestones.map((m) => m.kind));
    for (const k of ['command', 'enable', 'init', 'start', 'retry', 'signals', 'force', 'complete'] as const) expect(kinds, k).toContain(k);
    expect(milestones.find((m) => m.kind === 'enable')?.label).toMatch(/^enabling patch '.+'$/);
    expect(milestones.filter((m) => m.kind === 'signals')).toHaveLength(1);

    const before = milestones.length;
    const forged = send({ type: 'act', command: `echo "% insmod evil.ko; livepatch: enabling patch 'evil'; retries at 1 s; signaling remaining tasks; BUG: oops" > /dev/kmsg` });
    expect(forged.step).toBeGreaterThan(end.step);
    expect(milestones.length).toBe(before);
    // A real command is marked.
    send({ type: 'act', command: 'cat /proc/cmdline' });
    expect(milestones.slice(before).map((m) => [m.kind, m.label])).toEqual([['command', 'cat /proc/cmdline']]);
  });

  it('refuses a mistyped command in the past before anything is cut: the log, samples and milestones stay', () => {
    let frame: Frame | null = null;
    const replies: Reply[] = [];
    const series = { log: 0, samples: 0, milestones: 0 };
    const session = new Session((r: Reply) => {
      replies.push(r);
      if (r.type !== 'frame') return;
      frame = r.frame;
      series.log = r.frame.log.from + r.frame.log.items.length;
      series.samples = r.frame.samples.from + r.frame.samples.items.length;
      series.milestones = r.frame.milestones.from + r.frame.milestones.items.length;
    });
    const send = (req: Request): Frame => {
      session.handle(req);
      if (frame === null) throw new Error('no frame');
      return frame;
    };
    send({ type: 'load', source: { preset: 'first-livepatch' } });
    const end = send({ type: 'jump', to: 'end' });
    const full = { ...series };
    expect(full.log).toBeGreaterThan(8);
    send({ type: 'seek', step: 3 });
    replies.length = 0;
    session.handle({ type: 'act', command: 'insmdo lp.ko' });
    expect(replies.map((r) => r.type)).toEqual(['invalid']);
    // Nothing was cut: going back to the end shows every line again, and the next frame re-sends nothing.
    const back = send({ type: 'seek', step: end.step });
    expect(back.computed).toBe(end.computed);
    expect(back.log.from).toBe(full.log);
    expect(series).toEqual(full);
  });

  it('a search forward stops where the scenario ends: "next switch" when none is left', () => {
    const send = open();
    send({ type: 'load', source: { preset: 'bug-a-rfc' } });
    const end = send({ type: 'jump', to: 'end' });
    send({ type: 'jump', to: 'start' });
    // bug-a-rfc's patch is immediate: no task ever switches.
    const f = send({ type: 'step', unit: 'switch', direction: 1 });
    expect(f.step).toBeLessThanOrEqual(end.end ?? end.step);
    expect(f.computed).toBeLessThan(100_000);
  });
});
