// The worker's session at a run limit (limits.ts): "Jump to end" and play stop
// there and every frame from then on says so (the timeline shows it), and a
// long computation tells the app it is alive.
import { describe, expect, it } from 'vitest';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Reply } from '../../src/worker/protocol.ts';

const spin = { format: 'klpscope/1', tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 1'] };

describe('Session at a run limit', () => {
  it('stops "Jump to end" at the events per run and says so in every frame after', () => {
    const replies: Reply[] = [];
    let t = 0;
    const session = new Session((r) => replies.push(r), { clock: () => (t += 400), limits: { maxEvents: 30_000 } });
    const frame = () => (replies.filter((r) => r.type === 'frame').at(-1) as { frame: Frame }).frame;
    session.handle({ type: 'load', source: { scenario: spin } });
    expect(frame().limit).toBeNull();
    session.handle({ type: 'jump', to: 'end' });
    expect(frame().step).toBe(30_000);
    expect(frame().limit).toBe('The run stopped at the limit of 30,000 events per run, before the scenario ended, at step 30,000');
    // Seeking back, the notice stays: the run still ends there.
    session.handle({ type: 'seek', step: 10 });
    expect(frame().limit).toMatch(/30,000 events per run/);
    // A long computation said it was alive about every second of its clock.
    expect(replies.filter((r) => r.type === 'busy').length).toBeGreaterThan(0);
    // Acting in the past starts a new branch: not at the limit any more.
    session.handle({ type: 'act', command: 'kill spin' });
    expect(frame().limit).toBeNull();
  });

  it('stops at the memory budget of the trace and checkpoints and says so on the timeline, the page alive', () => {
    const replies: Reply[] = [];
    const session = new Session((r) => replies.push(r), { limits: { byteBudget: 4 * 2 ** 20 } });
    const frame = () => (replies.filter((r) => r.type === 'frame').at(-1) as { frame: Frame }).frame;
    session.handle({ type: 'load', source: { scenario: spin } });
    session.handle({ type: 'jump', to: 'end' });
    const at = frame().step;
    expect(at).toBeGreaterThan(1000);
    expect(at).toBeLessThan(1_000_000);
    expect(frame().limit).toBe(`The run stopped at the memory budget of 4 MB for the trace and checkpoints (old checkpoints already thinned), before the scenario ended, at step ${at.toLocaleString('en')}`);
    // What was computed can still be visited.
    session.handle({ type: 'seek', step: 10 });
    expect(frame().step).toBe(10);
    expect(frame().limit).toMatch(/memory budget/);
  });
});
