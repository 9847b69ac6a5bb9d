// kernel/livepatch/core.c: the enable/disable entry points, the sysfs
// stores, registration and module coming/going (spec/kernel-model.md §2.15,
// §2.16, §5).
import { describe, it, expect } from 'vitest';
import { NO_ARGS } from '../../../src/sim/events.ts';
import { EBUSY, EINVAL, ENOSYS, strerror } from '../../../src/sim/errno.ts';
import {
  enabledStore,
  forceStore,
  klpCreatePatch,
  klpDisablePatch,
  klpEnablePatch,
  klpModuleComing,
  klpModuleGoing,
  klpRegisterPatch,
  kstrtobool,
} from '../../../src/sim/livepatch/core.ts';
import { idleTask } from '../../../src/sim/machine/cpus.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import { drain, logLinesOf, logOf, machine, settle, VARIANTS } from '../helpers.ts';
import type { Machine, MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 1,
  functions: { foo: 'vmlinux', bar: 'vmlinux', tgt_fn: 'tgt' },
  targets: { tgt: ['tgt_fn'] },
  tasks: [{ comm: 'kt', loop: ['kthread', 'foo'] }],
  patches: [
    { name: 'p1', funcs: ['bar'] },
    { name: 'p2', funcs: ['bar'] },
    { name: 'pm', object: 'tgt', funcs: ['tgt_fn'] },
  ],
};

/** Loads and enables `name`, then lets its transition complete. */
function enabled(m: Machine, name: string) {
  const r = m.insmod(name);
  expect(r.ret).toBe(0);
  settle(m.k);
  expect(m.k.klp.transitionPatch).toBe(-1);
  expect(r.patch.enabled).toBe(true);
  return r.patch;
}

describe('kstrtobool and strerror', () => {
  it('parses the kernel\'s booleans', () => {
    for (const s of ['1', 'y', 'Y', 'yes', 'on', 'ON']) expect(kstrtobool(s), s).toBe(true);
    for (const s of ['0', 'n', 'N', 'no', 'off', 'OFF']) expect(kstrtobool(s), s).toBe(false);
    for (const s of ['', '2', 'o', 'x', 'true']) expect(kstrtobool(s), s).toBeUndefined();
  });

  it('names the errors the shell prints', () => {
    expect(strerror(EBUSY)).toBe('Device or resource busy');
    expect(strerror(EINVAL)).toBe('Invalid argument');
  });
});

describe('klp_enable_patch', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('logs the enable and the start, runs the first pass, sets enabled, takes the module reference', () => {
        const m = machine(v, DEF);
        const { events, ret, patch } = m.insmod('p1');
        expect(ret).toBe(0);
        expect(patch.enabled).toBe(true);
        expect(patch.holdsModuleRef).toBe(true);
        expect(patch.registered).toBe(true);
        expect(m.k.klp.transitionPatch).toBe(patch.id); // swapper/0 is running: not complete yet
        expect(m.k.klp.targetState).toBe(KLP_PATCHED);
        expect(m.k.klp.workAt).toBeGreaterThan(0);
        expect(m.k.klp.funcStack[m.fn('bar')]).toEqual([m.funcs(patch)[0]!.id]);
        const lines = logLinesOf(events).map((l) => [l.level, l.text]);
        expect(lines).toEqual(
          v === 'mainline'
            ? [
                ['notice', "livepatch: enabling patch 'p1'"],
                ['debug', "livepatch: 'p1': initializing patching transition"],
                ['notice', "livepatch: 'p1': starting patching transition"],
                ['debug', 'livepatch: klp_try_switch_task: swapper/0:0 is running'],
              ]
            : [
                ['notice', "livepatch: enabling patch 'p1'"],
                ['notice', "livepatch: 'p1': patching..."],
                ['debug', 'livepatch: klp_try_switch_task: swapper/0:0 is running'],
              ],
        );
      });

      // mainline sets `enabled` before the first pass; v4.12 right after it, which
      // nothing can observe under klp_mutex, so the model sets it before in both.
      it('has enabled set during the first klp_try_complete_transition', () => {
        const m = machine(v, DEF);
        const gen = v === 'mainline' ? klpEnablePatchFresh(m) : klpEnablePatch(m.k, m.patch('p1'));
        const seen: boolean[] = [];
        for (let r = gen.next(); !r.done; r = gen.next()) if (r.value.fn === 'klp_try_switch_task' || r.value.fn === 'klp_try_complete_transition') seen.push(m.k.klp.all[m.k.klp.transitionPatch]?.enabled ?? false);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.every((e) => e)).toBe(true);
      });

      it('completes synchronously when the first pass switches every task, and keeps an enabled patch', () => {
        const m = machine(v, DEF);
        m.k.current = idleTask(0);
        const { events, ret, patch } = m.insmod('p1');
        expect(ret).toBe(0);
        expect(m.k.klp.transitionPatch).toBe(-1);
        expect(patch.enabled).toBe(true);
        expect(patch.registered).toBe(true);
        expect(logOf(events).at(-1)).toBe("livepatch: 'p1': patching complete");
      });

      it('-EBUSY while another patch is in transition, with nothing logged', () => {
        const m = machine(v, DEF);
        const p1 = m.insmod('p1').patch;
        const r = m.insmod('pm');
        expect(r.ret).toBe(-EBUSY);
        expect(logOf(r.events)).toEqual([]);
        expect(m.k.klp.transitionPatch).toBe(p1.id);
        expect(r.patch.enabled).toBe(false);
        // mainline's klp_enable_patch frees the patch it could not enable.
        expect(r.patch.registered).toBe(v !== 'mainline');
        expect(m.k.klp.patches.includes(r.patch.id)).toBe(v !== 'mainline');
      });
    });
  }

  it('v4.12 and rfc-v2: a failing klp_patch_object logs "failed to enable patch" and cancels', () => {
    for (const v of ['v4.12', 'rfc-v2'] as const) {
      const m = machine(v, DEF);
      const p = m.patch('p1');
      p.objects[0]!.patched = true; // WARN_ON(obj->patched)
      const { events, ret } = drain(klpEnablePatch(m.k, p));
      expect(ret, v).toBe(-EINVAL);
      expect(logOf(events)).toEqual(["livepatch: enabling patch 'p1'", "livepatch: failed to enable patch 'p1'"]);
      expect(m.k.klp.transitionPatch).toBe(-1);
      expect(p.enabled).toBe(false);
    }
  });

  it('mainline: a failing klp_patch_object logs the object, the patch, and the cancel path', () => {
    const m = machine('mainline', DEF);
    const mi = m.k.world.modules.findIndex((x) => x.name === 'p1');
    m.k.s.modules[mi]!.loaded = true;
    const p = klpCreatePatch(m.k, mi);
    p.objects[0]!.patched = true;
    const { events, ret } = drain(klpEnablePatch(m.k, p));
    expect(ret).toBe(-EINVAL);
    expect(logLinesOf(events).map((l) => [l.level, l.text])).toEqual([
      ['notice', "livepatch: enabling patch 'p1'"],
      ['debug', "livepatch: 'p1': initializing patching transition"],
      ['warn', "livepatch: failed to patch object 'vmlinux'"],
      ['warn', "livepatch: failed to enable patch 'p1'"],
      ['debug', "livepatch: 'p1': canceling patching transition, going to unpatch"],
      ['debug', "livepatch: 'p1': completing unpatching transition"],
      ['notice', "livepatch: 'p1': unpatching complete"],
    ]);
    expect(m.k.klp.transitionPatch).toBe(-1);
    expect(m.k.klp.targetState).toBe(KLP_UNDEFINED);
    expect(p.registered).toBe(false); // freed
    expect(m.k.klp.patches).toEqual([]);
  });

  it('mainline without a reliable unwinder warns twice, then enables', () => {
    const m = machine('mainline', { ...DEF, reliableStacktrace: false });
    const { events, ret } = m.insmod('p1');
    expect(ret).toBe(0);
    const lines = logLinesOf(events);
    expect(lines.slice(0, 2).map((l) => [l.level, l.text])).toEqual([
      ['warn', "livepatch: This architecture doesn't have support for the livepatch consistency model."],
      ['warn', 'livepatch: The livepatch transition may never complete.'],
    ]);
    expect(lines[2]!.text).toBe("livepatch: enabling patch 'p1'");
  });

  it('v4.12 registration refuses a normal patch without a reliable unwinder (-ENOSYS), accepts an immediate one', () => {
    const m = machine('v4.12', { ...DEF, reliableStacktrace: false, patches: [...(DEF.patches ?? []), { name: 'im', funcs: ['foo'], immediate: true }] });
    const at = (n: string) => m.k.world.modules.findIndex((x) => x.name === n);
    const p = klpCreatePatch(m.k, at('p1'));
    expect(klpRegisterPatch(m.k, p)).toBe(-ENOSYS);
    expect(p.registered).toBe(false);
    expect(m.k.emit('wakeup', NO_ARGS).log.map((l) => [l.level, l.text])).toEqual([['err', "livepatch: This architecture doesn't have support for the livepatch consistency model."]]);
    const im = klpCreatePatch(m.k, at('im'));
    expect(klpRegisterPatch(m.k, im)).toBe(0);
    expect(im.registered).toBe(true);
  });
});

/** mainline's klp_enable_patch registers the patch itself: a patch created but not registered. */
function klpEnablePatchFresh(m: Machine) {
  const mi = m.k.world.modules.findIndex((x) => x.name === 'p2');
  m.k.s.modules[mi]!.loaded = true;
  return klpEnablePatch(m.k, klpCreatePatch(m.k, mi));
}

describe('klp_disable_patch', () => {
  for (const v of VARIANTS) {
    it(`${v}: starts the unpatching transition with the variant's lines`, () => {
      const m = machine(v, DEF);
      const p = enabled(m, 'p1');
      const { events, ret } = drain(klpDisablePatch(m.k, p));
      expect(ret).toBe(0);
      expect(p.enabled).toBe(false);
      expect(m.k.klp.targetState).toBe(KLP_UNPATCHED);
      expect(m.k.klp.transitionPatch).toBe(p.id);
      expect(logOf(events)).toEqual(
        v === 'mainline'
          ? ["livepatch: 'p1': initializing unpatching transition", "livepatch: 'p1': starting unpatching transition", 'livepatch: klp_try_switch_task: swapper/0:0 is running']
          : ["livepatch: 'p1': unpatching...", 'livepatch: klp_try_switch_task: swapper/0:0 is running'],
      );
      expect(logOf(settle(m.k))).toEqual(
        v === 'mainline' ? ["livepatch: 'p1': completing unpatching transition", "livepatch: 'p1': unpatching complete"] : ["livepatch: 'p1': unpatching complete"],
      );
      expect(m.funcs(p)[0]!.patched).toBe(false);
    });

    it(`${v}: -EINVAL when not enabled, -EBUSY while another patch is in transition`, () => {
      const m = machine(v, DEF);
      const p1 = enabled(m, 'p1');
      const pm = m.patch('pm');
      expect(drain(klpDisablePatch(m.k, pm)).ret).toBe(-EINVAL);
      // Put pm in transition: load and enable it without completing.
      m.k.s.modules[m.k.world.modules.findIndex((x) => x.name === 'pm')]!.loaded = true;
      if (v === 'mainline') {
        const mi = m.k.world.modules.findIndex((x) => x.name === 'p2');
        m.k.s.modules[mi]!.loaded = true;
        expect(drain(klpEnablePatch(m.k, klpCreatePatch(m.k, mi))).ret).toBe(0);
      } else expect(drain(klpEnablePatch(m.k, pm)).ret).toBe(0);
      expect(m.k.klp.transitionPatch).not.toBe(-1);
      const r = drain(klpDisablePatch(m.k, p1));
      expect(r.ret).toBe(-EBUSY);
      expect(logOf(r.events)).toEqual([]);
      expect(p1.enabled).toBe(true);
    });
  }
});

describe('stacking rules', () => {
  for (const v of ['v4.12', 'rfc-v2'] as const) {
    it(`${v}: only the first disabled patch can be enabled, only the last enabled one disabled`, () => {
      const m = machine(v, DEF);
      const p1 = m.patch('p1');
      const p2 = m.patch('p2');
      expect(m.k.klp.patches).toEqual([p1.id, p2.id]);
      const early = drain(klpEnablePatch(m.k, p2));
      expect(early.ret).toBe(-EBUSY);
      expect(logOf(early.events)).toEqual([]);
      expect(drain(klpEnablePatch(m.k, p1)).ret).toBe(0);
      settle(m.k);
      expect(drain(klpEnablePatch(m.k, p2)).ret).toBe(0);
      settle(m.k);
      expect(m.k.klp.funcStack[m.fn('bar')]).toEqual([m.funcs(p2)[0]!.id, m.funcs(p1)[0]!.id]);
      expect(drain(klpDisablePatch(m.k, p1)).ret).toBe(-EBUSY);
      expect(p1.enabled).toBe(true);
      expect(drain(klpDisablePatch(m.k, p2)).ret).toBe(0);
      settle(m.k);
      expect(drain(klpDisablePatch(m.k, p1)).ret).toBe(0);
    });
  }

  it('mainline has no stacking order: the older of two enabled patches can be disabled', () => {
    const m = machine('mainline', DEF);
    const p1 = enabled(m, 'p1');
    const p2 = enabled(m, 'p2');
    expect(m.k.klp.funcStack[m.fn('bar')]).toEqual([m.funcs(p2)[0]!.id, m.funcs(p1)[0]!.id]);
    expect(drain(klpDisablePatch(m.k, p1)).ret).toBe(0);
    settle(m.k);
    expect(m.k.klp.funcStack[m.fn('bar')]).toEqual([m.funcs(p2)[0]!.id]);
    expect(p1.registered).toBe(false);
  });
});

describe('enabled_store', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('-EINVAL for the value the patch already has, or a value that is no boolean', () => {
        const m = machine(v, DEF);
        const p = enabled(m, 'p1');
        expect(drain(enabledStore(m.k, p, '1')).ret).toBe(-EINVAL);
        expect(drain(enabledStore(m.k, p, 'maybe')).ret).toBe(-EINVAL);
        expect(p.enabled).toBe(true);
        expect(m.k.klp.transitionPatch).toBe(-1);
        if (v !== 'mainline') {
          expect(drain(enabledStore(m.k, p, '0')).ret).toBe(0);
          settle(m.k);
          expect(drain(enabledStore(m.k, p, '0')).ret).toBe(-EINVAL);
        }
      });

      it('a write during the patch\'s own transition reverses it', () => {
        const m = machine(v, DEF);
        const p = m.insmod('p1').patch;
        expect(m.k.klp.transitionPatch).toBe(p.id);
        const { events, ret } = drain(enabledStore(m.k, p, '0'));
        expect(ret).toBe(0);
        expect(p.enabled).toBe(false);
        expect(m.k.klp.targetState).toBe(KLP_UNPATCHED);
        expect(m.k.klp.transitionPatch).toBe(p.id);
        expect(logOf(events).at(-1)).toBe(v === 'mainline' ? "livepatch: 'p1': starting unpatching transition" : "livepatch: 'p1': unpatching...");
        // And back again.
        expect(drain(enabledStore(m.k, p, '1')).ret).toBe(0);
        expect(p.enabled).toBe(true);
        expect(m.k.klp.targetState).toBe(KLP_PATCHED);
      });

      it('0 disables an enabled patch', () => {
        const m = machine(v, DEF);
        const p = enabled(m, 'p1');
        expect(drain(enabledStore(m.k, p, '0')).ret).toBe(0);
        expect(m.k.klp.transitionPatch).toBe(p.id);
        expect(m.k.klp.targetState).toBe(KLP_UNPATCHED);
      });

      it(v === 'mainline' ? '1 on a disabled patch is -EINVAL: it cannot be re-enabled' : '1 re-enables a disabled patch', () => {
        const m = machine(v, DEF);
        const p = enabled(m, 'p1');
        drain(enabledStore(m.k, p, '0'));
        settle(m.k);
        expect(p.enabled).toBe(false);
        const r = drain(enabledStore(m.k, p, '1'));
        if (v === 'mainline') {
          expect(r.ret).toBe(-EINVAL);
          expect(logOf(r.events)).toEqual([]);
          expect(m.k.klp.transitionPatch).toBe(-1);
        } else {
          expect(r.ret).toBe(0);
          expect(logOf(r.events)[0]).toBe("livepatch: enabling patch 'p1'");
          expect(p.enabled).toBe(true);
        }
      });
    });
  }
});

describe('force_store (mainline)', () => {
  it('-EINVAL for a patch that is not in transition', () => {
    const m = machine('mainline', DEF);
    const p = enabled(m, 'p1');
    const r = drain(forceStore(m.k, p, '1'));
    expect(r.ret).toBe(-EINVAL);
    expect(logOf(r.events)).toEqual([]);
  });

  it('forces the patch in transition', () => {
    const m = machine('mainline', DEF);
    const p = m.insmod('p1').patch;
    const r = drain(forceStore(m.k, p, '1'));
    expect(r.ret).toBe(0);
    expect(logOf(r.events)).toEqual(['livepatch: forcing remaining tasks to the patched state']);
    expect(m.k.tasks.tifCount).toBe(0);
  });
});

describe('klp_module_coming / klp_module_going', () => {
  for (const v of VARIANTS) {
    describe(v, () => {
      it('an enabled patch is applied to a loading module and reverted when it goes', () => {
        const m = machine(v, DEF);
        const p = enabled(m, 'pm');
        const [f] = m.funcs(p);
        expect(p.objects[0]!.patched).toBe(false); // tgt not loaded at enable time
        const c = drain(klpModuleComing(m.k, 'tgt'));
        expect(c.ret).toBe(0);
        expect(logLinesOf(c.events).map((l) => [l.level, l.text])).toEqual([['notice', "livepatch: applying patch 'pm' to loading module 'tgt'"]]);
        expect(p.objects[0]!.patched).toBe(true);
        expect(m.k.klp.funcStack[m.fn('tgt_fn')]).toEqual([f!.id]);
        const g = drain(klpModuleGoing(m.k, 'tgt'));
        expect(logLinesOf(g.events).map((l) => [l.level, l.text])).toEqual([['notice', "livepatch: reverting patch 'pm' on unloading module 'tgt'"]]);
        expect(p.objects[0]!.patched).toBe(false);
        expect(m.k.klp.funcStack[m.fn('tgt_fn')]).toBeUndefined();
      });

      it('a patch in transition is applied too, its func entering in transition', () => {
        const m = machine(v, DEF);
        const p = m.insmod('pm').patch;
        expect(m.k.klp.transitionPatch).toBe(p.id);
        drain(klpModuleComing(m.k, 'tgt'));
        const [f] = m.funcs(p);
        expect([f!.patched, f!.transition]).toEqual([true, true]);
      });

      it('a patch that is neither enabled nor in transition leaves the module alone', () => {
        const m = machine(v, DEF);
        m.patch('pm');
        const c = drain(klpModuleComing(m.k, 'tgt'));
        expect(c.ret).toBe(0);
        expect(logOf(c.events)).toEqual([]);
        expect(m.k.klp.funcStack[m.fn('tgt_fn')]).toBeUndefined();
        expect(logOf(drain(klpModuleGoing(m.k, 'tgt')).events)).toEqual([]);
      });

      it('a failure to patch the module refuses it', () => {
        const m = machine(v, DEF);
        const p = enabled(m, 'pm');
        p.objects[0]!.patched = true;
        const c = drain(klpModuleComing(m.k, 'tgt'));
        expect(c.ret).toBe(-EINVAL);
        expect(logLinesOf(c.events).map((l) => [l.level, l.text])).toEqual([
          ['notice', "livepatch: applying patch 'pm' to loading module 'tgt'"],
          ['warn', "livepatch: failed to apply patch 'pm' to module 'tgt' (-22)"],
          ['warn', "livepatch: patch 'pm' failed for module 'tgt', refusing to load module 'tgt'"],
        ]);
      });
    });
  }
});
