// "What if" demos: each takes one safeguard out of the kernel (whatIf in
// the scenario; src/sim/search/whatIf.ts says what each is for and where
// the kernel has it). With the scenario's own seed nothing goes wrong: the
// tour explains what the safeguard guards against, and "Find a
// counterexample" searches the choices for the run that breaks. The last
// demo is the seed's own bug, with the order of its two patches left open.
// test/sim/search/demos.test.ts checks that the seed's run is clean, that
// the search finds the violation named here, and that without the switch
// the same bounds find none.
import type { InvariantId } from '../../types.ts';
import type { Preset } from './preset.ts';

/** What the search finds in a demo, and the bounds it needs. */
export interface WhatIfDemo {
  readonly preset: Preset;
  /** The guarantee the search finds broken. */
  readonly invariant: InvariantId;
  /** Changed choices of the shortest counterexample by hand (none is shorter: the search tries every single change first). */
  readonly handMade: number;
  readonly maxDepth: number;
}

const NOT_REAL = 'Not the real kernel:';

const SLOW_READ = { chain: ['do_syscall_64', 'ksys_read', 'vfs_read', 'seq_read_iter', 'cmdline_proc_show'], sleepIn: 'cmdline_proc_show' } as const;

export const WHATIF_PREV: Preset = {
  id: 'whatif-prev-version',
  title: 'What if the stack check looked for the wrong version?',
  question: 'Why does the stack check look for the version a task runs now, and not for the new function?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'What if: no previous-version check',
    description: `${NOT_REAL} the switch no-previous-version-check makes klp_check_stack_func look for the new cmdline_proc_show, which no unswitched task runs, instead of the original. reader sometimes sleeps inside cmdline_proc_show (slow_cmdline). With this seed it is never asleep there at a pass, so nothing goes wrong; Find a counterexample searches for the run where it is.`,
    kernel: 'mainline',
    seed: 2,
    machine: { cpus: 2 },
    syscalls: { slow_cmdline: { ...SLOW_READ, sleepMs: [20, 200] } },
    tasks: [{ comm: 'reader', syscalls: ['getpid', 'slow_cmdline'], userMs: [5, 100] }],
    script: ['sleep 0..0.3', 'insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'cat /proc/cmdline'],
    whatIf: ['no-previous-version-check'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'This kernel has a safeguard taken out. A task may switch to the new code only if it is not inside the code it ran so far; here the stack check looks for the new function instead, which nobody unswitched runs.',
      expect: [{ kind: 'log', includes: 'enabling patch', present: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_start_transition' },
      text: 'Every task is flagged. reader is in user space or between calls right now, so no stack holds cmdline_proc_show and the wrong check does no harm this time.',
      spotlight: { tasks: ['reader'] },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The transition completes without a broken guarantee: with this seed, no pass found reader asleep inside the original cmdline_proc_show.',
      expect: [{ kind: 'log', includes: 'patching complete', present: true }],
    },
    {
      when: { kind: 'settled' },
      text: 'Now press Find a counterexample. The search changes a choice so that reader sleeps in the original cmdline_proc_show at a pass: it switches anyway, and wakes up inside old code with its calls going to new code (invariant 5).',
      expect: [{ kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const WHATIF_IDLE: Preset = {
  id: 'whatif-skip-idle',
  title: 'What if the transition skipped the idle tasks?',
  question: 'Why does klp_try_complete_transition walk the idle task of every CPU?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'What if: idle tasks skipped',
    description: `${NOT_REAL} the switch skip-idle-tasks removes the walk of the idle tasks from klp_try_complete_transition. Idle tasks then switch only at the end of do_idle(). cruncher keeps CPU 1 busy for long stretches; with this seed both CPUs go idle before the transition completes, so nothing goes wrong. Find a counterexample searches for the run where a CPU stays busy.`,
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'slowcat', syscalls: ['read_cmdline'], blockedIn: 'cmdline_proc_show' },
      { comm: 'cruncher', syscalls: ['nanosleep'], userMs: [50, 1500] },
    ],
    script: ['sleep 0..0.5', 'insmod test_klp_livepatch.ko', 'sleep 0.5', 'wake slowcat', 'wait test_klp_livepatch'],
    whatIf: ['skip-idle-tasks'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'This kernel has a safeguard taken out. Idle tasks are not on the task list, so the kernel walks them separately, one per CPU; here that walk is gone.',
      expect: [{ kind: 'log', includes: 'enabling patch', present: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_complete_transition' },
      text: 'The first pass checks every task on the list but no idle task. slowcat is asleep in the patched function, so the transition waits anyway.',
      spotlight: { tasks: ['slowcat'] },
      expect: [{ kind: 'task', comm: 'slowcat', patchState: 0 }],
    },
    {
      when: { kind: 'switch', comm: 'swapper/1', to: 1 },
      text: 'CPU 1 ran out of work: at the end of do_idle() its idle task switches itself. A CPU that stays busy never gets here.',
      spotlight: { cpu: 1 },
      expect: [{ kind: 'task', comm: 'swapper/1', patchState: 1 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'With this seed both idle tasks had switched before the transition completed. Press Find a counterexample: the search keeps cruncher busy on CPU 1, and the transition completes with swapper/1 not switched (invariant 4).',
      expect: [{ kind: 'log', includes: 'patching complete', present: true }],
    },
  ],
};

export const WHATIF_FORK: Preset = {
  id: 'whatif-fork',
  title: 'What if a forked child did not inherit its parent\'s state?',
  question: 'Why does klp_copy_process give a child its parent\'s patch_state?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'What if: fork without inheritance',
    description: `${NOT_REAL} the switch no-fork-inherit makes klp_copy_process start a child at the target state, whatever its parent's. The script forks both servers a few milliseconds after the patch is enabled. With this seed both parents have switched by then, so nothing goes wrong; Find a counterexample searches for a fork from a parent that has not.`,
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [{ comm: 'server', count: 2, syscalls: ['getpid'], userMs: [2, 30] }],
    script: ['insmod test_klp_livepatch.ko', 'sleep 0..0.01', 'fork server', 'wait test_klp_livepatch'],
    whatIf: ['no-fork-inherit'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'This kernel has a safeguard taken out. A child is a copy of its parent, in the middle of the parent\'s fork call; here it starts at the target state instead of its parent\'s.',
      expect: [{ kind: 'log', includes: 'enabling patch', present: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'server' },
      text: 'The first pass reaches the servers. One that is running on CPU 1 cannot be checked and stays unpatched until its next return to user space.',
      spotlight: { tasks: ['server'] },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }],
    },
    {
      when: { kind: 'event', fn: 'shell', comm: 'sh' },
      text: 'The script sleeps a few milliseconds, a delay it leaves open, then forks both servers.',
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'With this seed both parents had switched before the fork, so their children were right to start patched. Press Find a counterexample: with no delay, a child of the unswitched server starts patched while its parent is not (invariant 9).',
      expect: [{ kind: 'log', includes: 'patching complete', present: true }],
    },
  ],
};

export const WHATIF_WMB: Preset = {
  id: 'whatif-init-wmb',
  title: 'What if klp_init_transition had no write barrier?',
  question: 'Why is there an smp_wmb() between the tasks\' initial patch_state and func->transition?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'What if: no barrier in klp_init_transition',
    description: `${NOT_REAL} the switch no-init-wmb removes the smp_wmb() of klp_init_transition: a CPU that has not scheduled since may see func->transition set and still read the task's patch_state as KLP_UNDEFINED. Whether it does is a race the search chooses; the seed never takes it, so nothing goes wrong. Find a counterexample takes it.`,
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [{ comm: 'bash', count: 2, syscalls: ['read_cmdline'], userMs: [1, 3] }],
    script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch'],
    whatIf: ['no-init-wmb'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'This kernel has a safeguard taken out. klp_init_transition writes every task\'s initial patch_state, then marks the funcs in transition; without the barrier between, another CPU may see the two writes in the other order.',
      expect: [{ kind: 'log', includes: 'enabling patch', present: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_init_transition' },
      text: 'Every task is now unpatched and cmdline_proc_show is in transition. bash on CPU 1 is in the middle of its time slice and reads /proc/cmdline often.',
      spotlight: { tasks: ['bash'] },
      expect: [{ kind: 'counts', undefined: 0 }],
    },
    {
      when: { kind: 'switch', comm: 'bash', to: 1 },
      text: 'The bash tasks switch one after the other; every call of cmdline_proc_show so far read a defined patch_state.',
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'With the seed\'s choices no CPU read a stale state. Press Find a counterexample: the search lets CPU 1 read patch_state before the init, so the ftrace handler sees KLP_UNDEFINED and warns (invariant 6).',
      expect: [{ kind: 'log', includes: 'patching complete', present: true }],
    },
  ],
};

export const WHATIF_SYNC: Preset = {
  id: 'whatif-complete-sync',
  title: 'What if klp_complete_transition did not synchronise?',
  question: 'Why does klp_complete_transition wait for every CPU after it takes the funcs off the func_stack?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'What if: no synchronisation in klp_complete_transition',
    description: `${NOT_REAL} the switch no-complete-sync removes klp_synchronize_transition() after klp_unpatch_objects(): a task running on another CPU may still be inside the ftrace handler with the func it read before the removal. Whether one is, is a race the search chooses; the seed never takes it, so nothing goes wrong. Find a counterexample takes it.`,
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [{ comm: 'bash', count: 2, syscalls: ['read_cmdline', 'nanosleep'], userMs: [20, 60] }],
    script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled', 'wait test_klp_livepatch'],
    whatIf: ['no-complete-sync'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'This kernel has a safeguard taken out. Unpatching takes the patch\'s funcs off their func_stacks and then waits until every CPU has scheduled, so that no ftrace handler still holds one; here it does not wait.',
      expect: [{ kind: 'log', includes: 'enabling patch', present: false }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The patch is in: calls of cmdline_proc_show go to the new function.',
      expect: [{ kind: 'log', includes: 'patching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'starting unpatching transition' },
      text: 'The script disables the patch. Once every task is back to unpatched, klp_complete_transition removes the func from the func_stack.',
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }],
    },
    {
      when: { kind: 'log', includes: 'unpatching complete' },
      text: 'With the seed\'s choices no handler was in flight. Press Find a counterexample: the search lets bash on the other CPU be inside the handler at that moment, and it runs the patch\'s code after the unpatch completed (invariant 7).',
      expect: [{ kind: 'log', includes: 'unpatching complete', present: true }],
    },
  ],
};

const LP_A = { name: 'lp_a', livepatch: { immediate: true, objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'patch A' }] }] } };
const LP_B = { name: 'lp_b', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'patch B' }] }] } };

export const RFC_ORDER: Preset = {
  id: 'bug-order-open',
  title: 'The RFC v2 bug, with the order of the two patches left open',
  question: 'Does the RFC v2 bug need a particular order of a normal and an immediate patch?',
  kernel: 'rfc-v2',
  scenario: {
    format: 'klpscope/1',
    name: 'rfc-v2: the seed\'s bug, the order of its patches left open',
    description:
      'The real RFC v2 (no switch). The script enables the normal patch lp_b, sleeps a delay it leaves open (0 to 3 s), then enables the immediate patch lp_a and disables it again. worker keeps reading /proc/cmdline, so lp_b\'s transition takes a while. With this seed lp_a comes while lp_b is still in transition and is refused, and nothing goes wrong; Find a counterexample finds the order in which lp_b completes first, and case B of the bug.',
    kernel: 'rfc-v2',
    seed: 5,
    machine: { cpus: 2 },
    syscalls: { slow_cmdline: { ...SLOW_READ, sleepMs: [300, 1500] } },
    tasks: [{ comm: 'worker', syscalls: ['slow_cmdline'], userMs: [1, 5] }],
    modules: [LP_A, LP_B],
    script: ['insmod lp_b.ko', 'sleep 0..3', 'insmod lp_a.ko', 'echo 0 > /sys/kernel/livepatch/lp_a/enabled', 'cat /proc/cmdline'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'RFC v2 as posted. Two patches replace cmdline_proc_show: lp_b is a normal one, lp_a an immediate one, and the script leaves open how long it waits between them.',
      expect: [{ kind: 'log', includes: 'enabling patch', present: false }],
    },
    {
      when: { kind: 'log', includes: "'lp_b': patching..." },
      text: 'lp_b\'s transition starts; worker is asleep inside cmdline_proc_show, so it has to wait.',
      spotlight: { tasks: ['worker'] },
      expect: [{ kind: 'global', name: 'klp_transition_patch', value: 'lp_b' }],
    },
    {
      when: { kind: 'log', includes: 'Device or resource busy' },
      text: 'With this seed the delay is short: lp_a comes while lp_b is still in transition and is refused. The disable that follows finds no lp_a.',
      expect: [{ kind: 'log', includes: 'could not insert module lp_a.ko', present: true }],
    },
    {
      when: { kind: 'settled' },
      text: 'Nothing went wrong in this order. Press Find a counterexample: with the long delay lp_b completes first and leaves klp_target_state at KLP_PATCHED, and disabling lp_a then keeps its func (invariant 11), the seed\'s case B.',
      expect: [{ kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const WHATIF_DEMOS: readonly WhatIfDemo[] = [
  { preset: WHATIF_PREV, invariant: 5, handMade: 1, maxDepth: 400 },
  { preset: WHATIF_IDLE, invariant: 4, handMade: 2, maxDepth: 400 },
  { preset: WHATIF_FORK, invariant: 9, handMade: 1, maxDepth: 400 },
  { preset: WHATIF_WMB, invariant: 6, handMade: 1, maxDepth: 400 },
  { preset: WHATIF_SYNC, invariant: 7, handMade: 2, maxDepth: 400 },
  { preset: RFC_ORDER, invariant: 11, handMade: 1, maxDepth: 400 },
];

export const WHATIF_PRESETS: readonly Preset[] = WHATIF_DEMOS.map((d) => d.preset);
