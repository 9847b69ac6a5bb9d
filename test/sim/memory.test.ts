// The engine's memory: the compact trace reads back the very records the
// engine made; a byte budget thins old checkpoints without changing any
// state a seek reaches, and stops the run with limit 'memory' when even
// that is not enough; one timer-liveness rule serves the engine and the
// search's state key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/sim/engine.ts';
import { limitMessage } from '../../src/sim/limits.ts';
import { Timer, timerLive } from '../../src/sim/machine/queue.ts';
import type { TimerEntry, TimerOwners } from '../../src/sim/machine/queue.ts';
import type { SimEvent } from '../../src/sim/types.ts';
import { actionArb, scenarioArb, stateDigest, stepWithin } from './arbitraries.ts';
import type { ScenarioDoc } from './arbitraries.ts';

const SCALE = Number(process.env.FC_RUNS_SCALE ?? 1) || 1;
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

const LONG_RUN = {
  format: 'klpscope/1',
  name: 'memory',
  kernel: 'mainline',
  seed: 7,
  machine: { cpus: 4 },
  tasks: [
    { comm: 'app', count: 30, syscalls: ['getpid', 'read_cmdline'] },
    { comm: 'sleeper', count: 20, syscalls: ['nanosleep', 'read_cmdline', 'getpid'] },
  ],
  script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'sleep 1', 'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled', 'wait test_klp_livepatch'],
};

describe('the compact trace', () => {
  it('reads back, key for key, every record the engine made (actions and their outcomes included)', () => {
    fc.assert(
      fc.property(
        scenarioArb({ maxTasks: 30 }).chain((doc) => fc.tuple(fc.constant(doc), fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), actionArb(doc)), { maxLength: 3 }))),
        ([doc, acts]) => {
          const engine = Engine.load(doc);
          const seen: SimEvent[] = [];
          const take = (n: number) => stepWithin(engine, { maxSteps: n, onEvent: (e) => seen.push(e) });
          for (const [n, text] of acts) {
            take(n);
            engine.act(text);
          }
          take(1500);
          expect(engine.trace.length).toBe(seen.length);
          for (let i = 0; i < seen.length; i++) expect(JSON.stringify(engine.trace[i])).toBe(JSON.stringify(seen[i]));
          expect(engine.trace.slice(0, 5).map((e) => e.step)).toEqual(seen.slice(0, 5).map((e) => e.step));
          expect(engine.trace[seen.length]).toBeUndefined();
        },
      ),
      { numRuns: runs(25) },
    );
  });

  it('is an array to read, and refuses writes', () => {
    const engine = Engine.load(LONG_RUN);
    engine.run({ maxSteps: 50 });
    expect(Array.isArray(engine.trace)).toBe(true);
    expect([...engine.trace].length).toBe(50);
    expect(engine.trace.filter((e) => e.step <= 10)).toHaveLength(10);
    expect(() => engine.trace.push(engine.trace[0]!)).toThrow(/read only/);
  });
});

/**
 * A budget that forces thinning: the final trace, and a fraction of what the
 * checkpoints take unthinned, but room for a few (thinning keeps at least three).
 */
function budgetFor(doc: ScenarioDoc, steps: number, every: number, frac: number): { budget: number; reached: number; unthinned: number } {
  const free = Engine.load(doc, { checkpointEvery: every });
  stepWithin(free, { maxSteps: steps });
  const m = free.memory;
  const room = Math.max(m.checkpointBytes * frac, (8 * m.checkpointBytes) / m.checkpoints);
  return { budget: m.traceBytes + Math.floor(room), reached: free.step, unthinned: m.bytes };
}

describe('the byte budget', () => {
  it('thins old checkpoints, and every seek still gives the state of a fresh run', () => {
    fc.assert(
      fc.property(
        scenarioArb({ maxTasks: 30 }),
        fc.integer({ min: 800, max: 3000 }),
        fc.integer({ min: 10, max: 60 }),
        fc.double({ min: 0.15, max: 0.6, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (doc, steps, every, frac, points) => {
          const { budget, reached, unthinned } = budgetFor(doc, steps, every, frac);
          const engine = Engine.load(doc, { checkpointEvery: every, byteBudget: budget });
          stepWithin(engine, { maxSteps: steps });
          expect(engine.step).toBe(reached);
          expect(engine.limit).not.toBe('memory');
          const m = engine.memory;
          // Checked when a checkpoint is taken: the trace may since have grown by a few events.
          expect(m.bytes).toBeLessThanOrEqual(budget + 16 * 1024);
          expect(m.budget).toBe(budget);
          // Thinned exactly when the checkpoints of an unbudgeted run would not fit.
          expect(m.thinnings > 0).toBe(unthinned > budget);
          for (const p of points) {
            const at = Math.floor(p * reached);
            engine.seek(at);
            const fresh = Engine.load(doc);
            stepWithin(fresh, { maxSteps: at });
            expect(stateDigest(engine)).toEqual(stateDigest(fresh));
          }
        },
      ),
      { numRuns: runs(20) },
    );
  });

  it('stops the run with limit memory when thinning cannot make room, and a step back still works', () => {
    const engine = Engine.load(LONG_RUN, { byteBudget: 1 });
    const n = engine.run({ maxSteps: 100_000 });
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(100_000);
    expect(engine.limit).toBe('memory');
    expect(engine.stepForward()).toBeUndefined();
    expect(engine.memory.bytes).toBeGreaterThan(1);
    expect(limitMessage('memory', undefined, undefined, 256 * 2 ** 20)).toBe(
      'stopped at the memory budget of 256 MB for the trace and checkpoints (old checkpoints already thinned), before the scenario ended',
    );
    const end = engine.step;
    engine.seek(end - 1);
    expect(engine.step).toBe(end - 1);
    expect(engine.limit).toBeUndefined();
    expect(engine.stepForward()?.step).toBe(end);
  });

  it('reports what the trace and checkpoints take', () => {
    const engine = Engine.load(LONG_RUN, { checkpointEvery: 100 });
    engine.run({ maxSteps: 2000 });
    const m = engine.memory;
    expect(engine.step).toBe(2000);
    // One at step 0, then one at the first point between operations 100 events or more after the last.
    expect(m.checkpoints).toBeGreaterThan(10);
    expect(m.checkpoints).toBeLessThanOrEqual(20);
    expect(m.bytes).toBe(m.traceBytes + m.checkpointBytes);
    expect(m.budget).toBeUndefined();
    expect(m.thinnings).toBe(0);
    expect(m.checkpointEvery).toBe(100);
  });
});

describe('timerLive', () => {
  const owners: TimerOwners = {
    cpus: { timerGen: new Uint32Array([3]), online: new Uint8Array([1]) },
    tasks: { timerGen: new Uint32Array([0, 5]) },
    klp: { workGen: 2 },
    shell: { gen: 4 },
  } as unknown as TimerOwners;
  const entry = (type: Timer, id: number, gen: number): TimerEntry => ({ time: 0 as TimerEntry['time'], seq: 0, type, id, gen });

  it("is the owner's generation for every timer, the same for the engine and the state key", () => {
    for (const shellByGen of [false, true]) {
      expect(timerLive(owners, entry(Timer.Cpu, 0, 3), shellByGen)).toBe(true);
      expect(timerLive(owners, entry(Timer.Cpu, 0, 2), shellByGen)).toBe(false);
      expect(timerLive(owners, entry(Timer.TaskWake, 1, 5), shellByGen)).toBe(true);
      expect(timerLive(owners, entry(Timer.TaskWake, 1, 4), shellByGen)).toBe(false);
      expect(timerLive(owners, entry(Timer.TransitionWork, 0, 2), shellByGen)).toBe(true);
      expect(timerLive(owners, entry(Timer.TransitionWork, 0, 1), shellByGen)).toBe(false);
      expect(timerLive(owners, entry(Timer.IdleKick, 0, 99), shellByGen)).toBe(true);
      expect(timerLive(owners, entry(Timer.IdleEnter, 0, 3), shellByGen)).toBe(true);
      expect(timerLive(owners, entry(Timer.IdleEnter, 0, 1), shellByGen)).toBe(false);
      expect(timerLive(owners, entry(Timer.Shell, 0, 4), shellByGen)).toBe(true);
    }
  });

  it("differs only on a stale shell timer: the engine runs it (it moves the clock), the state key leaves it out", () => {
    expect(timerLive(owners, entry(Timer.Shell, 0, 3), false)).toBe(true);
    expect(timerLive(owners, entry(Timer.Shell, 0, 3), true)).toBe(false);
  });

  it('an offline CPU has no live tick', () => {
    const off = { ...owners, cpus: { timerGen: new Uint32Array([3]), online: new Uint8Array([0]) } } as unknown as TimerOwners;
    expect(timerLive(off, entry(Timer.Cpu, 0, 3), false)).toBe(false);
  });
});
