// The tour evaluator: each kind of condition on hand-made events, then
// findStopStep and tourSteps on real engines (scanning the trace, computing
// forward, the state after a step for `settled`, comms of tasks born later).
import { describe, it, expect } from 'vitest';
import { Engine } from '../../src/sim/engine.ts';
import { findStopStep, stopMatches, tourSteps } from '../../src/sim/scenario/tour.ts';
import type { StopContext, TourCondition } from '../../src/sim/scenario/tour.ts';
import type { EventBase, SimEvent, TaskId, Violation } from '../../src/sim/types.ts';
import { usec } from '../../src/sim/types.ts';

const COMMS = ['swapper/0', 'sh', 'reader', 'worker'];

function event(over: Partial<EventBase> = {}): SimEvent {
  return { step: 5, op: 2, time: usec(1_500_000), fn: 'klp_try_switch_task', livepatch: true, task: 2 as TaskId, kind: 'switch-checked', args: { target: 1 }, log: [], switches: [], violations: [], ...over };
}

function ctx(over: Partial<Omit<StopContext, 'comm'>> = {}): StopContext {
  return { step: 5, time: 1_500_000, settled: false, comm: (t) => COMMS[t] ?? '', ...over };
}

const violation = (v: Partial<Violation>): Violation => ({ invariant: 5, text: 'v', ...v });

describe('stopMatches', () => {
  it('start: only at step 0, before any event', () => {
    expect(stopMatches({ kind: 'start' }, null, ctx({ step: 0, time: 0 }))).toBe(true);
    expect(stopMatches({ kind: 'start' }, event(), ctx())).toBe(false);
  });

  it('event: by fn, and optionally by the comm of the event\'s task', () => {
    expect(stopMatches({ kind: 'event', fn: 'klp_try_switch_task' }, event(), ctx())).toBe(true);
    expect(stopMatches({ kind: 'event', fn: 'klp_start_transition' }, event(), ctx())).toBe(false);
    expect(stopMatches({ kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' }, event(), ctx())).toBe(true);
    expect(stopMatches({ kind: 'event', fn: 'klp_try_switch_task', comm: 'worker' }, event(), ctx())).toBe(false);
    const { task: _task, ...noTask } = event();
    expect(stopMatches({ kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' }, noTask, ctx())).toBe(false);
    expect(stopMatches({ kind: 'event', fn: 'klp_try_switch_task' }, null, ctx({ step: 0 }))).toBe(false);
  });

  it('log: any line of the event, kernel log or cat output, containing the text', () => {
    const e = event({
      log: [
        { time: usec(0), text: "livepatch: 'lp': patching complete", level: 'notice' },
        { time: usec(0), text: 'lp: patch A', level: 'info', stdout: true },
      ],
    });
    expect(stopMatches({ kind: 'log', includes: 'patching complete' }, e, ctx())).toBe(true);
    expect(stopMatches({ kind: 'log', includes: 'patch A' }, e, ctx())).toBe(true);
    expect(stopMatches({ kind: 'log', includes: 'unpatching' }, e, ctx())).toBe(false);
    expect(stopMatches({ kind: 'log', includes: 'patch' }, event(), ctx())).toBe(false);
    expect(stopMatches({ kind: 'log', includes: 'patch' }, null, ctx({ step: 0 }))).toBe(false);
  });

  it('switch: any switch of the event, narrowed by comm, from and to', () => {
    const e = event({ switches: [{ task: 3 as TaskId, from: 0, to: 1 }] });
    expect(stopMatches({ kind: 'switch' }, e, ctx())).toBe(true);
    expect(stopMatches({ kind: 'switch', comm: 'worker' }, e, ctx())).toBe(true);
    expect(stopMatches({ kind: 'switch', comm: 'reader' }, e, ctx())).toBe(false);
    expect(stopMatches({ kind: 'switch', to: 1 }, e, ctx())).toBe(true);
    expect(stopMatches({ kind: 'switch', to: 0 }, e, ctx())).toBe(false);
    expect(stopMatches({ kind: 'switch', from: 0, to: 1, comm: 'worker' }, e, ctx())).toBe(true);
    expect(stopMatches({ kind: 'switch', from: 1 }, e, ctx())).toBe(false);
    expect(stopMatches({ kind: 'switch' }, event(), ctx())).toBe(false);
  });

  it('time: the point is at or after the given microsecond', () => {
    expect(stopMatches({ kind: 'time', atLeast: 1_500_000 }, event(), ctx())).toBe(true);
    expect(stopMatches({ kind: 'time', atLeast: 1_500_001 }, event(), ctx())).toBe(false);
    expect(stopMatches({ kind: 'time', atLeast: 0 }, null, ctx({ step: 0, time: 0 }))).toBe(true);
  });

  it('violation: any, or narrowed to what immediate or force give up, to real ones, or to one invariant', () => {
    const real = event({ violations: [violation({ invariant: 11 })] });
    const imm = event({ violations: [violation({ givenUp: 'immediate' })] });
    const forced = event({ violations: [violation({ givenUp: 'force' })] });
    expect(stopMatches({ kind: 'violation' }, real, ctx())).toBe(true);
    expect(stopMatches({ kind: 'violation' }, imm, ctx())).toBe(true);
    expect(stopMatches({ kind: 'violation' }, event(), ctx())).toBe(false);
    expect(stopMatches({ kind: 'violation', givenUp: 'immediate' }, imm, ctx())).toBe(true);
    expect(stopMatches({ kind: 'violation', givenUp: 'immediate' }, forced, ctx())).toBe(false);
    expect(stopMatches({ kind: 'violation', givenUp: 'immediate' }, real, ctx())).toBe(false);
    expect(stopMatches({ kind: 'violation', givenUp: 'force' }, forced, ctx())).toBe(true);
    expect(stopMatches({ kind: 'violation', givenUp: 'none' }, real, ctx())).toBe(true);
    expect(stopMatches({ kind: 'violation', givenUp: 'none' }, imm, ctx())).toBe(false);
    expect(stopMatches({ kind: 'violation', invariant: 11 }, real, ctx())).toBe(true);
    expect(stopMatches({ kind: 'violation', invariant: 5 }, real, ctx())).toBe(false);
    expect(stopMatches({ kind: 'violation', invariant: 5, givenUp: 'immediate' }, imm, ctx())).toBe(true);
  });

  it('settled: whatever the context says about the state after the step', () => {
    expect(stopMatches({ kind: 'settled' }, event(), ctx({ settled: true }))).toBe(true);
    expect(stopMatches({ kind: 'settled' }, event(), ctx({ settled: false }))).toBe(false);
  });
});

/** reader (pid 4) asleep in pipe_read holds lp_pipe until woken; worker (pid 5) is forked meanwhile. */
const SCENARIO = {
  format: 'klpscope/1',
  kernel: 'mainline',
  seed: 1,
  machine: { cpus: 2 },
  tasks: [
    { comm: 'reader', syscalls: ['read_pipe'], blockedIn: 'pipe_read' },
    { comm: 'worker', syscalls: ['getpid'], userMs: [5, 20] },
  ],
  modules: [{ name: 'lp_pipe', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }] }] } }],
  script: ['insmod lp_pipe.ko', 'sleep 1.5', 'fork reader', 'sleep 0.5', 'wake 4', 'wait lp_pipe', 'cat /proc/cmdline'],
};

/** A fresh engine run to the end of its script. */
function ranEngine(): Engine {
  const e = Engine.load(SCENARIO);
  e.run({ until: () => e.settled, maxSteps: 50_000 });
  expect(e.settled).toBe(true);
  return e;
}

const firstStep = (e: Engine, pred: (ev: SimEvent) => boolean): number => {
  const ev = e.trace.find(pred);
  if (ev === undefined) throw new Error('no such event');
  return ev.step;
};

describe('findStopStep', () => {
  it('start is step 0, and only from step 0', () => {
    const e = ranEngine();
    expect(findStopStep(e, { kind: 'start' }, 0)).toBe(0);
    expect(findStopStep(e, { kind: 'start' }, 3)).toBeUndefined();
  });

  it('finds the first matching step strictly after fromStep, and leaves the engine where it was', () => {
    const e = ranEngine();
    e.seek(10);
    const cond: TourCondition = { kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' };
    const stalls = e.trace.filter((ev) => ev.fn === 'klp_try_switch_task' && ev.task !== undefined && e.kernel.tasks.comm[ev.task] === 'reader').map((ev) => ev.step);
    expect(stalls.length).toBeGreaterThan(1);
    expect(findStopStep(e, cond, 0)).toBe(stalls[0]);
    expect(findStopStep(e, cond, stalls[0]!)).toBe(stalls[1]);
    expect(findStopStep(e, cond, stalls[0]! - 1)).toBe(stalls[0]);
    expect(e.step).toBe(10);
  });

  it('computes forward when the trace runs out, within the bound', () => {
    const e = Engine.load(SCENARIO);
    expect(e.trace.length).toBe(0);
    const at = findStopStep(e, { kind: 'log', includes: 'patching complete' }, 0);
    expect(at).toBeGreaterThan(0);
    expect(e.trace.length).toBeGreaterThanOrEqual(at as number);
    expect(e.trace[(at as number) - 1]!.log.some((l) => l.text.includes("'lp_pipe': patching complete"))).toBe(true);
    expect(e.step).toBe(0);
    // Never happens: the bound stops the search.
    expect(findStopStep(e, { kind: 'log', includes: 'no such line' }, 0, { maxSteps: 3_000 })).toBeUndefined();
    expect(e.trace.length).toBeLessThanOrEqual(3_000);
    expect(e.step).toBe(0);
  });

  it('time: the first event at or after the instant', () => {
    const e = ranEngine();
    const at = findStopStep(e, { kind: 'time', atLeast: 1_000_000 }, 0) as number;
    expect(e.trace[at - 1]!.time).toBeGreaterThanOrEqual(1_000_000);
    expect(e.trace[at - 2]!.time).toBeLessThan(1_000_000);
  });

  it('settled: the first step after which the script is done and no transition is left', () => {
    const e = ranEngine();
    const end = e.step;
    const at = findStopStep(e, { kind: 'settled' }, 0) as number;
    expect(at).toBeGreaterThan(0);
    expect(e.step).toBe(end);
    e.seek(at);
    expect(e.settled).toBe(true);
    e.seek(at - 1);
    expect(e.settled).toBe(false);
    // Later points are settled too: the next step qualifies.
    expect(findStopStep(e, { kind: 'settled' }, at)).toBe(at + 1);
  });

  it('knows the comm of a task forked after the engine\'s current point', () => {
    const e = ranEngine();
    const fork = firstStep(e, (ev) => ev.log.some((l) => l.text === '% fork reader'));
    const childSwitch = firstStep(e, (ev) => ev.step > fork && ev.switches.some((s) => e.kernel.tasks.pid[s.task] === 6 && s.to === 1));
    e.seek(0);
    expect(e.state.tasks.count).toBeLessThanOrEqual(e.trace[childSwitch - 1]!.switches[0]!.task);
    expect(findStopStep(e, { kind: 'switch', comm: 'reader', to: 1 }, fork)).toBe(childSwitch);
    expect(e.step).toBe(0);
  });

  it('violation: finds real ones and given-up ones apart', () => {
    const e = Engine.load({
      format: 'klpscope/1',
      kernel: 'v4.12',
      machine: { cpus: 1 },
      tasks: [{ comm: 'kflushd', kind: 'kthread', loop: ['kthread', 'flush_loop'], calls: ['flush_one'], sleepMs: [100, 200] }],
      modules: [{ name: 'lp_f', livepatch: { immediate: true, objects: [{ name: 'vmlinux', funcs: [{ old: 'flush_loop' }, { old: 'flush_one' }] }] } }],
      script: ['insmod lp_f.ko', 'sleep 1'],
    });
    const at = findStopStep(e, { kind: 'violation', givenUp: 'immediate', invariant: 5 }, 0) as number;
    expect(e.trace[at - 1]!.violations.some((v) => v.givenUp === 'immediate')).toBe(true);
    expect(findStopStep(e, { kind: 'violation', givenUp: 'none' }, 0, { maxSteps: 2_000 })).toBeUndefined();
  });
});

describe('tourSteps', () => {
  it('places every stop after the previous one, and gives up after a stop that is never reached', () => {
    const e = ranEngine();
    const steps = tourSteps(e, [
      { text: 'a', when: { kind: 'start' } },
      { text: 'b', when: { kind: 'event', fn: 'klp_start_transition' } },
      { text: 'c', when: { kind: 'event', fn: 'klp_start_transition' } },
      { text: 'd', when: { kind: 'log', includes: 'patching complete' } },
    ], { maxSteps: 5_000 });
    expect(steps[0]).toBe(0);
    expect(steps[1]).toBeGreaterThan(0);
    // There is only one klp_start_transition, so the third stop is never reached, nor the fourth.
    expect(steps.slice(2)).toEqual([undefined, undefined]);
    const ok = tourSteps(e, [
      { text: 'a', when: { kind: 'start' } },
      { text: 'b', when: { kind: 'event', fn: 'klp_start_transition' } },
      { text: 'c', when: { kind: 'switch', comm: 'reader', to: 1 } },
      { text: 'd', when: { kind: 'log', includes: 'patching complete' } },
      { text: 'e', when: { kind: 'settled' } },
    ]);
    expect(ok.every((s) => s !== undefined)).toBe(true);
    for (let i = 1; i < ok.length; i++) expect(ok[i] as number).toBeGreaterThan(ok[i - 1] as number);
  });
});
