// The timeline's lanes as the worker records them: CPU runs from boot, and a
// pinned task's marks, read by replay when it is pinned late, with its switch
// at the step of the event that switched it.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { CpuRun, Frame, LaneMark, Reply, Request } from '../../src/worker/protocol.ts';

function open() {
  let frame: Frame | null = null;
  let runs: CpuRun[] = [];
  let marks: LaneMark[] = [];
  const session = new Session((r: Reply) => {
    if (r.type !== 'frame') return;
    frame = r.frame;
    const c = r.frame.lanes.cpuRuns;
    if (c !== null) runs = runs.slice(0, c.from).concat(c.items);
    marks = marks.slice(0, r.frame.lanes.marks.from).concat(r.frame.lanes.marks.items);
  });
  const send = (req: Request): Frame => {
    session.handle(req);
    if (frame === null) throw new Error('no frame');
    return frame;
  };
  return { send, runs: () => runs, marks: () => marks };
}

describe('lanes', () => {
  it("records each CPU's task from boot and a late-pinned task's switch at its step", () => {
    const s = open();
    s.send({ type: 'load', source: { preset: 'sleeper-stalls' } });
    const end = s.send({ type: 'jump', to: 'end' });
    expect(s.runs().filter((r) => r.step === 0).length).toBe(end.cpus.length);
    const reader = end.tasks.pid.indexOf(4);
    const history = s.send({ type: 'select', task: reader }).selected?.history ?? [];
    expect(history.length).toBeGreaterThan(0);
    const pinned = s.send({ type: 'pin', task: reader, on: true });
    expect(pinned.lanes.pinned).toEqual([reader]);
    expect(pinned.step).toBe(end.step);
    const switches = s.marks().filter((m) => m.task === reader && m.switchFrom !== undefined);
    expect(switches.map((m) => m.step)).toEqual(history.map((h) => h.step));
    expect(switches.map((m) => m.patchState)).toEqual(history.map((h) => h.to));
    // It slept in the read its stack checks found it in.
    expect(s.marks().some((m) => m.task === reader && m.check === 'stalled')).toBe(true);
    expect(s.marks().some((m) => m.task === reader && m.run === 3)).toBe(true);

    const unpinned = s.send({ type: 'pin', task: reader, on: false });
    expect(unpinned.lanes.pinned).toEqual([]);
    expect(s.marks()).toEqual([]);
  });

  it('keeps recording a pinned task as new events are computed, and cuts a discarded branch', () => {
    const s = open();
    s.send({ type: 'load', source: { preset: 'sleeper-stalls' } });
    const f = s.send({ type: 'pin', task: 5, on: true });
    expect(s.marks().filter((m) => m.task === 5).length).toBe(1);
    const end = s.send({ type: 'jump', to: 'end' });
    const all = s.marks();
    expect(all.length).toBeGreaterThan(1);
    // What was recorded as events were computed is what a replay reads.
    s.send({ type: 'pin', task: 5, on: false });
    s.send({ type: 'pin', task: 5, on: true });
    expect(s.marks()).toEqual(all);

    const cut = Math.floor(end.step / 2);
    s.send({ type: 'seek', step: cut });
    s.send({ type: 'act', command: 'echo hi' });
    const kept = all.filter((m) => m.step <= cut);
    expect(kept.length).toBeLessThan(all.length);
    expect(s.marks().slice(0, kept.length)).toEqual(kept);
    const branch = s.marks();
    s.send({ type: 'pin', task: 5, on: false });
    s.send({ type: 'pin', task: 5, on: true });
    expect(s.marks()).toEqual(branch);
    expect(f.lanes.pinned).toEqual([5]);
  });
});
