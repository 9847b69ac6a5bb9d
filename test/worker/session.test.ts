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

    const back = send({ type: 'seek', step: full[0].step });
    expect(back.selected?.history).toEqual([full[0]]);
    expect(send({ type: 'seek', step: full[0].step - 1 }).selected?.history).toEqual([]);
    expect(send({ type: 'seek', step: end.step }).selected?.history).toEqual(full);

    // An action before the first switch discards the branch the history came from.
    send({ type: 'seek', step: full[0].step - 1 });
    const branched = send({ type: 'act', command: 'kill 4' });
    expect(branched.selected?.history).toEqual([]);
    expect(branched.computed).toBe(branched.step);
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
});
