// The invariants module (spec/kernel-model.md §7): reports at a switch, at
// completion, on calls and when quiescent, and what immediate/force give up.
import { describe, it, expect } from 'vitest';
import { NO_ARGS } from '../../../src/sim/events.ts';
import { checkCall, checkCompletion, checkQuiescent, checkSwitch } from '../../../src/sim/invariants.ts';
import { klpPatchObject } from '../../../src/sim/livepatch/patch.ts';
import { ORIGINAL, versionOf } from '../../../src/sim/livepatch/version.ts';
import { klpCompleteTransition, klpTrySwitchTask } from '../../../src/sim/livepatch/transition.ts';
import { popFrames, pushFrame, setPatchState, setTif } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { Kernel } from '../../../src/sim/kernel.ts';
import type { TaskId, Violation } from '../../../src/sim/types.ts';
import { applied, begin, drain, machine, violationsOf } from '../helpers.ts';
import type { Machine, MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 1,
  functions: { foo: 'vmlinux', bar: 'vmlinux' },
  tasks: [{ comm: 'kt', loop: ['kthread', 'foo'] }, { comm: 'w', loop: ['kthread', 'worker_thread'] }],
  patches: [{ name: 'p1', funcs: ['foo', 'bar'] }],
};

/** Violations collected since the kernel's last event. */
const reported = (k: Kernel): readonly Violation[] => k.emit('wakeup', NO_ARGS).violations;

function stack(m: Machine, t: TaskId, frames: [string, number][]) {
  popFrames(m.k.tasks, t, 0);
  for (const [fn, ver] of frames) pushFrame(m.k.tasks, t, m.fn(fn), ver);
}

describe('checkSwitch (invariant 5 at a switch)', () => {
  it('flags a task that switched while inside a version it no longer calls', () => {
    const m = machine('v4.12', DEF);
    const p = begin(m, 'p1', KLP_PATCHED);
    reported(m.k);
    const kt = m.task('kt'); // in the original foo
    setPatchState(m.k.tasks, kt, KLP_PATCHED);
    checkSwitch(m.k, kt, p, undefined);
    const v = reported(m.k);
    expect(v.length).toBe(1);
    expect(v[0]).toMatchObject({ invariant: 5, comm: 'kt', pid: m.k.tasks.pid[kt] });
    expect(v[0]!.givenUp).toBeUndefined();
    expect(v[0]!.text).toContain('the original foo');
  });

  it('is silent when the task is inside the version it now calls, or outside the patch\'s functions', () => {
    const m = machine('v4.12', DEF);
    const p = begin(m, 'p1', KLP_PATCHED);
    reported(m.k);
    const kt = m.task('kt');
    setPatchState(m.k.tasks, kt, KLP_PATCHED);
    stack(m, kt, [['kthread', ORIGINAL], ['foo', versionOf(m.funcs(p)[0])]]);
    checkSwitch(m.k, kt, p, undefined);
    const w = m.task('w');
    setPatchState(m.k.tasks, w, KLP_PATCHED);
    checkSwitch(m.k, w, p, undefined);
    expect(reported(m.k)).toEqual([]);
  });

  it('unpatching: flags a task still inside the patch\'s new function', () => {
    const m = machine('mainline', DEF);
    const p = applied(m, 'p1');
    begin(m, 'p1', KLP_UNPATCHED);
    reported(m.k);
    const kt = m.task('kt');
    stack(m, kt, [['kthread', ORIGINAL], ['foo', versionOf(m.funcs(p)[0])]]);
    setPatchState(m.k.tasks, kt, KLP_UNPATCHED);
    checkSwitch(m.k, kt, p, undefined);
    const v = reported(m.k);
    expect(v.map((x) => x.invariant)).toEqual([5]);
    expect(v[0]!.text).toContain("p1's foo");
  });

  it('marks a forced switch givenUp: force', () => {
    const m = machine('mainline', DEF);
    const p = begin(m, 'p1', KLP_PATCHED);
    reported(m.k);
    const kt = m.task('kt');
    setPatchState(m.k.tasks, kt, KLP_PATCHED);
    checkSwitch(m.k, kt, p, 'force');
    expect(reported(m.k).map((x) => [x.invariant, x.givenUp])).toEqual([[5, 'force']]);
  });

  it('marks givenUp: immediate when an immediate func is on the function\'s stack (v4.12), as the stack check lets it through', () => {
    const m = machine('v4.12', { ...DEF, patches: [{ name: 'pi', funcs: [{ old: 'foo', immediate: true }] }] });
    begin(m, 'pi', KLP_PATCHED);
    reported(m.k);
    const kt = m.task('kt');
    const { events, ret } = drain(klpTrySwitchTask(m.k, kt));
    expect(ret).toBe(true);
    expect(violationsOf(events).map((x) => [x.invariant, x.givenUp, x.comm])).toEqual([[5, 'immediate', 'kt']]);
  });
});

describe('other reports', () => {
  it('an immediate patch pushed under a sleeping task reports the stale frame as given up (v4.12)', () => {
    const m = machine('v4.12', { ...DEF, patches: [{ name: 'im', funcs: ['foo'], immediate: true }] });
    const p = m.patch('im');
    reported(m.k);
    expect(klpPatchObject(m.k, p.objects[0]!)).toBe(0);
    const v = reported(m.k);
    expect(v.map((x) => [x.invariant, x.givenUp])).toEqual([[5, 'immediate']]);
    expect(v[0]!.text).toContain('kt:');
  });

  it('completion with a task not at the target breaks invariant 4', () => {
    const m = machine('v4.12', DEF);
    begin(m, 'p1', KLP_PATCHED);
    reported(m.k);
    checkCompletion(m.k, m.patch('p1'), 'before');
    expect(reported(m.k).map((x) => x.invariant)).toEqual([4]);
  });

  it('an unpatch completing while a task is inside the removed code breaks invariant 7; forced, it is given up', () => {
    for (const forced of [false, true]) {
      const m = machine('mainline', DEF);
      const p = applied(m, 'p1');
      begin(m, 'p1', KLP_UNPATCHED);
      p.forced = forced;
      const kt = m.task('kt');
      stack(m, kt, [['kthread', ORIGINAL], ['foo', versionOf(m.funcs(p)[0])]]);
      for (let t = 0 as TaskId; t < m.k.tasks.count; t++) {
        setTif(m.k.tasks, t, false);
        setPatchState(m.k.tasks, t, KLP_UNPATCHED);
      }
      reported(m.k);
      const v = violationsOf(drain(klpCompleteTransition(m.k)).events).filter((x) => x.invariant === 7);
      expect(v.map((x) => x.givenUp), String(forced)).toEqual([forced ? 'force' : undefined]);
    }
  });

  it('a call mixing versions in one call chain breaks invariant 5; a call into an unloaded module, 12', () => {
    const m = machine('v4.12', DEF);
    const p = applied(m, 'p1');
    reported(m.k);
    const kt = m.task('kt'); // in the original foo, now patched: calling bar runs p1's bar
    checkCall(m.k, kt, m.fn('bar'), versionOf(m.funcs(p)[1]), undefined);
    expect(reported(m.k).map((x) => [x.invariant, x.givenUp])).toEqual([[5, undefined]]);
    checkCall(m.k, m.task('w'), m.fn('bar'), versionOf(m.funcs(p)[1]), 'p1');
    expect(reported(m.k).map((x) => x.invariant)).toEqual([12]);
  });

  it('quiescent checks: a stale patch state outside a transition (2), a flag mismatch during one (3)', () => {
    const m = machine('v4.12', DEF);
    checkQuiescent(m.k);
    expect(reported(m.k)).toEqual([]);
    setPatchState(m.k.tasks, m.task('w'), KLP_PATCHED);
    checkQuiescent(m.k);
    expect(reported(m.k).map((x) => x.invariant)).toEqual([2]);
    setPatchState(m.k.tasks, m.task('w'), -1);
    begin(m, 'p1', KLP_PATCHED);
    reported(m.k);
    checkQuiescent(m.k);
    expect(reported(m.k)).toEqual([]);
    setTif(m.k.tasks, m.task('w'), false);
    checkQuiescent(m.k);
    expect(reported(m.k).map((x) => x.invariant)).toEqual([3]);
  });
});
