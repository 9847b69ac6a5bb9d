// The worker's session, in Node: the selected task's history follows the
// current step, back and forth, and forgets a discarded branch.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Reply, Request } from '../../src/worker/protocol.ts';

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
});
