// Properties of the run limits (src/sim/limits.ts, docs/scenario.md §11):
// random scenarios with random actions, forks among them, never have more
// tasks than the cap, never compute an event past the events per run or an
// operation past the simulated time, and never stop there without `limit`
// saying why.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/sim/engine.ts';
import { actionArb, scenarioArb } from './arbitraries.ts';

const SCALE = Number(process.env.FC_RUNS_SCALE ?? 1) || 1;

// Stage-2 scenarios too: a module's work item creates a kworker, which counts
// towards the cap as a fork does (machine/work.ts spawnWorker).
const run = scenarioArb({ maxTasks: 12, maxCpus: 4, maxLines: 6 }).chain((doc) => {
  const forks = fc.constantFrom(...doc.tasks.map((g) => `fork ${g.comm}`), 'fork sh', 'fork kworker/0:1');
  const action = fc.oneof({ weight: 3, arbitrary: forks }, { weight: 1, arbitrary: actionArb(doc) });
  return fc.record({
    doc: fc.constant(doc),
    extraTasks: fc.integer({ min: 0, max: 60 }),
    maxEvents: fc.integer({ min: 1, max: 2500 }),
    maxTimeS: fc.integer({ min: 1, max: 40 }),
    actions: fc.array(fc.record({ at: fc.integer({ min: 0, max: 2000 }), text: action }), { maxLength: 12 }),
  });
});

describe('run limits (property)', () => {
  it('forks never exceed the task cap, and a run never passes a limit, nor stops at one, without saying so', () => {
    fc.assert(
      fc.property(run, ({ doc, extraTasks, maxEvents, maxTimeS, actions }) => {
        const start = Engine.load(doc).kernel.tasks.count;
        const pidMax = start + extraTasks;
        const maxTimeUs = maxTimeS * 1_000_000;
        const engine = Engine.load(doc, { pidMax, maxEvents, maxTimeUs, keepTrace: false, keepCheckpoints: false });
        const todo = [...actions].sort((a, b) => a.at - b.at);
        for (;;) {
          while (todo.length > 0 && todo[0]!.at <= engine.step) engine.act(todo.splice(0, 1)[0]!.text);
          const e = engine.stepForward();
          if (e === undefined) break;
          expect(engine.kernel.tasks.count).toBeLessThanOrEqual(pidMax);
          expect(e.step).toBeLessThanOrEqual(maxEvents);
          expect(e.time).toBeLessThanOrEqual(maxTimeUs);
        }
        // The machine's kworkers always have a next wake-up: only a limit stops a run.
        const limit = engine.limit;
        expect(limit).toBeDefined();
        if (limit === 'events') expect(engine.step).toBe(maxEvents);
        else expect(engine.step).toBeLessThan(maxEvents);
        expect(engine.stepForward()).toBeUndefined();
      }),
      { numRuns: Math.round(30 * SCALE) },
    );
  }, 120_000);
});
