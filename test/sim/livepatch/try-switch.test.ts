// klp_try_switch_task with klp_check_stack / klp_check_stack_func
// (spec/kernel-model.md §2.3, §5.1, §5.4).
import { describe, it, expect } from 'vitest';
import { ORIGINAL, versionOf } from '../../../src/sim/livepatch/version.ts';
import { klpInitTransition, klpStartTransition, klpTrySwitchTask } from '../../../src/sim/livepatch/transition.ts';
import { idleTask } from '../../../src/sim/machine/cpus.ts';
import { popFrames, pushFrame, setPatchState } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { KernelVariant } from '../../../src/sim/scenario/types.ts';
import type { TaskId } from '../../../src/sim/types.ts';
import { applied, begin, drain, logLinesOf, logOf, machine, VARIANTS } from '../helpers.ts';
import type { Machine, MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 2,
  functions: { foo: 'vmlinux', bar: 'vmlinux' },
  tasks: [
    { comm: 'kt', loop: ['kthread', 'foo'] },
    { comm: 'kb', loop: ['kthread', 'bar'] },
    { comm: 'idlek', loop: ['kthread', 'worker_thread'] },
    { comm: 'flaky', loop: ['kthread', 'worker_thread'], unreliableStack: true },
  ],
  patches: [
    { name: 'p1', funcs: ['foo', 'bar'] },
    { name: 'p2', funcs: ['foo'] },
  ],
};



/** Replaces the task's stack with `frames` (function, version). */
function stack(m: Machine, t: TaskId, frames: [string, number][]) {
  popFrames(m.k.tasks, t, 0);
  for (const [fn, ver] of frames) pushFrame(m.k.tasks, t, m.fn(fn), ver);
}

const prefix = (v: KernelVariant) => (v === 'mainline' ? 'klp_try_switch_task' : 'klp_check_stack');

describe('klp_try_switch_task', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('returns true at once for a task already at the target, without looking at TIF', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const kt = m.task('kt');
        setPatchState(m.k.tasks, kt, KLP_PATCHED);
        const { events, ret } = drain(klpTrySwitchTask(m.k, kt));
        expect(ret).toBe(true);
        expect(events).toEqual([]);
        expect(m.k.tasks.tif[kt]).toBe(1); // left alone
      });

      it('switches a task whose stack holds no retired version: TIF cleared, state set, switch recorded', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const t = m.task('idlek');
        const { events, ret } = drain(klpTrySwitchTask(m.k, t));
        expect(ret).toBe(true);
        expect(m.k.tasks.tif[t]).toBe(0);
        expect(m.k.tasks.patchState[t]).toBe(KLP_PATCHED);
        expect(events.flatMap((e) => e.switches)).toEqual([{ task: t, from: KLP_UNPATCHED, to: KLP_PATCHED }]);
        expect(logOf(events)).toEqual([]);
      });

      it('fails for a task running on another CPU with the "is running" debug line', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const t = m.task('idlek');
        m.k.tasks.cpu[t] = 1;
        m.k.cpus.curr[1] = t;
        m.k.current = -1 as TaskId;
        const { events, ret } = drain(klpTrySwitchTask(m.k, t));
        expect(ret).toBe(false);
        const lines = logLinesOf(events);
        expect(lines.map((l) => [l.level, l.text, l.taskDebug])).toEqual([['debug', `livepatch: klp_try_switch_task: idlek:${m.k.tasks.pid[t]} is running`, true]]);
        expect(m.k.tasks.tif[t]).toBe(1);
        expect(m.k.tasks.patchState[t]).toBe(KLP_UNPATCHED);
      });

      it('checks the idle task of an online CPU as running, but not the one that is current', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const a = drain(klpTrySwitchTask(m.k, idleTask(1)));
        expect(a.ret).toBe(false);
        expect(logOf(a.events)).toEqual(['livepatch: klp_try_switch_task: swapper/1:0 is running']);
        m.k.current = idleTask(1);
        expect(drain(klpTrySwitchTask(m.k, idleTask(1))).ret).toBe(true);
        expect(m.k.tasks.patchState[idleTask(1)]).toBe(KLP_PATCHED);
      });

      it(`fails for an unreliable stack with the ${prefix(v)} prefix`, () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const t = m.task('flaky');
        const { events, ret } = drain(klpTrySwitchTask(m.k, t));
        expect(ret).toBe(false);
        expect(logLinesOf(events).map((l) => [l.level, l.text, l.taskDebug])).toEqual([['debug', `livepatch: ${prefix(v)}: flaky:${m.k.tasks.pid[t]} has an unreliable stack`, true]]);
        expect(m.k.tasks.tif[t]).toBe(1);
        expect(m.k.tasks.patchState[t]).toBe(KLP_UNPATCHED);
      });

      it(`patching: fails for a task sleeping in the original function (${prefix(v)}: ... is sleeping on function)`, () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const kt = m.task('kt');
        const kb = m.task('kb');
        const a = drain(klpTrySwitchTask(m.k, kt));
        expect(a.ret).toBe(false);
        expect(logOf(a.events)).toEqual([`livepatch: ${prefix(v)}: kt:${m.k.tasks.pid[kt]} is sleeping on function foo`]);
        const b = drain(klpTrySwitchTask(m.k, kb));
        expect(b.ret).toBe(false);
        expect(logOf(b.events)).toEqual([`livepatch: ${prefix(v)}: kb:${m.k.tasks.pid[kb]} is sleeping on function bar`]);
        expect(m.k.tasks.patchState[kt]).toBe(KLP_UNPATCHED);
        expect(m.k.tasks.tif[kt]).toBe(1);
      });

      it('patching: a task inside the new function (not retired) switches', () => {
        const m = machine(v, DEF);
        const p = begin(m, 'p1', KLP_PATCHED);
        const kt = m.task('kt');
        stack(m, kt, [['kthread', ORIGINAL], ['foo', versionOf(m.funcs(p)[0])]]);
        expect(drain(klpTrySwitchTask(m.k, kt)).ret).toBe(true);
      });

      it('unpatching: fails for a task in the new function, not for one in the original', () => {
        const m = machine(v, DEF);
        const p = applied(m, 'p1');
        begin(m, 'p1', KLP_UNPATCHED);
        const kt = m.task('kt');
        const kb = m.task('kb');
        stack(m, kt, [['kthread', ORIGINAL], ['foo', versionOf(m.funcs(p)[0])]]);
        const a = drain(klpTrySwitchTask(m.k, kt));
        expect(a.ret).toBe(false);
        expect(logOf(a.events)).toEqual([`livepatch: ${prefix(v)}: kt:${m.k.tasks.pid[kt]} is sleeping on function foo`]);
        expect(m.k.tasks.patchState[kt]).toBe(KLP_PATCHED);
        // kb sleeps in the original bar: not retired by an unpatch.
        expect(drain(klpTrySwitchTask(m.k, kb)).ret).toBe(true);
        expect(m.k.tasks.patchState[kb]).toBe(KLP_UNPATCHED);
      });

      it('stacked patches: the previous patch\'s version is checked, not the original', () => {
        const m = machine(v, DEF);
        const p1 = applied(m, 'p1');
        const p2 = begin(m, 'p2', KLP_PATCHED);
        expect(m.k.klp.funcStack[m.fn('foo')]).toEqual([m.funcs(p2)[0]!.id, m.funcs(p1)[0]!.id]);
        const kt = m.task('kt');
        // In the original foo: deeper than the previous version, not checked.
        expect(drain(klpTrySwitchTask(m.k, kt)).ret).toBe(true);
        const kb = m.task('kb');
        stack(m, kb, [['kthread', ORIGINAL], ['foo', versionOf(m.funcs(p1)[0])]]);
        const b = drain(klpTrySwitchTask(m.k, kb));
        expect(b.ret).toBe(false);
        expect(logOf(b.events)).toEqual([`livepatch: ${prefix(v)}: kb:${m.k.tasks.pid[kb]} is sleeping on function foo`]);
      });
    });
  }

  it('the running check comes first: a running task with an unreliable stack is "running"', () => {
    const m = machine('v4.12', DEF);
    begin(m, 'p1', KLP_PATCHED);
    const t = m.task('flaky');
    m.k.tasks.cpu[t] = 1;
    m.k.cpus.curr[1] = t;
    expect(logOf(drain(klpTrySwitchTask(m.k, t)).events)).toEqual([`livepatch: klp_try_switch_task: flaky:${m.k.tasks.pid[t]} is running`]);
  });

  it('only objects that are patched are checked (a target module not loaded)', () => {
    for (const v of VARIANTS) {
      const m = machine(v, {
        cpus: 1,
        functions: { tgt_fn: 'tgt' },
        targets: { tgt: ['tgt_fn'] },
        tasks: [{ comm: 'kt', loop: ['kthread', 'worker_thread'] }],
        patches: [{ name: 'pm', object: 'tgt', funcs: ['tgt_fn'] }],
      });
      // A frame of tgt's code, as if kt had called into tgt (which the patch's object does not see as loaded).
      pushFrame(m.k.tasks, m.task('kt'), m.fn('tgt_fn'), ORIGINAL);
      const p = m.patch('pm');
      drain(klpInitTransition(m.k, p, KLP_PATCHED));
      drain(klpStartTransition(m.k));
      expect(p.objects[0]!.patched).toBe(false);
      expect(drain(klpTrySwitchTask(m.k, m.task('kt'))).ret, v).toBe(true);
      // Once the object is patched, the same frame blocks.
      const m2 = machine(v, {
        cpus: 1,
        functions: { tgt_fn: 'tgt' },
        targets: { tgt: ['tgt_fn'] },
        tasks: [{ comm: 'kt', loop: ['kthread', 'worker_thread'] }],
        patches: [{ name: 'pm', object: 'tgt', funcs: ['tgt_fn'] }],
      });
      pushFrame(m2.k.tasks, m2.task('kt'), m2.fn('tgt_fn'), ORIGINAL);
      begin(m2, 'pm', KLP_PATCHED);
      expect(drain(klpTrySwitchTask(m2.k, m2.task('kt'))).ret, v).toBe(false);
    }
  });

  it('v4.12: an immediate func is ignored by the stack check, its sibling is not', () => {
    const m = machine('v4.12', { ...DEF, patches: [{ name: 'pi', funcs: [{ old: 'foo', immediate: true }, 'bar'] }] });
    const p = begin(m, 'pi', KLP_PATCHED);
    expect(m.funcs(p).map((f) => f.immediate)).toEqual([true, false]);
    expect(drain(klpTrySwitchTask(m.k, m.task('kt'))).ret).toBe(true);
    expect(drain(klpTrySwitchTask(m.k, m.task('kb'))).ret).toBe(false);
  });

  it('mainline without a reliable unwinder: fails silently, before any check', () => {
    const m = machine('mainline', { ...DEF, reliableStacktrace: false });
    begin(m, 'p1', KLP_PATCHED);
    const t = m.task('idlek');
    const { events, ret } = drain(klpTrySwitchTask(m.k, t));
    expect(ret).toBe(false);
    expect(logOf(events)).toEqual([]);
    expect(m.k.tasks.patchState[t]).toBe(KLP_UNPATCHED);
    expect(m.k.tasks.tif[t]).toBe(1);
  });
});
