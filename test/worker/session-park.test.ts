// The engine parked between slices of computing ahead: with nothing asked
// meanwhile, it stays at the end of the trace from one slice to the next,
// and goes back to the view only for a frame, a request or a tick. A parked
// session must answer exactly as one that goes back after every slice: the
// same replies, in the same order, whatever is asked when (cancels of loads
// and actions among them: a cancel's snapshot is of the view, not of the
// end of the trace).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Session } from '../../src/worker/session.ts';
import type { Reply, Request, ScenarioSource, StepUnit } from '../../src/worker/protocol.ts';

const spin = { format: 'klpscope/1', name: 'spin', tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 60'] };
/** klp_start_transition walks 1,500 tasks in one operation: an insmod is an action of several slices on the same run (which runs on: computed ahead). */
const many = { format: 'klpscope/1', name: 'many', machine: { cpus: 4 }, tasks: [{ comm: 'app', count: 1500, syscalls: ['getpid', 'read_cmdline'] }, { comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 60'] };

/**
 * A session in slices as in the worker (each reading of the clock `tick` ms
 * later), with the next step sent ahead; `park` false: the engine goes back
 * to the view after every slice.
 */
function sliced(park: boolean, tick = 3, maxEvents = 30_000) {
  const replies: Reply[] = [];
  const later: (() => void)[] = [];
  let t = 0;
  const session = new Session((r) => replies.push(r), { clock: () => (t += tick), limits: { maxEvents }, defer: (fn) => later.push(fn), prefetch: true, park });
  const runLater = (n = Infinity) => {
    for (let i = 0; i < n && later.length > 0; i++) later.shift()?.();
  };
  let id = 0;
  const send = (req: Request) => session.handle({ ...req, id: ++id });
  /** Whether the engine is parked now (read from the session: the precondition of these tests). */
  const parked = () => (session as unknown as { parked: number | null }).parked !== null;
  const setTick = (ms: number) => {
    tick = ms;
  };
  return { session, replies, later, runLater, send, parked, setTick };
}

const frames = (replies: readonly Reply[]) => replies.flatMap((r) => (r.type === 'frame' ? [r.frame] : []));

describe('the engine parked between slices of computing ahead', () => {
  it('a cancelled load while parked: the view as it was, and the run goes on as one never parked', () => {
    const p = sliced(true, 3, 200_000);
    const q = sliced(false, 3, 200_000);
    for (const s of [p, q]) {
      s.send({ type: 'load', source: { scenario: spin } });
      s.send({ type: 'seek', step: 7 });
      s.runLater(5);
    }
    expect(p.parked()).toBe(true);
    expect(frames(p.replies).at(-1)?.step).toBe(7);
    for (const s of [p, q]) {
      s.send({ type: 'load', source: { scenario: spin, step: 150_000 } });
      s.runLater(1);
      s.send({ type: 'cancel' });
    }
    const cancelled = frames(p.replies).at(-1);
    expect(cancelled?.step).toBe(7);
    expect(p.replies.some((r) => r.type === 'cancelled')).toBe(true);
    for (const s of [p, q]) {
      s.send({ type: 'step', unit: 'event', direction: 1 });
      s.send({ type: 'export', what: 'trace' });
    }
    expect(frames(p.replies).at(-1)?.step).toBe(8);
    const exported = p.replies.at(-1);
    expect(exported?.type === 'export' ? exported.text.trim().split('\n').length : -1).toBe(8);
    expect(p.replies).toEqual(q.replies);
  });

  it('a cancelled action on the same run while parked: taken back at the view, not at the end of the trace', () => {
    const p = sliced(true, 1);
    const q = sliced(false, 1);
    for (const s of [p, q]) {
      s.send({ type: 'load', source: { scenario: many } });
      s.send({ type: 'seek', step: 2_000 });
      s.runLater(3);
    }
    // Computed ahead past the view, and left there.
    expect(p.parked()).toBe(true);
    for (const s of [p, q]) {
      // From here a slice ends at its first chance: the action takes several.
      s.setTick(60);
      s.send({ type: 'act', command: 'insmod test_klp_livepatch.ko' });
      expect(s.later.length).toBeGreaterThan(0);
      s.send({ type: 'cancel' });
      s.send({ type: 'export', what: 'trace' });
    }
    const f = frames(p.replies).at(-1);
    expect(f?.step).toBe(2_000);
    expect(f?.actions).toEqual([]);
    const exported = p.replies.at(-1);
    expect(exported?.type === 'export' ? exported.text.trim().split('\n').length : -1).toBe(2_000);
    for (const s of [p, q]) s.runLater();
    expect(p.replies).toEqual(q.replies);
  });

  type Op =
    | { readonly op: 'req'; readonly req: Request }
    | { readonly op: 'play'; readonly ticks: number }
    | { readonly op: 'later'; readonly n: number };
  const step = (unit: StepUnit, direction: 1 | -1): Request => ({ type: 'step', unit, direction });
  const reqArb: fc.Arbitrary<Request> = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<Request>({ type: 'load', source: { preset: 'first-livepatch' } }, { type: 'load', source: { preset: 'signals-force' } }, { type: 'load', source: { scenario: spin } }, { type: 'load', source: { scenario: many } }, { type: 'load', source: { scenario: spin, step: 20_000 } }) },
    { weight: 6, arbitrary: fc.record({ unit: fc.constantFrom<StepUnit>('event', 'livepatch', 'switch', 'second'), direction: fc.constantFrom<1 | -1>(1, -1) }).map((r) => step(r.unit, r.direction)) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 25_000 }).map((at): Request => ({ type: 'seek', step: at })) },
    { weight: 3, arbitrary: fc.constantFrom<Request>({ type: 'jump', to: 'start' }, { type: 'jump', to: 'end' }, { type: 'cancel' }, { type: 'pause' }, { type: 'tour-back' }, { type: 'export', what: 'trace' }, { type: 'export', what: 'log' }) },
    { weight: 2, arbitrary: fc.constantFrom('cat /proc/cmdline', 'kill 4', 'insmod test_klp_livepatch.ko', 'echo hi > /dev/kmsg', 'insmdo lp.ko').map((command): Request => ({ type: 'act', command })) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 12 }).map((task): Request => ({ type: 'select', task })) },
    { weight: 1, arbitrary: fc.record({ task: fc.integer({ min: 0, max: 12 }), on: fc.boolean() }).map((r): Request => ({ type: 'pin', ...r })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }).map((stop): Request => ({ type: 'tour', stop })) },
  );
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: reqArb.map((req): Op => ({ op: 'req', req })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((ticks): Op => ({ op: 'play', ticks })) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }).map((n): Op => ({ op: 'later', n })) },
  );

  it('answers every request exactly as a session that never parks (random requests between slices, fixed seeds)', () => {
    let parkedAtRequest = 0;
    fc.assert(
      fc.property(fc.constantFrom(1, 3, 3, 60), fc.constantFrom<ScenarioSource>({ preset: 'first-livepatch' }, { scenario: spin }, { scenario: spin }, { scenario: many }, { scenario: many }), fc.array(opArb, { minLength: 1, maxLength: 25 }), (tick, source, ops) => {
        const p = sliced(true, tick);
        const q = sliced(false, tick);
        for (const s of [p, q]) s.send({ type: 'load', source });
        let seen = 0;
        for (const [i, o] of ops.entries()) {
          if (o.op !== 'later' && p.parked()) parkedAtRequest++;
          for (const s of [p, q]) {
            if (o.op === 'req') s.send(o.req);
            else if (o.op === 'later') s.runLater(o.n);
            else {
              s.send({ type: 'play' });
              for (let t = 0; t < o.ticks; t++) s.session.tick();
              s.send({ type: 'pause' });
            }
          }
          expect(p.replies.length, `after op ${i} ${JSON.stringify(o)}: how many replies`).toBe(q.replies.length);
          expect(p.replies.slice(seen), `after op ${i} ${JSON.stringify(o)}`).toEqual(q.replies.slice(seen));
          seen = p.replies.length;
        }
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 1212), numRuns: Number(process.env.FUZZ_RUNS ?? 40), endOnFailure: true },
    );
    // The requests found the engine parked often (else this would test nothing).
    expect(parkedAtRequest).toBeGreaterThan(15);
  }, 120_000);
});
