// klp_try_complete_transition and round_jiffies_relative
// (spec/kernel-model.md §2.4, §2.10, §5, §6.2).
import { describe, it, expect } from 'vitest';
import { klpPatchObject } from '../../../src/sim/livepatch/patch.ts';
import {
  klpCompleteTransition,
  klpInitTransition,
  klpStartTransition,
  klpTryCompleteTransition,
  roundJiffiesRelative,
  SIGNALS_TIMEOUT,
} from '../../../src/sim/livepatch/transition.ts';
import { idleTask } from '../../../src/sim/machine/cpus.ts';
import { Timer } from '../../../src/sim/machine/queue.ts';
import { Sched, setPatchState } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED, usec } from '../../../src/sim/types.ts';
import type { TaskId } from '../../../src/sim/types.ts';
import { begin, drain, logLinesOf, logOf, machine, settle, VARIANTS, violationsOf } from '../helpers.ts';
import type { MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 2,
  offline: [1],
  functions: { foo: 'vmlinux' },
  tasks: [{ comm: 'kt', loop: ['kthread', 'foo'] }, { comm: 'w', loop: ['kthread', 'worker_thread'] }],
  patches: [{ name: 'p1', funcs: ['foo'] }],
};


describe('round_jiffies_relative(HZ)', () => {
  it('adds about a second and rounds the expiry to a whole second', () => {
    expect(roundJiffiesRelative(0)).toBe(1_000_000);
    expect(roundJiffiesRelative(100_000)).toBe(1_000_000); // 1.1 s rounds down
    expect(roundJiffiesRelative(249_999)).toBe(1_000_000);
    expect(roundJiffiesRelative(250_000)).toBe(2_000_000); // a quarter or more rounds up
    expect(roundJiffiesRelative(900_000)).toBe(2_000_000);
    expect(roundJiffiesRelative(5_000_000)).toBe(6_000_000);
    expect(roundJiffiesRelative(7_654_321)).toBe(9_000_000);
  });

  it('always lands on a whole second between 0.75 s and 1.75 s ahead', () => {
    for (let now = 0; now < 3_000_000; now += 12_345) {
      const at = roundJiffiesRelative(now);
      expect(at % 1_000_000).toBe(0);
      expect(at - now).toBeGreaterThanOrEqual(750_000);
      expect(at - now).toBeLessThan(1_750_000);
    }
  });
});

describe('klp_try_complete_transition', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it(v === 'rfc-v2' ? 'leaves the idle task of an offline CPU alone (it walks online CPUs only)' : 'switches the idle task of an offline CPU directly', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const idle1 = idleTask(1);
        const { events, ret } = drain(klpTryCompleteTransition(m.k));
        expect(ret).toBe(false); // kt sleeps in foo
        const sw = events.flatMap((e) => e.switches).filter((s) => s.task === idle1);
        if (v === 'rfc-v2') {
          expect(m.k.tasks.patchState[idle1]).toBe(KLP_UNDEFINED);
          expect(sw).toEqual([]);
        } else {
          expect(m.k.tasks.patchState[idle1]).toBe(KLP_PATCHED);
          expect(m.k.tasks.tif[idle1]).toBe(0);
          expect(sw).toEqual([{ task: idle1, from: KLP_UNPATCHED, to: KLP_PATCHED }]);
        }
      });

      it('switches what it can, then arms the retry work at a rounded whole second', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        m.k.s.now = usec(1_300_000);
        const gen = m.k.klp.workGen;
        const { events, ret } = drain(klpTryCompleteTransition(m.k));
        expect(ret).toBe(false);
        expect(m.k.tasks.patchState[m.task('w')]).toBe(KLP_PATCHED);
        expect(m.k.tasks.patchState[m.task('kt')]).toBe(KLP_UNPATCHED);
        expect(m.k.klp.workAt).toBe(3_000_000);
        expect(m.k.klp.workGen).toBe(gen + 1);
        expect(m.k.s.timers.heap.some((e) => e.type === Timer.TransitionWork && e.time === 3_000_000 && e.gen === gen + 1)).toBe(true);
        expect(m.k.klp.transitionPatch).toBe(m.patch('p1').id);
        // The stall lines of the pass: kt in foo, swapper/0 running.
        const pre = v === 'mainline' ? 'klp_try_switch_task' : 'klp_check_stack';
        expect(logOf(events)).toEqual([`livepatch: ${pre}: kt:${m.k.tasks.pid[m.task('kt')]} is sleeping on function foo`, 'livepatch: klp_try_switch_task: swapper/0:0 is running']);
      });

      it('prints the "complete" notice where the variant does', () => {
        const m = machine(v, DEF);
        begin(m, 'p1', KLP_PATCHED);
        const events = settle(m.k);
        const lines = events.flatMap((e) => e.log.map((l) => ({ fn: e.fn, level: l.level, text: l.text })));
        if (v === 'mainline') {
          expect(lines).toEqual([
            { fn: 'klp_complete_transition', level: 'debug', text: "livepatch: 'p1': completing patching transition" },
            { fn: 'klp_complete_transition', level: 'notice', text: "livepatch: 'p1': patching complete" },
          ]);
        } else {
          // v4.12–v4.14 and the RFC: in klp_try_complete_transition, before klp_complete_transition.
          expect(lines).toEqual([{ fn: 'klp_try_complete_transition', level: 'notice', text: "livepatch: 'p1': patching complete" }]);
          expect(events.findIndex((e) => e.fn === 'klp_try_complete_transition')).toBeLessThan(events.findIndex((e) => e.fn === 'klp_complete_transition'));
        }
        expect(m.k.klp.transitionPatch).toBe(-1);
      });
    });
  }

  it('mainline: signals the stragglers on the 16th failed pass, the line only on that first round', () => {
    const m = machine('mainline', { ...DEF, cpus: 1, offline: [] });
    begin(m, 'p1', KLP_PATCHED);
    const kt = m.task('kt');
    const signalling: number[] = [];
    for (let pass = 1; pass <= 31; pass++) {
      // Put kt back to sleep in foo so that only the signal would wake it.
      m.k.tasks.sched[kt] = Sched.Sleeping;
      const { events, ret } = drain(klpTryCompleteTransition(m.k));
      expect(ret).toBe(false);
      const woke = m.k.tasks.sched[kt] !== Sched.Sleeping;
      const line = logLinesOf(events).filter((l) => l.text === 'livepatch: signaling remaining tasks');
      if (woke) signalling.push(pass);
      if (pass === 16) {
        expect(line.map((l) => l.level)).toEqual(['notice']);
        expect(logOf(events).at(-1)).toBe('livepatch: signaling remaining tasks');
      } else expect(line).toEqual([]);
      expect(m.k.klp.signalsCnt).toBe(pass);
      // Keep kt off the CPU for the next pass.
      m.k.cpus.curr[0] = idleTask(0);
      m.k.cpus.runqueue[0]!.length = 0;
    }
    expect(signalling).toEqual([16, 31]);
    expect(SIGNALS_TIMEOUT).toBe(15);
  });

  it('v4.12 and rfc-v2 never signal', () => {
    for (const v of ['v4.12', 'rfc-v2'] as const) {
      const m = machine(v, { ...DEF, cpus: 1, offline: [] });
      begin(m, 'p1', KLP_PATCHED);
      const kt = m.task('kt');
      for (let pass = 1; pass <= 20; pass++) {
        const { events } = drain(klpTryCompleteTransition(m.k));
        expect(logOf(events).filter((l) => l.includes('signaling'))).toEqual([]);
      }
      expect(m.k.tasks.sched[kt], v).toBe(Sched.Sleeping);
    }
  });

  it('v4.12 and mainline WARN when klp_target_state is undefined', () => {
    for (const v of ['v4.12', 'mainline'] as const) {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      m.k.klp.targetState = KLP_UNDEFINED;
      const viol = violationsOf(drain(klpTryCompleteTransition(m.k)).events).filter((x) => x.text.includes('klp_try_complete_transition'));
      expect(viol.map((x) => x.invariant), v).toEqual([2]);
    }
  });

  it('v4.12: an immediate patch jumps straight to completion, whatever the tasks do', () => {
    const m = machine('v4.12', { ...DEF, patches: [{ name: 'im', funcs: ['foo'], immediate: true }] });
    const p = begin(m, 'im', KLP_PATCHED);
    const { events, ret } = drain(klpTryCompleteTransition(m.k));
    expect(ret).toBe(true);
    expect(logOf(events)).toEqual(["livepatch: 'im': patching complete"]);
    expect(m.k.klp.transitionPatch).toBe(-1);
    expect(m.funcs(p)[0]!.patched).toBe(true);
  });

  describe('rfc-v2: unpatching is done here, guarded by klp_target_state', () => {
    it('a normal disable takes the funcs off their func stacks here, not in klp_complete_transition', () => {
      const m = machine('rfc-v2', { ...DEF, offline: [] });
      const p = begin(m, 'p1', KLP_PATCHED);
      settle(m.k);
      p.enabled = true;
      begin(m, 'p1', KLP_UNPATCHED);
      // klp_complete_transition alone does not unpatch in the RFC.
      for (let t = 0; t < m.k.tasks.count; t++) setPatchState(m.k.tasks, t as TaskId, KLP_UNPATCHED);
      m.k.tasks.tif.fill(0);
      m.k.tasks.tifCount = 0;
      const snapshot = m.k.klp.funcStack[m.fn('foo')]?.slice();
      drain(klpCompleteTransition(m.k));
      expect(m.k.klp.funcStack[m.fn('foo')]).toEqual(snapshot);
      expect(m.funcs(p)[0]!.patched).toBe(true);
    });

    it('a normal disable completes with the funcs removed and the right words', () => {
      const m = machine('rfc-v2', { ...DEF, offline: [] });
      const p = begin(m, 'p1', KLP_PATCHED);
      settle(m.k);
      p.enabled = true;
      begin(m, 'p1', KLP_UNPATCHED);
      const events = settle(m.k);
      expect(logOf(events)).toEqual(["livepatch: 'p1': unpatching complete"]);
      expect(m.k.klp.funcStack[m.fn('foo')]).toBeUndefined();
      expect(m.funcs(p)[0]!.patched).toBe(false);
      expect(p.objects[0]!.patched).toBe(false);
    });

    it('an immediate enable at boot unpatches, because the stale target is KLP_UNPATCHED (spec §6.3 A)', () => {
      const m = machine('rfc-v2', { ...DEF, patches: [{ name: 'im', funcs: ['foo'], immediate: true }] });
      m.k.klp.requested = KLP_PATCHED;
      const p = begin(m, 'im', KLP_PATCHED);
      expect(m.funcs(p)[0]!.patched).toBe(true);
      const { events, ret } = drain(klpTryCompleteTransition(m.k));
      expect(ret).toBe(true);
      expect(logOf(events)).toEqual(["livepatch: 'im': unpatching complete"]);
      expect(m.funcs(p)[0]!.patched).toBe(false);
      expect(p.objects[0]!.patched).toBe(false);
      expect(m.k.klp.funcStack[m.fn('foo')]).toBeUndefined();
      // The simulator reports the request not honoured (invariant 11).
      expect(violationsOf(events).map((x) => x.invariant)).toContain(11);
    });

    it('an immediate disable after a normal patching keeps the funcs, because the stale target is KLP_PATCHED (spec §6.3 B)', () => {
      const m = machine('rfc-v2', { ...DEF, patches: [{ name: 'im', funcs: ['foo'], immediate: true }] });
      m.k.klp.targetState = KLP_PATCHED;
      const p = m.patch('im');
      expect(klpPatchObject(m.k, p.objects[0]!)).toBe(0);
      p.enabled = true;
      m.k.klp.requested = KLP_UNPATCHED;
      drain(klpInitTransition(m.k, p, KLP_UNPATCHED));
      const start = drain(klpStartTransition(m.k)).events;
      const { events } = drain(klpTryCompleteTransition(m.k));
      expect(logOf([...start, ...events])).toEqual(["livepatch: 'im': patching...", "livepatch: 'im': patching complete"]);
      expect(m.funcs(p)[0]!.patched).toBe(true);
      expect(p.objects[0]!.patched).toBe(true);
      expect(violationsOf(events).map((x) => x.invariant)).toContain(11);
    });

    it('v4.12 does the same immediate enable right', () => {
      const m = machine('v4.12', { ...DEF, patches: [{ name: 'im', funcs: ['foo'], immediate: true }] });
      m.k.klp.requested = KLP_PATCHED;
      const p = m.patch('im');
      drain(klpInitTransition(m.k, p, KLP_PATCHED));
      expect(klpPatchObject(m.k, p.objects[0]!)).toBe(0);
      const start = drain(klpStartTransition(m.k)).events;
      const { events } = drain(klpTryCompleteTransition(m.k));
      expect(logOf([...start, ...events])).toEqual(["livepatch: 'im': patching...", "livepatch: 'im': patching complete"]);
      expect(m.funcs(p)[0]!.patched).toBe(true);
      expect(violationsOf(events)).toEqual([]);
    });
  });
});
