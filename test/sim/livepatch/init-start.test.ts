// klp_init_transition and klp_start_transition (spec/kernel-model.md §2.1,
// §2.2, §5, §6): effects on tasks, funcs and the globals, and their log lines.
import { describe, it, expect } from 'vitest';
import { klpInitTransition, klpStartTransition } from '../../../src/sim/livepatch/transition.ts';
import { idleTask } from '../../../src/sim/machine/cpus.ts';
import { setPatchState } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { KernelVariant } from '../../../src/sim/scenario/types.ts';
import type { TaskId } from '../../../src/sim/types.ts';
import { drain, logLinesOf, logOf, machine, VARIANTS, violationsOf } from '../helpers.ts';

/** 3 CPUs (CPU 2 offline), a kthread and a user task, patch p1 on foo, immediate patch im. */
function setup(v: KernelVariant) {
  const m = machine(v, {
    cpus: 3,
    offline: [2],
    functions: { foo: 'vmlinux' },
    tasks: [{ comm: 'kt', loop: ['kthread', 'foo'] }, { comm: 'u', blockedIn: 'pipe_read', syscalls: ['read_pipe'] }],
    patches: [{ name: 'p1', funcs: ['foo', 'pipe_read'] }, ...(v === 'mainline' ? [] : [{ name: 'im', funcs: ['foo'], immediate: true }])],
  });
  const all: TaskId[] = [];
  for (let t = 0 as TaskId; t < m.k.tasks.count; t++) all.push(t);
  return { ...m, all };
}

describe('klp_init_transition', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('sets klp_transition_patch, the target, every task to the initial state and every func in transition (patching)', () => {
        const { k, patch, funcs, all } = setup(v);
        const p = patch('p1');
        drain(klpInitTransition(k, p, KLP_PATCHED));
        expect(k.klp.transitionPatch).toBe(p.id);
        expect(k.klp.targetState).toBe(KLP_PATCHED);
        for (const t of all) {
          // The RFC walks only the online CPUs' idle tasks (the seed's for_each_online_cpu).
          const expected = v === 'rfc-v2' && t === idleTask(2) ? KLP_UNDEFINED : KLP_UNPATCHED;
          expect(k.tasks.patchState[t], k.name(t)).toBe(expected);
          expect(k.tasks.tif[t], k.name(t)).toBe(0);
        }
        for (const f of funcs(p)) {
          expect(f.transition).toBe(true);
          expect(f.patched).toBe(false);
        }
      });

      it('starts every task in the patched state for an unpatching transition', () => {
        const { k, patch, funcs } = setup(v);
        const p = patch('p1');
        drain(klpInitTransition(k, p, KLP_UNPATCHED));
        expect(k.klp.targetState).toBe(KLP_UNPATCHED);
        expect(k.tasks.patchState[k.cpus.count]).toBe(KLP_PATCHED); // sh
        expect(k.tasks.patchState[idleTask(0)]).toBe(KLP_PATCHED);
        for (const f of funcs(p)) expect(f.transition).toBe(true);
      });

      it(v === 'mainline' ? 'prints the "initializing" debug line' : 'prints nothing', () => {
        const { k, patch } = setup(v);
        const p = patch('p1');
        const a = logLinesOf(drain(klpInitTransition(k, p, KLP_PATCHED)).events);
        if (v === 'mainline') {
          expect(a.map((l) => [l.level, l.text])).toEqual([['debug', "livepatch: 'p1': initializing patching transition"]]);
        } else expect(a).toEqual([]);
        k.klp.targetState = KLP_UNDEFINED;
        for (let t = 0 as TaskId; t < k.tasks.count; t++) setPatchState(k.tasks, t, KLP_UNDEFINED);
        const b = logOf(drain(klpInitTransition(k, p, KLP_UNPATCHED)).events);
        expect(b).toEqual(v === 'mainline' ? ["livepatch: 'p1': initializing unpatching transition"] : []);
      });
    });
  }

  it('v4.12 and mainline WARN when klp_target_state is not KLP_UNDEFINED; the RFC has no guard', () => {
    for (const v of VARIANTS) {
      const { k, patch } = setup(v);
      k.klp.targetState = KLP_PATCHED;
      const viol = violationsOf(drain(klpInitTransition(k, patch('p1'), KLP_PATCHED)).events);
      if (v === 'rfc-v2') expect(viol, v).toEqual([]);
      else {
        expect(viol.length, v).toBe(1);
        expect(viol[0]!.invariant).toBe(2);
        expect(viol[0]!.text).toContain('klp_init_transition');
      }
    }
  });

  it('v4.12 and mainline WARN when a task has a patch_state before the transition', () => {
    for (const v of ['v4.12', 'mainline'] as const) {
      const { k, patch, task } = setup(v);
      setPatchState(k.tasks, task('kt'), KLP_PATCHED);
      const viol = violationsOf(drain(klpInitTransition(k, patch('p1'), KLP_PATCHED)).events);
      expect(viol.map((x) => x.invariant), v).toEqual([2]);
      expect(viol[0]!.text).toContain('kt:');
    }
  });

  describe('immediate patch (v4.12 and rfc-v2)', () => {
    it('v4.12 sets the target before the immediate return and touches no task or func', () => {
      const { k, patch, funcs, all } = setup('v4.12');
      const p = patch('im');
      drain(klpInitTransition(k, p, KLP_PATCHED));
      expect(k.klp.transitionPatch).toBe(p.id);
      expect(k.klp.targetState).toBe(KLP_PATCHED);
      for (const t of all) expect(k.tasks.patchState[t]).toBe(KLP_UNDEFINED);
      for (const f of funcs(p)) expect(f.transition).toBe(false);
    });

    it('rfc-v2 returns before setting the target: it keeps the boot value 0 (the seed bug)', () => {
      const { k, patch, funcs, all } = setup('rfc-v2');
      expect(k.klp.targetState).toBe(KLP_UNPATCHED); // static int: 0 at boot
      const p = patch('im');
      drain(klpInitTransition(k, p, KLP_PATCHED));
      expect(k.klp.transitionPatch).toBe(p.id);
      expect(k.klp.targetState).toBe(KLP_UNPATCHED);
      for (const t of all) expect(k.tasks.patchState[t]).toBe(KLP_UNDEFINED);
      for (const f of funcs(p)) expect(f.transition).toBe(false);
    });

    it('rfc-v2 keeps a stale KLP_PATCHED for an immediate unpatch', () => {
      const { k, patch } = setup('rfc-v2');
      k.klp.targetState = KLP_PATCHED;
      drain(klpInitTransition(k, patch('im'), KLP_UNPATCHED));
      expect(k.klp.targetState).toBe(KLP_PATCHED);
    });

    it('rfc-v2 does set the target for a normal patch', () => {
      const { k, patch } = setup('rfc-v2');
      drain(klpInitTransition(k, patch('p1'), KLP_PATCHED));
      expect(k.klp.targetState).toBe(KLP_PATCHED);
    });
  });
});

describe('klp_start_transition', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('sets TIF_PATCH_PENDING exactly on the tasks not at the target', () => {
        const { k, patch, task, all } = setup(v);
        drain(klpInitTransition(k, patch('p1'), KLP_PATCHED));
        const kt = task('kt');
        setPatchState(k.tasks, kt, KLP_PATCHED);
        drain(klpStartTransition(k));
        let n = 0;
        for (const t of all) {
          const walked = !(v === 'rfc-v2' && t === idleTask(2));
          const expected = walked && t !== kt ? 1 : 0;
          expect(k.tasks.tif[t], k.name(t)).toBe(expected);
          n += expected;
        }
        expect(k.tasks.tifCount).toBe(n);
        expect(n).toBe(v === 'rfc-v2' ? all.length - 2 : all.length - 1);
      });

      it('prints the start notice in the format of the variant', () => {
        const { k, patch } = setup(v);
        const p = patch('p1');
        drain(klpInitTransition(k, p, KLP_PATCHED));
        const a = logLinesOf(drain(klpStartTransition(k)).events);
        expect(a.map((l) => l.level)).toEqual(['notice']);
        expect(a[0]!.text).toBe(v === 'mainline' ? "livepatch: 'p1': starting patching transition" : "livepatch: 'p1': patching...");
        k.klp.targetState = KLP_UNPATCHED;
        expect(logOf(drain(klpStartTransition(k)).events)).toEqual([v === 'mainline' ? "livepatch: 'p1': starting unpatching transition" : "livepatch: 'p1': unpatching..."]);
      });
    });
  }

  it('mainline resets klp_signals_cnt; v4.12 has no such counter', () => {
    for (const v of ['mainline', 'v4.12'] as const) {
      const { k, patch } = setup(v);
      drain(klpInitTransition(k, patch('p1'), KLP_PATCHED));
      k.klp.signalsCnt = 7;
      drain(klpStartTransition(k));
      expect(k.klp.signalsCnt, v).toBe(v === 'mainline' ? 0 : 7);
    }
  });

  it('v4.12 and mainline WARN when the target is KLP_UNDEFINED', () => {
    for (const v of ['mainline', 'v4.12'] as const) {
      const { k, patch } = setup(v);
      k.klp.transitionPatch = patch('p1').id;
      const viol = violationsOf(drain(klpStartTransition(k)).events);
      expect(viol.map((x) => x.invariant), v).toEqual([2]);
      expect(viol[0]!.text).toContain('klp_start_transition');
    }
  });

  it('an immediate patch returns early (v4.12): the notice, but no TIF', () => {
    const { k, patch } = setup('v4.12');
    drain(klpInitTransition(k, patch('im'), KLP_PATCHED));
    const ev = drain(klpStartTransition(k)).events;
    expect(logOf(ev)).toEqual(["livepatch: 'im': patching..."]);
    expect(k.tasks.tifCount).toBe(0);
  });

  it('rfc-v2 words the notice from the stale target for an immediate patch', () => {
    const { k, patch } = setup('rfc-v2');
    drain(klpInitTransition(k, patch('im'), KLP_PATCHED));
    expect(logOf(drain(klpStartTransition(k)).events)).toEqual(["livepatch: 'im': unpatching..."]);
    expect(k.tasks.tifCount).toBe(0);
  });
});
