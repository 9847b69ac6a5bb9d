// kernel/livepatch/patch.c: func_stack handling and the ftrace handler's
// decision table (spec/kernel-model.md §1.6, §2.12, §2.13, invariants 6 and 8).
import { describe, it, expect } from 'vitest';
import { NO_ARGS } from '../../../src/sim/events.ts';
import {
  klpFtraceHandler,
  klpPatchObject,
  klpUnpatchObject,
  klpUnpatchObjects,
  resolveVersion,
  setFuncState,
} from '../../../src/sim/livepatch/patch.ts';
import { ORIGINAL, versionOf } from '../../../src/sim/livepatch/version.ts';
import { setPatchState } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { KlpState } from '../../../src/sim/types.ts';
import { machine, VARIANTS } from '../helpers.ts';
import type { MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 1,
  functions: { foo: 'vmlinux', bar: 'vmlinux' },
  tasks: [{ comm: 'kt', loop: ['kthread', 'worker_thread'] }],
  patches: [
    { name: 'p1', funcs: ['foo', 'bar'] },
    { name: 'p2', funcs: ['foo'] },
  ],
};

/** p1 (and with `both`, p2 above it) on foo's func_stack, with the given transition flags. */
function stacked(both: boolean, t1: boolean, t2 = false) {
  const m = machine('mainline', DEF);
  const p1 = m.patch('p1');
  const p2 = m.patch('p2');
  expect(klpPatchObject(m.k, p1.objects[0]!)).toBe(0);
  if (both) expect(klpPatchObject(m.k, p2.objects[0]!)).toBe(0);
  const [f1] = m.funcs(p1);
  const [f2] = m.funcs(p2);
  f1!.transition = t1;
  f2!.transition = t2;
  m.k.emit('wakeup', NO_ARGS);
  return { m, f1, f2, kt: m.task('kt'), foo: m.fn('foo') };
}

describe('klp_ftrace_handler / resolveVersion: the decision table of §2.12', () => {
  const states: KlpState[] = [KLP_UNDEFINED, KLP_UNPATCHED, KLP_PATCHED];

  it('runs the original when the function has no func_stack', () => {
    const m = machine('mainline', DEF);
    const kt = m.task('kt');
    for (const s of states) {
      setPatchState(m.k.tasks, kt, s);
      expect(resolveVersion(m.k, kt, m.fn('foo'))).toBe(ORIGINAL);
      expect(klpFtraceHandler(m.k, kt, m.fn('foo'))).toBe(ORIGINAL);
    }
  });

  it('topmost not in transition: its new function, whatever the task state', () => {
    const { m, f2, kt, foo } = stacked(true, false, false);
    for (const s of states) {
      setPatchState(m.k.tasks, kt, s);
      expect(klpFtraceHandler(m.k, kt, foo), String(s)).toBe(versionOf(f2));
    }
    expect(m.k.emit('wakeup', NO_ARGS).violations).toEqual([]);
  });

  it('topmost in transition, task patched: the topmost new function', () => {
    const { m, f2, kt, foo } = stacked(true, false, true);
    setPatchState(m.k.tasks, kt, KLP_PATCHED);
    expect(klpFtraceHandler(m.k, kt, foo)).toBe(versionOf(f2));
  });

  it('topmost in transition, task unpatched: the next entry\'s new function', () => {
    const { m, f1, kt, foo } = stacked(true, false, true);
    setPatchState(m.k.tasks, kt, KLP_UNPATCHED);
    expect(klpFtraceHandler(m.k, kt, foo)).toBe(versionOf(f1));
  });

  it('topmost in transition, task unpatched, no next entry: the original', () => {
    const { m, kt, foo } = stacked(false, true);
    setPatchState(m.k.tasks, kt, KLP_UNPATCHED);
    expect(klpFtraceHandler(m.k, kt, foo)).toBe(ORIGINAL);
    expect(resolveVersion(m.k, kt, foo)).toBe(ORIGINAL);
  });

  it('only the topmost func\'s transition flag is consulted', () => {
    const { m, f2, kt, foo } = stacked(true, true, false);
    setPatchState(m.k.tasks, kt, KLP_UNPATCHED);
    expect(klpFtraceHandler(m.k, kt, foo)).toBe(versionOf(f2));
  });

  it('topmost in transition, task KLP_UNDEFINED: WARN once (invariant 6), then the topmost new function', () => {
    const { m, f1, kt, foo } = stacked(false, true);
    setPatchState(m.k.tasks, kt, KLP_UNDEFINED);
    expect(klpFtraceHandler(m.k, kt, foo)).toBe(versionOf(f1));
    const v = m.k.emit('wakeup', NO_ARGS).violations;
    expect(v.map((x) => x.invariant)).toEqual([6]);
    expect(v[0]!.givenUp).toBeUndefined();
    expect(v[0]!.text).toContain('klp_ftrace_handler');
    expect(klpFtraceHandler(m.k, kt, foo)).toBe(versionOf(f1));
    expect(m.k.emit('wakeup', NO_ARGS).violations).toEqual([]); // once
    // resolveVersion has no side effect.
    expect(resolveVersion(m.k, kt, foo)).toBe(versionOf(f1));
  });
});

describe('klp_patch_object / klp_unpatch_object', () => {
  for (const v of VARIANTS) {
    it(`${v}: pushes funcs at the head of each func_stack, the newest first`, () => {
      const m = machine(v, DEF);
      const p1 = m.patch('p1');
      const p2 = m.patch('p2');
      const [f1foo, f1bar] = m.funcs(p1);
      const [f2foo] = m.funcs(p2);
      expect(klpPatchObject(m.k, p1.objects[0]!)).toBe(0);
      expect(p1.objects[0]!.patched).toBe(true);
      expect([f1foo!.patched, f1bar!.patched]).toEqual([true, true]);
      expect(m.k.klp.funcStack[m.fn('foo')]).toEqual([f1foo!.id]);
      expect(m.k.klp.funcStack[m.fn('bar')]).toEqual([f1bar!.id]);
      expect(klpPatchObject(m.k, p2.objects[0]!)).toBe(0);
      expect(m.k.klp.funcStack[m.fn('foo')]).toEqual([f2foo!.id, f1foo!.id]);
    });

    it(`${v}: -EINVAL for an object that is patched already, nothing changed`, () => {
      const m = machine(v, DEF);
      const p1 = m.patch('p1');
      expect(klpPatchObject(m.k, p1.objects[0]!)).toBe(0);
      expect(klpPatchObject(m.k, p1.objects[0]!)).toBe(-22);
      expect(m.k.klp.funcStack[m.fn('foo')]).toEqual([m.funcs(p1)[0]!.id]);
    });

    it(`${v}: unpatching removes a func from the middle of a stack, and the last one frees it`, () => {
      const m = machine(v, DEF);
      const p1 = m.patch('p1');
      const p2 = m.patch('p2');
      klpPatchObject(m.k, p1.objects[0]!);
      klpPatchObject(m.k, p2.objects[0]!);
      klpUnpatchObject(m.k, p1.objects[0]!);
      expect(p1.objects[0]!.patched).toBe(false);
      expect(m.funcs(p1).map((f) => f.patched)).toEqual([false, false]);
      expect(m.k.klp.funcStack[m.fn('foo')]).toEqual([m.funcs(p2)[0]!.id]);
      expect(m.k.klp.funcStack[m.fn('bar')]).toBeUndefined();
      klpUnpatchObjects(m.k, p2);
      expect(m.k.klp.funcStack[m.fn('foo')]).toBeUndefined();
      expect(p2.objects[0]!.patched).toBe(false);
    });
  }
});

describe('func state machine (invariant 8)', () => {
  it('patching (0,0)→(0,1)→(1,1)→(1,0) and unpatching back are legal', () => {
    const m = machine('v4.12', DEF);
    const [f] = m.funcs(m.patch('p1'));
    for (const [p, t] of [[false, true], [true, true], [true, false], [true, true], [false, true], [false, false]] as const) setFuncState(m.k, f!, p, t);
    expect(m.k.emit('wakeup', NO_ARGS).violations).toEqual([]);
  });

  it('a normal func going (0,0)→(1,0) breaks it; an immediate one may', () => {
    const m = machine('v4.12', { ...DEF, patches: [...(DEF.patches ?? []), { name: 'im', funcs: ['foo'], immediate: true }] });
    const [f] = m.funcs(m.patch('p1'));
    setFuncState(m.k, f!, true, false);
    expect(m.k.emit('wakeup', NO_ARGS).violations.map((x) => x.invariant)).toEqual([8]);
    const [g] = m.funcs(m.patch('im'));
    setFuncState(m.k, g!, true, false);
    setFuncState(m.k, g!, false, false);
    expect(m.k.emit('wakeup', NO_ARGS).violations).toEqual([]);
  });
});
