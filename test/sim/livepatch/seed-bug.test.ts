// The seed bug end to end: klp_target_state not set for immediate patches in
// RFC v2, scenarios A and B of spec/kernel-model.md §6.3, run side by side
// with v4.12 through the shell.
import { describe, it, expect } from 'vitest';
import { KLP_PATCHED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import { runScenario } from '../helpers.ts';
import type { MachineDef } from '../helpers.ts';

const ORIGINAL = 'BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro';

const base = (script: string[], withB: boolean): MachineDef => ({
  cpus: 2,
  tasks: [{ comm: 'u', kind: 'user', syscalls: ['getpid'] }],
  patches: [
    ...(withB ? [{ name: 'B', funcs: [{ old: 'cmdline_proc_show', output: 'b' }] }] : []),
    { name: 'A', funcs: [{ old: 'cmdline_proc_show', output: 'a' }], immediate: true },
  ],
  script,
});

/** The kernel-log lines of the livepatch core only. */
const klp = (log: string[]) => log.filter((l) => l.startsWith('livepatch: ') || l.startsWith('% '));

describe('scenario A: fresh boot (stale target 0), enable immediate A, then disable it', () => {
  const script = ['insmod A.ko', 'cat /proc/cmdline', 'cat /sys/kernel/livepatch/A/enabled', 'echo 0 > /sys/kernel/livepatch/A/enabled', 'cat /proc/cmdline'];

  it('rfc-v2: the enable says "unpatching" and takes A\'s funcs off again; enabled reads 1 but the original runs', () => {
    const r = runScenario('rfc-v2', base(script, false));
    expect(klp(r.log)).toEqual([
      '% insmod A.ko',
      "livepatch: enabling patch 'A'",
      "livepatch: 'A': unpatching...",
      "livepatch: 'A': unpatching complete",
      '% cat /proc/cmdline',
      '% cat /sys/kernel/livepatch/A/enabled',
      '% echo 0 > /sys/kernel/livepatch/A/enabled',
      "livepatch: 'A': unpatching...",
      "livepatch: 'A': unpatching complete",
      '% cat /proc/cmdline',
    ]);
    expect(r.stdout).toEqual([ORIGINAL, '1', ORIGINAL]);
    // A broken guarantee of the variant (request not honoured), not something immediate gives up.
    expect(r.violations.filter((v) => v.givenUp === undefined).map((v) => v.invariant)).toContain(11);
  });

  it('v4.12: patching words, A runs while enabled, the original after the disable', () => {
    const r = runScenario('v4.12', base(script, false));
    expect(klp(r.log)).toEqual([
      '% insmod A.ko',
      "livepatch: enabling patch 'A'",
      "livepatch: 'A': patching...",
      "livepatch: 'A': patching complete",
      '% cat /proc/cmdline',
      '% cat /sys/kernel/livepatch/A/enabled',
      '% echo 0 > /sys/kernel/livepatch/A/enabled',
      "livepatch: 'A': unpatching...",
      "livepatch: 'A': unpatching complete",
      '% cat /proc/cmdline',
    ]);
    expect(r.stdout).toEqual(['A: a', '1', ORIGINAL]);
    expect(r.violations.filter((v) => v.givenUp === undefined)).toEqual([]);
    const k = r.engine.kernel;
    expect(k.klp.targetState).toBe(-1);
  });
});

describe('scenario B: B enabled earlier (stale target 1), then immediate A enabled and disabled', () => {
  const script = [
    'insmod B.ko',
    'wait B',
    'insmod A.ko',
    'echo 0 > /sys/kernel/livepatch/A/enabled',
    'cat /sys/kernel/livepatch/A/enabled',
    'cat /proc/cmdline',
    'echo 1 > /sys/kernel/livepatch/A/enabled',
    'rmmod A',
  ];

  it('rfc-v2: the disable says "patching", A stays on the func stack and keeps running; re-enabling fails', () => {
    const r = runScenario('rfc-v2', base(script, true));
    const k = r.engine.kernel;
    const afterA = klp(r.log).slice(klp(r.log).indexOf('% insmod A.ko'));
    expect(afterA).toEqual([
      '% insmod A.ko',
      "livepatch: enabling patch 'A'",
      "livepatch: 'A': patching...",
      "livepatch: 'A': patching complete",
      '% echo 0 > /sys/kernel/livepatch/A/enabled',
      "livepatch: 'A': patching...",
      "livepatch: 'A': patching complete",
      '% cat /sys/kernel/livepatch/A/enabled',
      '% cat /proc/cmdline',
      '% echo 1 > /sys/kernel/livepatch/A/enabled',
      "livepatch: enabling patch 'A'",
      "livepatch: failed to enable patch 'A'",
      '% rmmod A',
    ]);
    expect(r.log).toContain('sh: echo: write error: Invalid argument');
    expect(r.log).toContain('rmmod: ERROR: Module A is in use');
    expect(r.stdout).toEqual(['0', 'A: a']);
    const a = k.klp.all.find((p) => p.mod === 'A');
    expect(a?.enabled).toBe(false);
    expect(a?.objects[0]!.patched).toBe(true);
    expect(k.klp.targetState).not.toBe(-1);
    expect(r.violations.filter((v) => v.givenUp === undefined).map((v) => v.invariant)).toContain(11);
  });

  it('v4.12: the disable unpatches, B runs again, re-enable works, the module reference is kept', () => {
    const r = runScenario('v4.12', base(script.slice(0, -1).concat(['echo 0 > /sys/kernel/livepatch/A/enabled', 'rmmod A']), true));
    const k = r.engine.kernel;
    const afterA = klp(r.log).slice(klp(r.log).indexOf('% insmod A.ko'));
    expect(afterA).toEqual([
      '% insmod A.ko',
      "livepatch: enabling patch 'A'",
      "livepatch: 'A': patching...",
      "livepatch: 'A': patching complete",
      '% echo 0 > /sys/kernel/livepatch/A/enabled',
      "livepatch: 'A': unpatching...",
      "livepatch: 'A': unpatching complete",
      '% cat /sys/kernel/livepatch/A/enabled',
      '% cat /proc/cmdline',
      '% echo 1 > /sys/kernel/livepatch/A/enabled',
      "livepatch: enabling patch 'A'",
      "livepatch: 'A': patching...",
      "livepatch: 'A': patching complete",
      '% echo 0 > /sys/kernel/livepatch/A/enabled',
      "livepatch: 'A': unpatching...",
      "livepatch: 'A': unpatching complete",
      '% rmmod A',
    ]);
    expect(r.stdout).toEqual(['0', 'B: b']);
    // An immediate patch never gives its module reference back.
    expect(r.log).toContain('rmmod: ERROR: Module A is in use');
    const a = k.klp.all.find((p) => p.mod === 'A');
    expect(a?.holdsModuleRef).toBe(true);
    expect(a?.objects[0]!.patched).toBe(false);
    expect(r.violations.filter((v) => v.givenUp === undefined)).toEqual([]);
  });
});

describe('the stale target itself', () => {
  it('rfc-v2 keeps klp_target_state after a completed transition (never reset), v4.12 resets it', () => {
    const script = ['insmod B.ko', 'wait B'];
    const rfc = runScenario('rfc-v2', base(script, true));
    expect(rfc.engine.kernel.klp.targetState).toBe(KLP_PATCHED);
    const fixed = runScenario('v4.12', base(script, true));
    expect(fixed.engine.kernel.klp.targetState).toBe(-1);
    const boot = runScenario('rfc-v2', base([], true));
    expect(boot.engine.kernel.klp.targetState).toBe(KLP_UNPATCHED);
  });
});
