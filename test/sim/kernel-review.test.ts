// The divergences a second review against the kernel sources found (issue 8,
// "Fixes"), each pinned by the behaviour the kernel has.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/sim/engine.ts';
import { EINVAL } from '../../src/sim/errno.ts';
import { enabledStore, klpModuleComing, klpModuleGoing } from '../../src/sim/livepatch/core.ts';
import { parseScenario } from '../../src/sim/scenario/schema.ts';
import { ScenarioError } from '../../src/sim/scenario/types.ts';
import type { SimEvent, Violation } from '../../src/sim/types.ts';
import { taskView } from '../../src/sim/view.ts';
import { applied, begin, drain, machine, VARIANTS } from './helpers.ts';

interface Ran {
  readonly engine: Engine;
  readonly events: SimEvent[];
  readonly log: string[];
  readonly violations: Violation[];
}

function runToEnd(doc: unknown, maxSteps = 200_000): Ran {
  const engine = Engine.load(doc);
  const events: SimEvent[] = [];
  for (let n = 0; n < maxSteps && !engine.settled && !engine.overtime; n++) {
    const e = engine.stepForward();
    if (e === undefined) break;
    events.push(e);
  }
  const log = events.flatMap((e) => e.log.filter((l) => !l.stdout).map((l) => l.text));
  return { engine, events, log, violations: events.flatMap((e) => e.violations) };
}

const errors = (r: Ran): Violation[] => r.violations.filter((v) => v.givenUp === undefined);

describe('mainline is the 2025 scheduler hook', () => {
  it('a CPU-bound kthread gets no self-check from cond_resched()', () => {
    const r = runToEnd({
      format: 'klpscope/1',
      kernel: 'mainline',
      machine: { cpus: 2 },
      tasks: [{ comm: 'busy', count: 2, kind: 'kthread', cpuBound: true }],
      modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show' }] }] } }],
      script: ['insmod lp.ko', 'wait lp'],
    });
    expect(r.events.some((e) => e.fn === 'klp_cond_resched')).toBe(false);
    // busy:5 has CPU 1 to itself: only a pass that finds it preempted by a kworker switches it.
    const busy = r.engine.kernel.tasks.pid.indexOf(5);
    const switchedBy = r.events.filter((e) => e.switches.some((s) => s.task === busy)).map((e) => e.fn);
    expect(switchedBy).toEqual(['klp_try_switch_task']);
  });
});

describe('force, then stack a second patch', () => {
  it('switches a forced task still inside the original: given up by force, not a violation', () => {
    const r = runToEnd({
      format: 'klpscope/1',
      kernel: 'mainline',
      machine: { cpus: 2 },
      tasks: [{ comm: 'app', blockedIn: 'do_nanosleep', syscalls: ['nanosleep'] }],
      modules: [
        { name: 'lp0', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'do_nanosleep' }] }] } },
        { name: 'lp1', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'do_nanosleep' }] }] } },
      ],
      script: ['insmod lp0.ko', 'sleep 2', 'echo 1 > /sys/kernel/livepatch/lp0/force', 'wait lp0', 'insmod lp1.ko', 'wait lp1'],
    });
    expect(r.log).toContain("livepatch: 'lp1': patching complete");
    expect(errors(r)).toEqual([]);
    expect(r.violations.some((v) => v.givenUp === 'force')).toBe(true);
  });
});

describe('a module in use cannot be removed', () => {
  it("refuses rmmod of a target while a task sleeps in the patch's replacement of its function", () => {
    const r = runToEnd({
      format: 'klpscope/1',
      kernel: 'mainline',
      machine: { cpus: 1 },
      functions: { tgt_wait: { object: 'tgt' } },
      syscalls: { tgt_read: { chain: ['do_syscall_64', 'tgt_wait'], sleepIn: 'tgt_wait', sleepMs: 'forever' } },
      tasks: [{ comm: 'app', syscalls: ['tgt_read'], userMs: [1, 1] }],
      modules: [
        { name: 'tgt', functions: ['tgt_wait'] },
        { name: 'lp', livepatch: { objects: [{ name: 'tgt', funcs: [{ old: 'tgt_wait' }] }] } },
      ],
      script: ['insmod tgt.ko', 'insmod lp.ko', 'wait lp', 'sleep 1', 'rmmod tgt'],
    });
    const k = r.engine.kernel;
    const app = k.tasks.comm.indexOf('app');
    expect(taskView(k, app as never)?.frames.at(-1)).toMatchObject({ fn: 'tgt_wait', version: 'lp' });
    expect(r.log).toContain('rmmod: ERROR: Module tgt is in use');
    expect(r.log.some((l) => l.startsWith('BUG:'))).toBe(false);
    expect(r.violations).toEqual([]);
  });
});

describe('kill of a kernel thread', () => {
  it('succeeds and does nothing: a kthread ignores SIGKILL', () => {
    const r = runToEnd({
      format: 'klpscope/1',
      kernel: 'v4.12',
      machine: { cpus: 2 },
      tasks: [{ comm: 'kt', kind: 'kthread', loop: ['kthread', 'do_nanosleep'], sleepMs: 'forever' }],
      modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'do_nanosleep' }] }] } }],
      script: ['insmod lp.ko', 'sleep 2', 'kill kt', 'sleep 3'],
    });
    const k = r.engine.kernel;
    const kt = k.tasks.comm.indexOf('kt');
    expect(k.tasks.sched[kt]).not.toBe(3);
    expect(k.klp.transitionPatch).toBeGreaterThanOrEqual(0);
    expect(r.log.filter((l) => l.startsWith('sh: kill'))).toEqual([]);
  });
});

describe('patching do_idle', () => {
  for (const kernel of ['v4.12', 'mainline'] as const) {
    it(`idle tasks switch at the tail of do_idle without a violation (${kernel})`, () => {
      const r = runToEnd({
        format: 'klpscope/1',
        kernel,
        machine: { cpus: 4 },
        tasks: [{ comm: 'app', count: 3, syscalls: ['getpid', 'nanosleep'] }],
        modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'do_idle' }] }] } }],
        script: ['insmod lp.ko', 'wait lp', 'sleep 1', 'echo 0 > /sys/kernel/livepatch/lp/enabled', 'wait lp'],
      });
      expect(r.log).toContain("livepatch: 'lp': unpatching complete");
      expect(r.violations).toEqual([]);
    });
  }
});

describe('one verdict for klp_try_switch_task and the inspector', () => {
  it('v4.12: a func-level immediate frame is not flagged as blocking', () => {
    const m = machine('v4.12', {
      cpus: 1,
      tasks: [{ comm: 'app', blockedIn: 'do_nanosleep', syscalls: ['nanosleep'] }],
      patches: [{ name: 'lp', funcs: [{ old: 'do_nanosleep', immediate: true }, 'cmdline_proc_show'] }],
    });
    begin(m, 'lp', 1);
    const v = taskView(m.k, m.task('app'));
    expect(v?.frames.find((f) => f.fn === 'do_nanosleep')?.blocking).toBe(false);
  });

  it('without a reliable unwinder the view does not promise a stack check', () => {
    const m = machine('mainline', { cpus: 1, reliableStacktrace: false, tasks: [{ comm: 'kt' }], patches: [{ name: 'lp', funcs: ['cmdline_proc_show'] }] });
    begin(m, 'lp', 1);
    const why = taskView(m.k, m.task('kt'))?.why ?? '';
    expect(why).not.toMatch(/next stack check switches it/);
    expect(why).toMatch(/reliable/);
  });

  it('rfc-v2: an offline CPU\'s idle task is not "switched directly"', () => {
    const m = machine('rfc-v2', { cpus: 2, offline: [1], patches: [{ name: 'lp', funcs: ['cmdline_proc_show'] }] });
    begin(m, 'lp', 1);
    const idle1 = 1 as never;
    const why = taskView(m.k, idle1)?.why ?? '';
    expect(why).not.toMatch(/switches its idle task directly/);
  });
});

describe('every call goes through the ftrace handler', () => {
  for (const kernel of ['v4.12', 'mainline'] as const) {
    it(`the shell's commands enter do_syscall_64 through the handler when it is patched (${kernel})`, () => {
      const r = runToEnd({
        format: 'klpscope/1',
        kernel,
        machine: { cpus: 2 },
        modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'do_syscall_64' }, { old: 'cmdline_proc_show', output: 'patched' }] }] } }],
        script: ['insmod lp.ko', 'cat /proc/cmdline', 'wait lp', 'cat /proc/cmdline', 'echo 0 > /sys/kernel/livepatch/lp/enabled', 'cat /proc/cmdline', 'wait lp', 'cat /proc/cmdline'],
      });
      expect(r.violations).toEqual([]);
    });
  }
});

describe('nothing runs in a module before it is loaded', () => {
  it("refuses a kthread whose loop names a module's function, naming the field", () => {
    const doc = {
      format: 'klpscope/1',
      functions: { mod_loop: { object: 'mod' } },
      tasks: [{ comm: 'kt', kind: 'kthread', loop: ['kthread', 'mod_loop'] }],
      modules: [{ name: 'mod', functions: ['mod_loop'] }],
    };
    expect(() => parseScenario(doc)).toThrow(ScenarioError);
    expect(() => parseScenario(doc)).toThrow(/tasks\[0\]\.loop\[1\].*mod/);
  });

  it("refuses a user task blocked in a module's function", () => {
    const doc = {
      format: 'klpscope/1',
      functions: { mod_wait: { object: 'mod' } },
      syscalls: { mod_read: { chain: ['do_syscall_64', 'mod_wait'], sleepIn: 'mod_wait' } },
      tasks: [{ comm: 'u', syscalls: ['mod_read'], blockedIn: 'mod_wait' }],
      modules: [{ name: 'mod', functions: ['mod_wait'] }],
    };
    expect(() => parseScenario(doc)).toThrow(/tasks\[0\]\.blockedIn/);
  });
});

describe('sysfs errors as a shell prints them', () => {
  it('a file the patch directory does not have: Permission denied', () => {
    const r = runToEnd({
      format: 'klpscope/1',
      kernel: 'v4.12',
      modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show' }] }] } }],
      script: ['insmod lp.ko', 'echo 1 > /sys/kernel/livepatch/lp/force', 'echo 1 > /sys/kernel/livepatch/lp/signal', 'wait lp'],
    });
    expect(r.log).toContain('sh: /sys/kernel/livepatch/lp/force: Permission denied');
    expect(r.log).toContain('sh: /sys/kernel/livepatch/lp/signal: Permission denied');
  });

  it('a patch directory that is gone: No such file or directory', () => {
    const r = runToEnd({
      format: 'klpscope/1',
      kernel: 'mainline',
      modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show' }] }] } }],
      script: ['echo 1 > /sys/kernel/livepatch/lp/enabled'],
    });
    expect(r.log).toContain('sh: /sys/kernel/livepatch/lp/enabled: No such file or directory');
  });
});

describe('untested paths', () => {
  it('klp_module_coming patches the new module for a patch in an unpatching transition', () => {
    const m = machine('mainline', {
      cpus: 1,
      functions: { tgt_fn: 'tgt' },
      targets: { tgt: ['tgt_fn'] },
      tasks: [{ comm: 'kt', loop: ['kthread', 'do_nanosleep'] }],
      patches: [{ name: 'lp', funcs: ['tgt_fn'], object: 'tgt' }],
    });
    const tgt = m.k.module('tgt');
    if (tgt === undefined) throw new Error('no module tgt');
    tgt.loaded = true;
    const p = applied(m, 'lp');
    // tgt leaves while lp is enabled, then lp's unpatching starts and stalls.
    tgt.loaded = false;
    drain(klpModuleGoing(m.k, 'tgt'));
    expect(p.objects[0]!.patched).toBe(false);
    p.enabled = false;
    begin(m, 'lp', 0);
    expect(m.k.klp.transitionPatch).toBe(p.id);
    tgt.loaded = true;
    const { events, ret } = drain(klpModuleComing(m.k, 'tgt'));
    expect(ret).toBe(0);
    expect(events.flatMap((e) => e.log.map((l) => l.text))).toContain("livepatch: applying patch 'lp' to loading module 'tgt'");
    expect(p.objects[0]!.patched).toBe(true);
    const f = m.funcs(p)[0]!;
    expect([f.patched, f.transition]).toEqual([true, true]);
  });

  for (const v of VARIANTS) {
    it(`enabled_store of the state the patch is already in is -EINVAL (${v})`, () => {
      const m = machine(v, { cpus: 1, patches: [{ name: 'lp', funcs: ['cmdline_proc_show'] }] });
      const p = applied(m, 'lp');
      expect(drain(enabledStore(m.k, p, '1')).ret).toBe(-EINVAL);
      expect(m.k.klp.transitionPatch).toBe(-1);
    });
  }
});
