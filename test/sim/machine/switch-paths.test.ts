// Where tasks switch outside the stack check (spec/kernel-model.md §3): the
// return to user space, the idle loop, fork; and the shell's own commands.
import { describe, it, expect } from 'vitest';
import { NO_ARGS } from '../../../src/sim/events.ts';
import { klpTryCompleteTransition } from '../../../src/sim/livepatch/transition.ts';
import { idleTask } from '../../../src/sim/machine/cpus.ts';
import { cpuTimer, exitToUser, forkTask, idleEnter, shellTask, wakeUpProcess } from '../../../src/sim/machine/sched.ts';
import { Resume, Sched, TaskKind } from '../../../src/sim/machine/tasks.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../../src/sim/types.ts';
import type { TaskId } from '../../../src/sim/types.ts';
import { begin, drain, machine, runScenario, VARIANTS } from '../helpers.ts';
import type { MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  cpus: 2,
  functions: { foo: 'vmlinux' },
  tasks: [
    { comm: 'u', blockedIn: 'pipe_read', syscalls: ['read_pipe'] },
    { comm: 'kt', loop: ['kthread', 'foo'] },
  ],
  patches: [{ name: 'p1', funcs: ['foo', 'pipe_read'] }],
};

describe('return to user space', () => {
  for (const v of VARIANTS) {
    it(`${v}: exit_to_user takes the pending state with no stack check, after the kernel frames are gone`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const u = m.task('u'); // asleep in the original pipe_read, which p1 replaces
      expect(m.k.tasks.depth[u]).toBeGreaterThan(0);
      expect(exitToUser(m.k, u)).toBe(true);
      expect(m.k.tasks.depth[u]).toBe(0);
      expect([m.k.tasks.patchState[u], m.k.tasks.tif[u]]).toEqual([KLP_PATCHED, 0]);
      // No kernel frame left: no mixing, nothing to report.
      expect(m.k.emit('wakeup', NO_ARGS).violations).toEqual([]);
    });

    it(`${v}: a task woken in a system call finishes it and switches on its way out`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const u = m.task('u');
      expect(wakeUpProcess(m.k, u)).toBe(true);
      const cpu = m.k.tasks.cpu[u]!;
      expect(m.k.cpus.curr[cpu]).toBe(u);
      const { events } = drain(cpuTimer(m.k, cpu));
      expect(events.map((e) => e.fn)).toEqual(['klp_update_patch_state']);
      expect(events[0]!.livepatch).toBe(true);
      expect(events[0]!.switches).toEqual([{ task: u, from: KLP_UNPATCHED, to: KLP_PATCHED }]);
      expect(m.k.tasks.resume[u]).toBe(Resume.UserBurst);
      expect(m.k.tasks.depth[u]).toBe(0);
    });

    it(`${v}: nothing to take when no flag is set`, () => {
      const m = machine(v, DEF);
      const u = m.task('u');
      expect(exitToUser(m.k, u)).toBe(false);
      expect(m.k.tasks.patchState[u]).toBe(KLP_UNDEFINED);
    });
  }

  it('the shell switches when it returns from its own command', () => {
    // psys replaces do_syscall_64, which the shell is inside while it runs insmod: its check fails.
    const m = machine('v4.12', { ...DEF, patches: [{ name: 'psys', funcs: ['do_syscall_64'] }], script: ['insmod psys.ko'] });
    const events: { fn: string; task?: TaskId; n: number }[] = [];
    m.engine.run({ until: (e) => (events.push({ fn: e.fn, task: e.task, n: e.switches.length }), e.fn === 'klp_update_patch_state' && e.task === shellTask(m.k)), maxSteps: 50 });
    const last = events.at(-1);
    expect(last?.fn).toBe('klp_update_patch_state');
    expect(last?.task).toBe(shellTask(m.k));
    expect(m.k.tasks.patchState[shellTask(m.k)]).toBe(KLP_PATCHED);
  });
});

describe('the idle loop', () => {
  for (const v of VARIANTS) {
    it(`${v}: at the end of do_idle() a flagged idle task switches`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const { events } = drain(idleEnter(m.k, 1, false));
      expect(events.map((e) => e.fn)).toEqual(['klp_update_patch_state']);
      expect(events[0]!.switches).toEqual([{ task: idleTask(1), from: KLP_UNPATCHED, to: KLP_PATCHED }]);
      expect(m.k.tasks.tif[idleTask(1)]).toBe(0);
    });

    it(`${v}: nothing happens for an idle task that is not running, or has no flag`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      m.k.cpus.curr[1] = m.task('kt');
      expect(drain(idleEnter(m.k, 1, false)).events).toEqual([]);
      expect(m.k.tasks.patchState[idleTask(1)]).toBe(KLP_UNPATCHED);
      m.k.cpus.curr[1] = idleTask(1);
      m.k.tasks.tif[idleTask(1)] = 0;
      m.k.tasks.tifCount--;
      expect(drain(idleEnter(m.k, 1, false)).events).toEqual([]);
      expect(m.k.tasks.patchState[idleTask(1)]).toBe(KLP_UNPATCHED);
    });
  }

  it('mainline kicks a running idle task (wake_up_if_idle) when its check fails; v4.12 does not', () => {
    for (const v of ['mainline', 'v4.12'] as const) {
      const m = machine(v, { ...DEF, tasks: [] });
      const p = begin(m, 'p1', KLP_PATCHED);
      p.enabled = true;
      drain(klpTryCompleteTransition(m.k));
      expect(m.k.klp.transitionPatch, v).toBe(p.id); // both swappers were running
      // Step the engine to the retry work: mainline's kicks switch both idle tasks first.
      const now = m.k.now;
      const kicks: number[] = [];
      m.engine.run({
        until: (e) => {
          if (e.kind === 'idle-switch' && e.args.kicked) kicks.push(e.time);
          return e.fn === 'klp_transition_work_fn';
        },
        maxSteps: 200,
      });
      if (v === 'mainline') {
        expect(kicks).toEqual([now, now]);
        expect([m.k.tasks.patchState[idleTask(0)], m.k.tasks.patchState[idleTask(1)]]).toEqual([KLP_PATCHED, KLP_PATCHED]);
      } else expect(kicks).toEqual([]);
    }
  });
});

describe('fork', () => {
  for (const v of VARIANTS) {
    it(`${v}: the child inherits the parent's state and flag, and switches on its first return to user space`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const u = m.task('u');
      const child = forkTask(m.k, u);
      expect(m.k.tasks.kind[child]).toBe(TaskKind.User);
      expect([m.k.tasks.patchState[child], m.k.tasks.tif[child]]).toEqual([KLP_UNPATCHED, 1]);
      expect(m.k.tasks.resume[child]).toBe(Resume.RetFromFork);
      expect(m.k.tasks.sched[child]).not.toBe(Sched.Sleeping);
      const cpu = m.k.tasks.cpu[child]!;
      expect(m.k.cpus.curr[cpu]).toBe(child);
      const { events } = drain(cpuTimer(m.k, cpu));
      expect(events.map((e) => e.fn)).toEqual(['klp_update_patch_state']);
      expect(events[0]!.switches).toEqual([{ task: child, from: KLP_UNPATCHED, to: KLP_PATCHED }]);
    });

    it(`${v}: a child forked after its parent switched starts switched, with no flag`, () => {
      const m = machine(v, DEF);
      begin(m, 'p1', KLP_PATCHED);
      const u = m.task('u');
      exitToUser(m.k, u);
      const child = forkTask(m.k, u);
      expect([m.k.tasks.patchState[child], m.k.tasks.tif[child]]).toEqual([KLP_PATCHED, 0]);
    });
  }

  it('the shell\'s `fork` command forks through klp_copy_process', () => {
    const m = machine('mainline', { ...DEF, script: ['insmod p1.ko', 'fork kt'] });
    m.engine.run({ until: () => m.tasksNamed('kt').length === 2, maxSteps: 200 });
    const [kt, child] = m.tasksNamed('kt');
    expect(child).toBeDefined();
    expect(m.k.tasks.patchState[child!]).toBe(m.k.tasks.patchState[kt!]);
    expect(m.k.tasks.tif[child!]).toBe(m.k.tasks.tif[kt!]);
  });
});

describe('a whole transition through these paths', () => {
  for (const v of VARIANTS) {
    it(`${v}: user tasks, a sleeping kthread and the idle tasks all reach the target and it completes`, () => {
      const r = runScenario(v, {
        cpus: 2,
        tasks: [
          { comm: 'u', kind: 'user', syscalls: ['getpid', 'read_cmdline'], count: 3 },
          { comm: 'kt', loop: ['kthread', 'worker_thread'] },
        ],
        script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'cat /proc/cmdline'],
      });
      expect(r.log).toContain("livepatch: 'test_klp_livepatch': patching complete");
      expect(r.log).not.toContain('wait: timed out waiting for test_klp_livepatch');
      expect(r.stdout).toEqual(['test_klp_livepatch: this has been live patched']);
      expect(r.violations.filter((x) => x.givenUp === undefined)).toEqual([]);
      const byFn = (fn: string) => r.events.filter((e) => e.fn === fn && e.switches.length > 0);
      // User tasks on their way out, the kthread by a stack check.
      expect(byFn('klp_update_patch_state').length).toBeGreaterThan(0);
      const kt = r.engine.kernel.tasks.comm.indexOf('kt');
      expect(byFn('klp_try_switch_task').some((e) => e.switches.some((s) => s.task === kt))).toBe(true);
      const k = r.engine.kernel;
      for (let t = 0; t < k.tasks.count; t++) expect(k.tasks.patchState[t]).toBe(KLP_UNDEFINED);
    });
  }
});

describe('shell actions', () => {
  it('mainline: `echo 0 > .../enabled` during the enable reverses it, and the patch is freed at the end', () => {
    const m = machine('mainline', { ...DEF, script: ['insmod p1.ko'] });
    m.engine.run({ until: () => m.engine.scriptDone, maxSteps: 500 });
    const p = m.k.klp.all[0]!;
    expect(m.k.klp.transitionPatch).toBe(p.id); // kt sleeps in foo, u in pipe_read
    m.engine.act('echo 0 > /sys/kernel/livepatch/p1/enabled');
    const log: string[] = [];
    m.engine.run({ until: (e) => (log.push(...e.log.map((l) => l.text)), m.engine.settled), maxSteps: 20_000 });
    expect(log.slice(0, 3)).toEqual([
      '% echo 0 > /sys/kernel/livepatch/p1/enabled',
      "livepatch: 'p1': reversing transition from patching to unpatching",
      "livepatch: 'p1': starting unpatching transition",
    ]);
    expect(log).toContain("livepatch: 'p1': unpatching complete");
    expect(p.registered).toBe(false);
    expect(m.k.klp.funcStack[m.fn('foo')]).toBeUndefined();
  });

  it('v4.12 has no `force` attribute', () => {
    const m = machine('v4.12', { ...DEF, script: ['insmod p1.ko', 'echo 1 > /sys/kernel/livepatch/p1/force'] });
    const log: string[] = [];
    m.engine.run({ until: (e) => (log.push(...e.log.map((l) => l.text)), m.engine.scriptDone), maxSteps: 500 });
    expect(log).toContain('sh: /sys/kernel/livepatch/p1/force: Permission denied');
    expect(log).not.toContain('livepatch: forcing remaining tasks to the patched state');
  });
});
