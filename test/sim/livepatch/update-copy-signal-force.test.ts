// klp_update_patch_state, klp_copy_process, klp_send_signals,
// klp_force_transition (spec/kernel-model.md §2.8–§2.11, §5.4).
import { describe, it, expect } from 'vitest';
import { NO_ARGS } from '../../../src/sim/events.ts';
import { versionOf } from '../../../src/sim/livepatch/version.ts';
import {
  klpCopyProcess,
  klpForceTransition,
  klpSendSignals,
  klpTryCompleteTransition,
  klpUpdatePatchState,
} from '../../../src/sim/livepatch/transition.ts';
import { idleTask } from '../../../src/sim/machine/cpus.ts';
import { addTask, pushFrame, Resume, Sched, setPatchState, setTif, TaskKind } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { Kernel } from '../../../src/sim/kernel.ts';
import type { SimEvent, TaskId } from '../../../src/sim/types.ts';
import { applied, begin, drain, logLinesOf, machine, VARIANTS, violationsOf } from '../helpers.ts';
import type { MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 2,
  functions: { foo: 'vmlinux' },
  tasks: [
    { comm: 'kt', loop: ['kthread', 'foo'] },
    { comm: 'w', loop: ['kthread', 'worker_thread'] },
    { comm: 'u', blockedIn: 'pipe_read', syscalls: ['read_pipe'] },
  ],
  patches: [{ name: 'p1', funcs: ['foo'] }],
};

/** What the kernel collected since its last event (log lines, switches, violations). */
const flush = (k: Kernel): SimEvent => k.emit('wakeup', NO_ARGS);

describe('klp_update_patch_state', () => {
  for (const v of VARIANTS) {
    it(`${v}: a flagged task takes the target, without a stack check`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const kt = m.task('kt'); // asleep in the original foo
      expect(klpUpdatePatchState(m.k, kt)).toBe(true);
      expect(m.k.tasks.patchState[kt]).toBe(KLP_PATCHED);
      expect(m.k.tasks.tif[kt]).toBe(0);
      const e = flush(m.k);
      expect(e.switches).toEqual([{ task: kt, from: KLP_UNPATCHED, to: KLP_PATCHED }]);
    });

    it(`${v}: a task without the flag is left alone`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const w = m.task('w');
      setTif(m.k.tasks, w, false);
      expect(klpUpdatePatchState(m.k, w)).toBe(false);
      expect(m.k.tasks.patchState[w]).toBe(KLP_UNPATCHED);
      expect(flush(m.k).switches).toEqual([]);
    });
  }

  it('reads klp_target_state when it clears the flag (a flag left from before a reversal)', () => {
    const m = machine('v4.12', DEF);
    begin(m, 'p1', KLP_PATCHED);
    const w = m.task('w');
    m.k.klp.targetState = KLP_UNPATCHED;
    expect(klpUpdatePatchState(m.k, w)).toBe(false); // already at the (new) target
    expect(m.k.tasks.tif[w]).toBe(0);
    expect(m.k.tasks.patchState[w]).toBe(KLP_UNPATCHED);
  });
});

describe('klp_copy_process', () => {
  for (const v of VARIANTS) {
    it(`${v}: the child starts with its parent's patch_state and flag`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const parent = m.task('u');
      const mk = (): TaskId => addTask(m.k.tasks, { pid: 900 + m.k.tasks.count, comm: 'child', kind: TaskKind.User, group: -1, cpu: 0, sched: Sched.Runnable, resume: Resume.RetFromFork });
      const a = mk();
      klpCopyProcess(m.k, a, parent);
      expect([m.k.tasks.patchState[a], m.k.tasks.tif[a]]).toEqual([KLP_UNPATCHED, 1]);
      klpUpdatePatchState(m.k, parent);
      const b = mk();
      klpCopyProcess(m.k, b, parent);
      expect([m.k.tasks.patchState[b], m.k.tasks.tif[b]]).toEqual([KLP_PATCHED, 0]);
      expect(violationsOf([flush(m.k)])).toEqual([]);
    });
  }

  it('outside a transition the child is KLP_UNDEFINED without a flag', () => {
    const m = machine('mainline', DEF);
    const child = addTask(m.k.tasks, { pid: 999, comm: 'child', kind: TaskKind.User, group: -1, cpu: 0, sched: Sched.Runnable, resume: Resume.RetFromFork, patchState: KLP_PATCHED });
    setTif(m.k.tasks, child, true);
    klpCopyProcess(m.k, child, m.task('u'));
    expect([m.k.tasks.patchState[child], m.k.tasks.tif[child]]).toEqual([KLP_UNDEFINED, 0]);
  });
});

describe('klp_send_signals (mainline)', () => {
  it('wakes the flagged sleeping tasks, kthreads and user tasks, but not idle tasks nor unflagged ones', () => {
    const m = machine('mainline', DEF);
    begin(m, 'p1', KLP_PATCHED);
    const [kt, w, u] = [m.task('kt'), m.task('w'), m.task('u')];
    setTif(m.k.tasks, w, false);
    setPatchState(m.k.tasks, w, KLP_PATCHED);
    const idleBefore = [m.k.tasks.sched[idleTask(0)], m.k.tasks.sched[idleTask(1)]];
    m.k.klp.signalsCnt = 3;
    klpSendSignals(m.k);
    expect(m.k.tasks.sched[kt]).not.toBe(Sched.Sleeping);
    expect(m.k.tasks.sched[u]).not.toBe(Sched.Sleeping);
    expect(m.k.tasks.sched[w]).toBe(Sched.Sleeping);
    expect([m.k.tasks.sched[idleTask(0)], m.k.tasks.sched[idleTask(1)]]).toEqual(idleBefore);
    // A signal does not switch anybody by itself.
    expect(m.k.tasks.patchState[kt]).toBe(KLP_UNPATCHED);
    expect(m.k.tasks.tif[kt]).toBe(1);
    // Not the first automatic round: no line.
    expect(flush(m.k).log).toEqual([]);
  });

  it('prints "signaling remaining tasks" only when klp_signals_cnt is SIGNALS_TIMEOUT', () => {
    for (const [cnt, lines] of [[15, ['livepatch: signaling remaining tasks']], [30, []], [0, []], [14, []]] as const) {
      const m = machine('mainline', DEF);
      begin(m, 'p1', KLP_PATCHED);
      m.k.klp.signalsCnt = cnt;
      klpSendSignals(m.k);
      const log = flush(m.k).log;
      expect(log.map((l) => l.text), String(cnt)).toEqual(lines);
      if (lines.length > 0) expect(log[0]!.level).toBe('notice');
    }
  });
});

describe('klp_force_transition (mainline)', () => {
  it('warns, switches every flagged task without a check, reports it as given up, and the next pass completes', () => {
    const m = machine('mainline', DEF);
    const p = begin(m, 'p1', KLP_PATCHED);
    p.enabled = true;
    drain(klpTryCompleteTransition(m.k)); // kt stays (in foo), the idle tasks are running
    const kt = m.task('kt');
    expect(m.k.tasks.patchState[kt]).toBe(KLP_UNPATCHED);
    const { events } = drain(klpForceTransition(m.k));
    const lines = logLinesOf(events);
    expect(lines.map((l) => [l.level, l.text])).toEqual([['warn', 'livepatch: forcing remaining tasks to the patched state']]);
    expect(m.k.tasks.patchState[kt]).toBe(KLP_PATCHED);
    expect(m.k.tasks.patchState[idleTask(0)]).toBe(KLP_PATCHED);
    expect(m.k.tasks.tifCount).toBe(0);
    const viol = violationsOf(events);
    expect(viol.length).toBeGreaterThan(0);
    expect(viol.every((x) => x.givenUp === 'force' && x.invariant === 5)).toBe(true);
    expect(viol.map((x) => x.comm)).toContain('kt');
    // Patching forced: the patch is not marked (current mainline marks only an unpatch).
    expect(p.forced).toBe(false);
    expect(m.k.klp.transitionPatch).toBe(p.id);
    expect(drain(klpTryCompleteTransition(m.k)).ret).toBe(true);
    expect(m.k.klp.transitionPatch).toBe(-1);
  });

  it('marks the patch forced when it forces an unpatching', () => {
    const m = machine('mainline', DEF);
    const p = applied(m, 'p1');
    begin(m, 'p1', KLP_UNPATCHED);
    p.enabled = false;
    const kt = m.task('kt');
    // kt sleeps in p1's foo: it cannot switch by a check.
    pushFrame(m.k.tasks, kt, m.fn('foo'), versionOf(m.funcs(p)[0]));
    drain(klpTryCompleteTransition(m.k));
    drain(klpForceTransition(m.k));
    expect(p.forced).toBe(true);
    expect(m.k.tasks.patchState[kt]).toBe(KLP_UNPATCHED);
    drain(klpTryCompleteTransition(m.k));
    // Freed, but its module stays: it may still run the patch's code.
    expect(p.registered).toBe(false);
    expect(p.holdsModuleRef).toBe(true);
  });
});
