// The inspector's "why" and the switch history it shows under it come from
// the same records: at every step of several demos, for every task, the why
// says "has switched" only with the switch the history lists (same step,
// same state), says "has not switched" only when the history has no switch
// to the task's state since the transition began, and calls a task in user
// space what it is.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Milestone, Reply, Request } from '../../src/worker/protocol.ts';

function open(preset: string) {
  let frame: Frame | null = null;
  let milestones: Milestone[] = [];
  const session = new Session((r: Reply) => {
    if (r.type !== 'frame') return;
    frame = r.frame;
    milestones = milestones.slice(0, r.frame.milestones.from).concat(r.frame.milestones.items);
  });
  const send = (req: Request): Frame => {
    session.handle(req);
    if (frame === null) throw new Error('no frame');
    return frame;
  };
  send({ type: 'load', source: { preset } });
  return { send, milestones: () => milestones };
}

const WORD: Readonly<Record<number, string>> = { [-1]: 'undefined', 0: 'unpatched', 1: 'patched' };

/** Checks one frame's selected task; returns what kind of why it was, for coverage. */
function agree(f: Frame, inits: readonly number[]): string {
  const sel = f.selected!;
  const where = `${sel.comm}:${sel.pid} at step ${f.step}: "${sel.why}"`;
  const since = inits.findLast((s) => s <= f.step) ?? -1;
  const last = sel.history.at(-1);
  const switched = /has switched to (\w+), at step ([\d,]+) in (\w+)/.exec(sel.why);
  if (switched !== null) {
    // The very switch the history lists last, in this transition.
    expect(last, where).toBeDefined();
    expect(WORD[last!.to], where).toBe(switched[1]);
    expect(last!.step.toLocaleString('en'), where).toBe(switched[2]);
    expect(last!.fn, where).toBe(switched[3]);
    expect(last!.step, where).toBeGreaterThanOrEqual(since);
    expect(WORD[sel.patchState], where).toBe(switched[1]);
    return 'switched';
  }
  expect(sel.why, where).not.toMatch(/has switched/);
  if (/has not switched/.test(sel.why)) {
    // No switch to its state since the transition began.
    const moved = sel.history.some((h) => h.step >= since && h.to === sel.patchState);
    expect(moved, where).toBe(false);
    return 'not-switched';
  }
  if (f.tasks.run[sel.task] === 0 && /running on CPU/.test(sel.why)) expect(sel.why, where).toMatch(/in user space/);
  return 'other';
}

describe('the inspector: why and history agree', () => {
  for (const preset of ['first-livepatch', 'reverse-stalled', 'fork', 'stacked-patches', 'unreliable-stack', 'signals-force']) {
    it(`at every step of ${preset}, for every task`, () => {
      const { send, milestones } = open(preset);
      const end = send({ type: 'jump', to: 'end' });
      const inits = milestones()
        .filter((m) => m.kind === 'init')
        .map((m) => m.step);
      const seen = new Map<string, number>();
      for (let task = 0; task < end.tasks.count; task++) {
        send({ type: 'seek', step: 0 });
        send({ type: 'select', task });
        let f = send({ type: 'seek', step: 0 });
        for (;;) {
          // A task forked later does not exist yet.
          const kind = f.selected === null ? 'unborn' : agree(f, inits);
          seen.set(kind, (seen.get(kind) ?? 0) + 1);
          if (f.step >= end.step) break;
          f = send({ type: 'step', unit: 'event', direction: 1 });
        }
      }
      // Each demo's transition has tasks that switched; the checks above were not vacuous.
      expect(seen.get('switched') ?? 0).toBeGreaterThan(0);
    }, 120_000);
  }

  it('says how a task that never switched reached the target after a reversal', () => {
    const { send, milestones } = open('reverse-stalled');
    const end = send({ type: 'jump', to: 'end' });
    const reverse = milestones().find((m) => m.kind === 'reverse')!;
    expect(reverse).toBeDefined();
    // The reader (pid 4) never switched: the reversal brings the target to it.
    const reader = end.tasks.pid.indexOf(4);
    send({ type: 'seek', step: reverse.step });
    const f = send({ type: 'select', task: reader });
    expect(f.selected!.history.filter((h) => h.step >= reverse.step)).toEqual([]);
    expect(f.selected!.why).toMatch(new RegExp(`has not switched: klp_reverse_transition at step ${reverse.step.toLocaleString('en')} turned the target round to unpatched`));
  });
});
