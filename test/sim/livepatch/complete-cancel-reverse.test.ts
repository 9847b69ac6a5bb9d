// klp_complete_transition, klp_cancel_transition, klp_reverse_transition
// (spec/kernel-model.md §2.5, §2.6, §2.7, §5, §6.2).
import { describe, it, expect } from 'vitest';
import { klpPatchObject } from '../../../src/sim/livepatch/patch.ts';
import {
  klpCancelTransition,
  klpCompleteTransition,
  klpInitTransition,
  klpNot,
  klpReverseTransition,
  klpTryCompleteTransition,
  walkedTasks,
} from '../../../src/sim/livepatch/transition.ts';
import { setPatchState, setTif } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { KernelVariant } from '../../../src/sim/scenario/types.ts';
import type { TaskId } from '../../../src/sim/types.ts';
import { applied, begin, drain, logLinesOf, logOf, machine, settle, VARIANTS, violationsOf } from '../helpers.ts';
import type { Machine, MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 2,
  functions: { foo: 'vmlinux', bar: 'vmlinux' },
  tasks: [{ comm: 'kt', loop: ['kthread', 'foo'] }, { comm: 'w', loop: ['kthread', 'worker_thread'] }],
  patches: [
    { name: 'p1', funcs: ['foo', 'bar'] },
    { name: 'pi', funcs: [{ old: 'foo', immediate: true }, 'bar'] },
    { name: 'im', funcs: ['foo'], immediate: true },
  ],
};

const def = (v: KernelVariant): MachineDef => (v === 'v4.12' ? DEF : { ...DEF, patches: DEF.patches?.slice(0, 1) });

/** Every walked task at the target, no flag left: what a full pass would leave. */
function allAtTarget(m: Machine) {
  const T = m.k.klp.targetState as 0 | 1;
  for (const t of walkedTasks(m.k)) {
    setTif(m.k.tasks, t, false);
    setPatchState(m.k.tasks, t, T);
  }
}

function allTasks(m: Machine): TaskId[] {
  const out: TaskId[] = [];
  for (let t = 0 as TaskId; t < m.k.tasks.count; t++) out.push(t);
  return out;
}

describe('klp_complete_transition', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('after patching: funcs stay on their stacks, leave transition; tasks back to -1; klp_transition_patch cleared', () => {
        const m = machine(v, def(v));
        const p = begin(m, 'p1', KLP_PATCHED);
        allAtTarget(m);
        const { events } = drain(klpCompleteTransition(m.k));
        for (const f of m.funcs(p)) expect([f.patched, f.transition]).toEqual([true, false]);
        for (const t of allTasks(m)) expect(m.k.tasks.patchState[t], m.k.name(t)).toBe(KLP_UNDEFINED);
        expect(m.k.klp.transitionPatch).toBe(-1);
        // The merged code resets the target; the RFC keeps it (spec §6.2 A2).
        expect(m.k.klp.targetState).toBe(v === 'rfc-v2' ? KLP_PATCHED : KLP_UNDEFINED);
        expect(errorsIn(events)).toEqual([]);
      });

      it(`after unpatching: ${v === 'rfc-v2' ? 'leaves the funcs alone (the RFC unpatches in try_complete)' : 'takes the funcs off their stacks'}`, () => {
        const m = machine(v, def(v));
        const p = applied(m, 'p1');
        begin(m, 'p1', KLP_UNPATCHED);
        allAtTarget(m);
        drain(klpCompleteTransition(m.k));
        for (const f of m.funcs(p)) expect([f.patched, f.transition]).toEqual([v === 'rfc-v2', false]);
        expect(p.objects[0]!.patched).toBe(v === 'rfc-v2');
        expect(m.k.klp.funcStack[m.fn('foo')] === undefined).toBe(v !== 'rfc-v2');
        expect(m.k.klp.targetState).toBe(v === 'rfc-v2' ? KLP_UNPATCHED : KLP_UNDEFINED);
        for (const t of allTasks(m)) expect(m.k.tasks.patchState[t]).toBe(KLP_UNDEFINED);
      });

      it(v === 'mainline' ? 'prints "completing" (debug) then "complete" (notice)' : 'prints nothing itself (the notice is try_complete\'s)', () => {
        const m = machine(v, def(v));
        begin(m, 'p1', KLP_PATCHED);
        allAtTarget(m);
        const lines = logLinesOf(drain(klpCompleteTransition(m.k)).events).map((l) => [l.level, l.text]);
        expect(lines).toEqual(
          v === 'mainline'
            ? [
                ['debug', "livepatch: 'p1': completing patching transition"],
                ['notice', "livepatch: 'p1': patching complete"],
              ]
            : [],
        );
      });
    });
  }

  it('v4.12 and mainline WARN when a task still has TIF_PATCH_PENDING', () => {
    for (const v of ['v4.12', 'mainline'] as const) {
      const m = machine(v, def(v));
      begin(m, 'p1', KLP_PATCHED);
      allAtTarget(m);
      setTif(m.k.tasks, m.task('w'), true);
      const viol = violationsOf(drain(klpCompleteTransition(m.k)).events).filter((x) => x.text.includes('TIF_PATCH_PENDING'));
      expect(viol.map((x) => x.invariant), v).toEqual([3]);
    }
  });

  describe('v4.12 module reference', () => {
    it('is dropped when an unpatching completes', () => {
      const m = machine('v4.12', DEF);
      const p = applied(m, 'p1');
      p.holdsModuleRef = true;
      begin(m, 'p1', KLP_UNPATCHED);
      allAtTarget(m);
      drain(klpCompleteTransition(m.k));
      expect(p.holdsModuleRef).toBe(false);
    });

    it('is kept when a patching completes', () => {
      const m = machine('v4.12', DEF);
      const p = begin(m, 'p1', KLP_PATCHED);
      p.holdsModuleRef = true;
      allAtTarget(m);
      drain(klpCompleteTransition(m.k));
      expect(p.holdsModuleRef).toBe(true);
    });

    it('is kept when the patch has an immediate func', () => {
      const m = machine('v4.12', DEF);
      const p = applied(m, 'pi');
      p.holdsModuleRef = true;
      begin(m, 'pi', KLP_UNPATCHED);
      allAtTarget(m);
      drain(klpCompleteTransition(m.k));
      expect(p.holdsModuleRef).toBe(true);
      expect(m.funcs(p).map((f) => f.patched)).toEqual([false, false]);
    });

    it('is kept for an immediate patch, whose tasks and funcs are not touched', () => {
      const m = machine('v4.12', DEF);
      const p = m.patch('im');
      p.holdsModuleRef = true;
      expect(klpPatchObject(m.k, p.objects[0]!)).toBe(0);
      p.enabled = true;
      m.k.klp.requested = KLP_UNPATCHED;
      drain(klpInitTransition(m.k, p, KLP_UNPATCHED));
      drain(klpCompleteTransition(m.k));
      expect(p.holdsModuleRef).toBe(true);
      expect(m.funcs(p)[0]!.patched).toBe(false); // but unpatched all the same
      expect(m.k.klp.targetState).toBe(KLP_UNDEFINED);
      expect(m.k.klp.transitionPatch).toBe(-1);
    });
  });

  describe('mainline frees a disabled patch at the end of its unpatching', () => {
    it('sysfs gone, off klp_patches, module reference dropped', () => {
      const m = machine('mainline', def('mainline'));
      const p = applied(m, 'p1');
      expect(m.k.klp.patches).toEqual([p.id]);
      begin(m, 'p1', KLP_UNPATCHED);
      p.enabled = false;
      settle(m.k);
      expect(p.registered).toBe(false);
      expect(m.k.klp.patches).toEqual([]);
      expect(p.holdsModuleRef).toBe(false);
    });

    it('keeps the module reference of a forced patch', () => {
      const m = machine('mainline', def('mainline'));
      const p = applied(m, 'p1');
      begin(m, 'p1', KLP_UNPATCHED);
      p.enabled = false;
      p.forced = true;
      settle(m.k);
      expect(p.registered).toBe(false);
      expect(p.holdsModuleRef).toBe(true);
    });

    it('does not free an enabled patch', () => {
      const m = machine('mainline', def('mainline'));
      const p = begin(m, 'p1', KLP_PATCHED);
      p.enabled = true;
      settle(m.k);
      expect(p.registered).toBe(true);
      expect(m.k.klp.patches).toEqual([p.id]);
      expect(p.holdsModuleRef).toBe(true);
    });
  });
});

describe('klp_cancel_transition', () => {
  for (const v of VARIANTS) {
    it(`${v}: turns a patching that failed before starting into a completed unpatching`, () => {
      const m = machine(v, def(v));
      const p = m.patch('p1');
      m.k.klp.requested = KLP_PATCHED;
      drain(klpInitTransition(m.k, p, KLP_PATCHED));
      expect(klpPatchObject(m.k, p.objects[0]!)).toBe(0);
      const { events } = drain(klpCancelTransition(m.k));
      expect(m.k.klp.transitionPatch).toBe(-1);
      expect(m.k.klp.targetState).toBe(v === 'rfc-v2' ? KLP_UNPATCHED : KLP_UNDEFINED);
      for (const t of allTasks(m)) expect(m.k.tasks.patchState[t]).toBe(KLP_UNDEFINED);
      for (const f of m.funcs(p)) expect(f.transition).toBe(false);
      if (v !== 'rfc-v2') {
        for (const f of m.funcs(p)) expect(f.patched).toBe(false);
        expect(m.k.klp.funcStack[m.fn('foo')]).toBeUndefined();
      }
      const lines = logLinesOf(events).map((l) => [l.level, l.text]);
      expect(lines).toEqual(
        v === 'mainline'
          ? [
              ['debug', "livepatch: 'p1': canceling patching transition, going to unpatch"],
              ['debug', "livepatch: 'p1': completing unpatching transition"],
              ['notice', "livepatch: 'p1': unpatching complete"],
            ]
          : [],
      );
    });
  }

  it('v4.12 and mainline refuse (WARN) when the target is not KLP_PATCHED, and do nothing', () => {
    for (const v of ['v4.12', 'mainline'] as const) {
      const m = machine(v, def(v));
      const p = applied(m, 'p1');
      m.k.klp.requested = KLP_UNPATCHED;
      drain(klpInitTransition(m.k, p, KLP_UNPATCHED));
      const before = m.k.s.violations;
      const { events } = drain(klpCancelTransition(m.k));
      // The WARN is recorded (it travels with the next event the kernel emits).
      expect(m.k.klp.warned, v).toContain('klp_cancel_transition');
      expect(m.k.s.violations).toBe(before + 1);
      expect(events).toEqual([]);
      expect(m.k.klp.transitionPatch).toBe(p.id);
      expect(m.k.klp.targetState).toBe(KLP_UNPATCHED);
    }
  });
});

describe('klp_reverse_transition', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('patching → unpatching: enabled and target flipped, TIF re-set on the tasks not at the new target', () => {
        const m = machine(v, def(v));
        const p = begin(m, 'p1', KLP_PATCHED);
        p.enabled = true;
        drain(klpTryCompleteTransition(m.k)); // w switches, kt stays (in foo), swapper/N running
        const kt = m.task('kt');
        const w = m.task('w');
        expect(m.k.tasks.patchState[w]).toBe(KLP_PATCHED);
        expect(m.k.tasks.tif[kt]).toBe(1);
        const stackBefore = m.k.klp.funcStack[m.fn('foo')]?.slice();
        const workAt = m.k.klp.workAt;
        m.k.klp.signalsCnt = 9;
        const { events } = drain(klpReverseTransition(m.k));
        expect(p.enabled).toBe(false);
        expect(m.k.klp.targetState).toBe(KLP_UNPATCHED);
        expect(m.k.tasks.tif[w]).toBe(1);
        expect(m.k.tasks.tif[kt]).toBe(0);
        for (const t of walkedTasks(m.k)) expect(m.k.tasks.tif[t], m.k.name(t)).toBe(m.k.tasks.patchState[t] === KLP_UNPATCHED ? 0 : 1);
        // Patch states, func flags and func_stack are left as they are; the armed work goes on.
        expect(m.k.tasks.patchState[w]).toBe(KLP_PATCHED);
        expect(m.k.tasks.patchState[kt]).toBe(KLP_UNPATCHED);
        for (const f of m.funcs(p)) expect([f.patched, f.transition]).toEqual([true, true]);
        expect(m.k.klp.funcStack[m.fn('foo')]).toEqual(stackBefore);
        expect(m.k.klp.workAt).toBe(workAt);
        expect(m.k.klp.transitionPatch).toBe(p.id);
        expect(m.k.klp.signalsCnt).toBe(v === 'mainline' ? 0 : 9);
        expect(violationsOf(events)).toEqual([]);
        const lines = logLinesOf(events).map((l) => [l.level, l.text]);
        expect(lines).toEqual(
          v === 'mainline'
            ? [
                ['debug', "livepatch: 'p1': reversing transition from patching to unpatching"],
                ['notice', "livepatch: 'p1': starting unpatching transition"],
              ]
            : [['notice', "livepatch: 'p1': unpatching..."]],
        );
      });

      it('unpatching → patching', () => {
        const m = machine(v, def(v));
        const p = applied(m, 'p1');
        begin(m, 'p1', KLP_UNPATCHED);
        p.enabled = false;
        const { events } = drain(klpReverseTransition(m.k));
        expect(p.enabled).toBe(true);
        expect(m.k.klp.targetState).toBe(KLP_PATCHED);
        // Nobody had switched yet: every task is back at the new target, no flag left.
        expect(m.k.tasks.tifCount).toBe(0);
        expect(logOf(events)).toEqual(
          v === 'mainline'
            ? ["livepatch: 'p1': reversing transition from unpatching to patching", "livepatch: 'p1': starting patching transition"]
            : ["livepatch: 'p1': patching..."],
        );
      });

      it('the reversed transition then completes in the new direction', () => {
        const m = machine(v, def(v));
        const p = begin(m, 'p1', KLP_PATCHED);
        p.enabled = true;
        drain(klpReverseTransition(m.k));
        p.enabled = false;
        const events = settle(m.k);
        expect(logOf(events)).toContain("livepatch: 'p1': unpatching complete");
        expect(m.k.klp.transitionPatch).toBe(-1);
        if (v !== 'rfc-v2') expect(m.k.klp.targetState).toBe(KLP_UNDEFINED);
        for (const f of m.funcs(p)) expect(f.patched).toBe(false);
      });
    });
  }
});

describe('klpNot (C\'s logical not on a patch state)', () => {
  it('!KLP_PATCHED is KLP_UNPATCHED and !KLP_UNPATCHED is KLP_PATCHED', () => {
    expect(klpNot(KLP_PATCHED)).toBe(KLP_UNPATCHED);
    expect(klpNot(KLP_UNPATCHED)).toBe(KLP_PATCHED);
  });

  it('!KLP_UNDEFINED is 0 in C (klp_target_state = !klp_target_state, spec §2.7, §6.2 place 4)', () => {
    // C's `!x` is 1 only for x == 0: !(-1) == 0 == KLP_UNPATCHED.
    expect(klpNot(KLP_UNDEFINED)).toBe(KLP_UNPATCHED);
  });
});

const errorsIn = (events: Parameters<typeof violationsOf>[0]) => violationsOf(events).filter((x) => x.givenUp === undefined);
