// Stage 2 of the model, function by function (mainline; callbacks and atomic
// replace exist nowhere else): object callbacks, modules coming and going,
// atomic replace, module work items, the sysfs files that came with them.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/sim/engine.ts';
import { NO_ARGS } from '../../../src/sim/events.ts';
import { klpPostUnpatchCallback, klpPrePatchCallback } from '../../../src/sim/livepatch/callbacks.ts';
import { klpAddNops, klpModuleComing, klpModuleGoing } from '../../../src/sim/livepatch/core.ts';
import { klpPatchObject, resolveVersion } from '../../../src/sim/livepatch/patch.ts';
import { ORIGINAL, versionOf } from '../../../src/sim/livepatch/version.ts';
import { klpInitTransition, klpStartTransition } from '../../../src/sim/livepatch/transition.ts';
import type { SimEvent, Violation } from '../../../src/sim/types.ts';
import { applied, drain, logOf, machine } from '../helpers.ts';

interface Ran {
  readonly engine: Engine;
  readonly log: string[];
  readonly stdout: string[];
  readonly violations: Violation[];
}

function run(doc: Record<string, unknown>, maxSteps = 200_000, pidMax?: number): Ran {
  const engine = Engine.load({ format: 'klpscope/1', kernel: 'mainline', machine: { cpus: 2 }, ...doc }, pidMax === undefined ? {} : { pidMax });
  const events: SimEvent[] = [];
  for (let n = 0; n < maxSteps && !engine.settled && !engine.overtime; n++) {
    const e = engine.stepForward();
    if (e === undefined) break;
    events.push(e);
  }
  const lines = events.flatMap((e) => e.log.filter((l) => !l.taskDebug));
  return { engine, log: lines.filter((l) => !l.stdout).map((l) => l.text), stdout: lines.filter((l) => l.stdout).map((l) => l.text), violations: events.flatMap((e) => e.violations) };
}

function must<T>(x: T | undefined): T {
  if (x === undefined) throw new Error('missing');
  return x;
}
const lpParams = (m: ReturnType<typeof machine>) => must(m.k.module('lp')).params;

const CB = { name: 'vmlinux', funcs: [], callbacks: true };
const demo = (objects: unknown[], params: Record<string, unknown> = { pre_patch_ret: 0 }) => ({ name: 'demo', params, livepatch: { objects } });
const target = { name: 'tgt', functions: ['tgt_fn'], init: ['tgt_init'], exit: ['tgt_exit'] };
const LIVE = 'tgt -> [MODULE_STATE_LIVE] Normal state';

describe('callbacks (klp_pre_patch_callback ... klp_post_unpatch_callback)', () => {
  it('pre_patch returns pre_patch_ret and arms post_unpatch only on success; post_unpatch runs once', () => {
    const m = machine('mainline', { cpus: 1, patches: [{ name: 'lp', funcs: ['cmdline_proc_show'] }] });
    const p = m.patch('lp');
    const obj = { ...p.objects[0]!, callbacks: true };
    lpParams(m).pre_patch_ret = -19;
    expect(klpPrePatchCallback(m.k, p, obj)).toBe(-19);
    expect(obj.postUnpatchEnabled).toBe(false);
    lpParams(m).pre_patch_ret = 0;
    expect(klpPrePatchCallback(m.k, p, obj)).toBe(0);
    expect(obj.postUnpatchEnabled).toBe(true);
    klpPostUnpatchCallback(m.k, p, obj);
    klpPostUnpatchCallback(m.k, p, obj);
    const log = logOf([m.k.emit('wakeup', NO_ARGS)]);
    expect(log.filter((l) => l === 'lp: post_unpatch_callback: vmlinux')).toHaveLength(1);
  });

  it('run in the kernel order around enable and disable, for loaded objects only', () => {
    const r = run({
      modules: [target, demo([CB, { name: 'tgt', funcs: [{ old: 'tgt_fn' }], callbacks: true }, { name: 'absent', funcs: [], callbacks: true }])],
      script: ['insmod tgt.ko', 'insmod demo.ko', 'wait demo', 'echo 0 > /sys/kernel/livepatch/demo/enabled', 'wait demo'],
    });
    expect(r.log).toEqual([
      '% insmod tgt.ko',
      'tgt: tgt_init',
      '% insmod demo.ko',
      "livepatch: enabling patch 'demo'",
      "livepatch: 'demo': initializing patching transition",
      'demo: pre_patch_callback: vmlinux',
      `demo: pre_patch_callback: ${LIVE}`,
      "livepatch: 'demo': starting patching transition",
      "livepatch: 'demo': completing patching transition",
      'demo: post_patch_callback: vmlinux',
      `demo: post_patch_callback: ${LIVE}`,
      "livepatch: 'demo': patching complete",
      '% echo 0 > /sys/kernel/livepatch/demo/enabled',
      "livepatch: 'demo': initializing unpatching transition",
      'demo: pre_unpatch_callback: vmlinux',
      `demo: pre_unpatch_callback: ${LIVE}`,
      "livepatch: 'demo': starting unpatching transition",
      "livepatch: 'demo': completing unpatching transition",
      'demo: post_unpatch_callback: vmlinux',
      `demo: post_unpatch_callback: ${LIVE}`,
      "livepatch: 'demo': unpatching complete",
    ]);
    expect(r.violations).toEqual([]);
  });

  it('a failing pre_patch of a later object cancels the enable; the earlier object gets its post_unpatch', () => {
    const r = run({
      modules: [target, demo([CB, { name: 'tgt', funcs: [], callbacks: true }], { pre_patch_ret: 0 })],
      script: ['insmod tgt.ko', 'insmod demo.ko pre_patch_ret=-16'],
    });
    expect(r.log.slice(2)).toEqual([
      '% insmod demo.ko pre_patch_ret=-16',
      "livepatch: enabling patch 'demo'",
      "livepatch: 'demo': initializing patching transition",
      'demo: pre_patch_callback: vmlinux',
      "livepatch: pre-patch callback failed for object 'vmlinux'",
      "livepatch: failed to enable patch 'demo'",
      "livepatch: 'demo': canceling patching transition, going to unpatch",
      "livepatch: 'demo': completing unpatching transition",
      "livepatch: 'demo': unpatching complete",
      'insmod: ERROR: could not insert module demo.ko: Device or resource busy',
    ]);
    const k = r.engine.kernel;
    expect(k.module('demo')?.loaded).toBe(false);
    expect(k.klp.patches).toEqual([]);
  });

  it('a reversal runs no pre_unpatch and no initializing line; post_unpatch runs at completion', () => {
    const r = run({
      functions: { tgt_fn: { object: 'tgt' } },
      modules: [{ ...target, params: { block: true }, work: { function: 'tgt_fn', enter: 'enter', exit: 'exit', blockParam: 'block' } }, demo([CB, { name: 'tgt', funcs: [{ old: 'tgt_fn' }], callbacks: true }])],
      script: ['insmod tgt.ko', 'insmod demo.ko', 'wait demo transition', 'sleep 2', 'echo 0 > /sys/kernel/livepatch/demo/enabled', 'wait demo'],
    });
    const after = r.log.slice(r.log.indexOf('% echo 0 > /sys/kernel/livepatch/demo/enabled'));
    expect(after).toEqual([
      '% echo 0 > /sys/kernel/livepatch/demo/enabled',
      "livepatch: 'demo': reversing transition from patching to unpatching",
      "livepatch: 'demo': starting unpatching transition",
      "livepatch: 'demo': completing unpatching transition",
      'demo: post_unpatch_callback: vmlinux',
      `demo: post_unpatch_callback: ${LIVE}`,
      "livepatch: 'demo': unpatching complete",
    ]);
  });
});

describe('klp_module_coming / klp_module_going', () => {
  const def = {
    cpus: 1,
    functions: { tgt_fn: 'tgt' },
    targets: { tgt: ['tgt_fn'] },
    patches: [{ name: 'lp', funcs: ['tgt_fn'], object: 'tgt' }],
  } as const;

  it('an enabled patch applies the object at once: its funcs go straight to (1,0)', () => {
    const m = machine('mainline', def);
    const tgt = must(m.k.module('tgt'));
    tgt.loaded = true;
    const p = applied(m, 'lp');
    tgt.loaded = false;
    drain(klpModuleGoing(m.k, 'tgt'));
    tgt.loaded = true;
    tgt.state = 'coming';
    const { ret, events } = drain(klpModuleComing(m.k, 'tgt'));
    expect(ret).toBe(0);
    expect(logOf(events)).toEqual(["livepatch: applying patch 'lp' to loading module 'tgt'"]);
    const f = m.funcs(p)[0]!;
    expect([f.patched, f.transition]).toEqual([true, false]);
    expect(m.k.klp.funcStack[f.oldFn]).toEqual([f.id]);
  });

  it('going reverts the object: pre_unpatch unless in transition, then the notice', () => {
    const m = machine('mainline', def);
    const tgt = must(m.k.module('tgt'));
    tgt.loaded = true;
    const p = applied(m, 'lp');
    tgt.loaded = false;
    tgt.state = 'going';
    const { events } = drain(klpModuleGoing(m.k, 'tgt'));
    expect(logOf(events)).toEqual(["livepatch: reverting patch 'lp' on unloading module 'tgt'"]);
    expect(p.objects[0]!.patched).toBe(false);
    expect(m.k.klp.funcStack[m.fn('tgt_fn')]).toBeUndefined();
  });

  it('a failing pre_patch refuses the module and reverts the patches applied to it before', () => {
    const r = run({
      modules: [target, { name: 'a', livepatch: { objects: [{ name: 'tgt', funcs: [], callbacks: true }] } }, { name: 'b', params: { pre_patch_ret: 0 }, livepatch: { objects: [{ name: 'tgt', funcs: [], callbacks: true }] } }],
      script: ['insmod a.ko', 'wait a', 'insmod b.ko', 'wait b', 'echo -22 > /sys/module/b/parameters/pre_patch_ret', 'insmod tgt.ko', 'check /sys/kernel/livepatch/a/tgt/patched 0'],
    });
    const COMING = 'tgt -> [MODULE_STATE_COMING] Full formed, running module_init';
    expect(r.log.slice(r.log.indexOf('% insmod tgt.ko'))).toEqual([
      '% insmod tgt.ko',
      "livepatch: applying patch 'a' to loading module 'tgt'",
      `a: pre_patch_callback: ${COMING}`,
      `a: post_patch_callback: ${COMING}`,
      "livepatch: applying patch 'b' to loading module 'tgt'",
      `b: pre_patch_callback: ${COMING}`,
      "livepatch: pre-patch callback failed for object 'tgt'",
      "livepatch: patch 'b' failed for module 'tgt', refusing to load module 'tgt'",
      `a: pre_unpatch_callback: ${COMING}`,
      "livepatch: reverting patch 'a' on unloading module 'tgt'",
      `a: post_unpatch_callback: ${COMING}`,
      'insmod: ERROR: could not insert module tgt.ko: Invalid parameters',
    ]);
    expect(r.engine.kernel.module('tgt')?.loaded).toBe(false);
  });

  it('an object of a module the scenario never declares stays unpatched, its callbacks never run', () => {
    const r = run({
      modules: [demo([CB, { name: 'ghost', funcs: [{ old: 'ghost_fn' }], callbacks: true }])],
      script: ['insmod demo.ko', 'wait demo', 'check /sys/kernel/livepatch/demo/ghost/patched 0', 'check /sys/kernel/livepatch/demo/vmlinux/patched 1'],
    });
    expect(r.log.some((l) => l.includes('ghost'))).toBe(false);
    expect(r.engine.kernel.world.fnObject[r.engine.kernel.world.fnId('ghost_fn')]).toBe('ghost');
    expect(r.violations).toEqual([]);
  });
});

describe('atomic replace', () => {
  const two = {
    cpus: 1,
    patches: [
      { name: 'old', funcs: ['cmdline_proc_show', 'meminfo_proc_show'] },
      { name: 'new', funcs: ['cmdline_proc_show'] },
    ],
  } as const;

  it('klp_add_nops: a nop for every function an older patch changes and the new one does not', () => {
    const m = machine('mainline', two);
    applied(m, 'old');
    const p = m.patch('new');
    klpAddNops(m.k, p);
    const funcs = m.funcs(p);
    expect(funcs.map((f) => [f.oldName, f.nop === true])).toEqual([
      ['cmdline_proc_show', false],
      ['meminfo_proc_show', true],
    ]);
    expect(versionOf(funcs[1])).toBe(ORIGINAL);
  });

  it('a replace patch leaves every function on its version or the original, frees the old patch without callbacks', () => {
    const r = run({
      modules: [
        { name: 'old', livepatch: { objects: [{ name: 'vmlinux', callbacks: true, funcs: [{ old: 'cmdline_proc_show', output: 'old' }, { old: 'meminfo_proc_show', output: 'old' }] }] } },
        { name: 'new', params: { replace: 0 }, livepatch: { replace: 'replace', objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'new' }] }] } },
      ],
      script: ['insmod old.ko', 'wait old', 'insmod new.ko replace=1', 'wait new', 'cat /proc/cmdline', 'cat /proc/meminfo', 'rmmod old', 'check /sys/kernel/livepatch/new/stack_order 1', 'check /sys/kernel/livepatch/new/replace 1'],
    });
    expect(r.stdout).toEqual(['new: new', 'MemTotal:       24576000 kB']);
    expect(r.log.filter((l) => l.startsWith('old: '))).toEqual(['old: pre_patch_callback: vmlinux', 'old: post_patch_callback: vmlinux']);
    expect(r.log).not.toContain('rmmod: ERROR: Module old is in use');
    expect(r.log.some((l) => l.startsWith('check:'))).toBe(false);
    const k = r.engine.kernel;
    expect(k.klp.patches.map((id) => k.klp.all[id]!.mod)).toEqual(['new']);
    expect(k.klp.funcs.filter((f) => f.nop === true && f.patched)).toEqual([]);
    expect(r.violations).toEqual([]);
  });

  it('during the replace transition an unswitched task runs the old patch, a switched one the original through the nop', () => {
    const m = machine('mainline', { ...two, tasks: [{ comm: 'a' }, { comm: 'b' }] });
    applied(m, 'old');
    const k = m.k;
    const p = m.patch('new');
    Object.assign(p, { replace: true });
    klpAddNops(k, p);
    m.k.klp.requested = 1;
    drain(klpInitTransition(k, p, 1));
    for (const o of p.objects) expect(klpPatchObject(k, o)).toBe(0);
    drain(klpStartTransition(k));
    const meminfo = m.fn('meminfo_proc_show');
    k.tasks.patchState[m.task('b')] = 1;
    const oldFunc = m.funcs(m.patch('old'))[1];
    expect(resolveVersion(k, m.task('a'), meminfo)).toBe(versionOf(oldFunc));
    expect(resolveVersion(k, m.task('b'), meminfo)).toBe(ORIGINAL);
  });
});

describe('module work items', () => {
  const busy = { name: 'busy', functions: ['busy_fn'], params: { block: false }, init: ['busy_init'], exit: ['busy_exit'], work: { function: 'busy_fn', enter: 'busy_fn enter', exit: 'busy_fn exit', blockParam: 'block' } };

  it('a work that does not block enters and returns before insmod does', () => {
    const r = run({ modules: [busy], script: ['insmod busy.ko', 'rmmod busy'] });
    expect(r.log).toEqual(['% insmod busy.ko', 'busy: busy_init', 'busy: busy_fn enter', 'busy: busy_fn exit', '% rmmod busy', 'busy: busy_exit']);
  });

  it('a blocking work stays in its function, stalls a patch of it, and returns when its parameter is cleared', () => {
    const r = run({
      modules: [busy, { name: 'lp', livepatch: { objects: [{ name: 'busy', funcs: [{ old: 'busy_fn' }] }] } }],
      script: ['insmod busy.ko block=1', 'insmod lp.ko', 'sleep 3', 'cat /sys/kernel/livepatch/lp/transition', 'echo 0 > /sys/module/busy/parameters/block', 'wait lp', 'rmmod busy'],
    });
    expect(r.stdout).toEqual(['1']);
    expect(r.log).toContain('busy: busy_fn enter');
    const i = r.log.indexOf('% echo 0 > /sys/module/busy/parameters/block');
    expect(r.log[i + 1]).toBe('busy: busy_fn exit');
    expect(r.log).toContain("livepatch: 'lp': patching complete");
    expect(r.log.slice(-3)).toEqual(['% rmmod busy', 'busy: busy_exit', "livepatch: reverting patch 'lp' on unloading module 'busy'"]);
    const k = r.engine.kernel;
    expect(k.tasks.comm[must(k.module('busy')).worker]).toBe('kworker/0:2');
    expect(r.violations).toEqual([]);
  });

  it('rmmod clears the parameter and waits for the work: its own worker does not make the module busy', () => {
    const r = run({ modules: [busy], script: ['insmod busy.ko block=1', 'sleep 1', 'rmmod busy'] });
    expect(r.log.slice(-3)).toEqual(['% rmmod busy', 'busy: busy_fn exit', 'busy: busy_exit']);
  });

  it('at the task cap the kworker cannot be created: the work never runs, the kernel says so, and the task count stays at the cap', () => {
    const tasks = Engine.load({ format: 'klpscope/1', kernel: 'mainline', machine: { cpus: 2 }, modules: [busy] }).kernel.tasks.count;
    const r = run({ modules: [busy], script: ['insmod busy.ko block=1', 'sleep 1', 'rmmod busy'] }, 200_000, tasks);
    expect(r.log).toEqual(['% insmod busy.ko block=1', 'busy: busy_init', 'workqueue: Failed to create a worker thread: -EAGAIN', '% rmmod busy', 'busy: busy_exit']);
    const k = r.engine.kernel;
    expect(k.tasks.count).toBe(tasks);
    expect(must(k.module('busy')).worker).toBe(-1);
    // One task more and it is created as before.
    const ok = run({ modules: [busy], script: ['insmod busy.ko', 'rmmod busy'] }, 200_000, tasks + 1);
    expect(ok.log).toContain('busy: busy_fn enter');
    expect(ok.engine.kernel.tasks.count).toBe(tasks + 1);
  });
});

describe('check', () => {
  it('logs nothing when the file reads the value, and says what it read when not', () => {
    const r = run({ script: ['check /proc/cmdline nope', "check /proc/cmdline 'BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro'"] });
    expect(r.log).toEqual(['check: /proc/cmdline: expected nope, read BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro']);
  });

  it('v4.12 has no replace, stack_order or OBJ/patched files', () => {
    const r = run({
      kernel: 'v4.12',
      modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show' }] }] } }],
      script: ['insmod lp.ko', 'cat /sys/kernel/livepatch/lp/stack_order', 'cat /sys/kernel/livepatch/lp/replace', 'cat /sys/kernel/livepatch/lp/vmlinux/patched'],
    });
    expect(r.log.filter((l) => l.startsWith('cat:'))).toEqual([
      'cat: /sys/kernel/livepatch/lp/stack_order: No such file or directory',
      'cat: /sys/kernel/livepatch/lp/replace: No such file or directory',
      'cat: /sys/kernel/livepatch/lp/vmlinux/patched: No such file or directory',
    ]);
  });
});
