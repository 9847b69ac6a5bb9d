// Presets of the v4.12 model: stacked patches, whose stack check looks one
// version down the func_stack, and `immediate`, which skips the per-task
// transition altogether.
import type { Preset } from './preset.ts';

export const STACKED_PATCHES: Preset = {
  id: 'stacked-patches',
  title: 'Stacked patches',
  question: 'When a second patch replaces the same function, which version does the stack check look for?',
  kernel: 'v4.12',
  scenario: {
    format: 'klpscope/1',
    name: 'Stacked patches: the stack check looks one version down',
    description:
      'lp_one and then lp_two replace pipe_read, so their funcs pile up on one func_stack. reader (pid 4) reads a pipe that never gets data. It holds lp_one\'s transition while asleep in the original pipe_read; once woken it switches and falls asleep again, now in lp_one\'s pipe_read. When lp_two is enabled, klp_check_stack_func looks for the version just below lp_two on the func_stack, lp_one\'s, and finds the reader (and the workers, asleep in lp_one\'s pipe_read too) inside it. Waking the reader lets lp_two complete. Finally, v4.12\'s stacking rule refuses to disable lp_one while lp_two, above it, is enabled.',
    kernel: 'v4.12',
    seed: 1,
    machine: { cpus: 2 },
    syscalls: { read_forever: { chain: ['do_syscall_64', 'ksys_read', 'vfs_read', 'pipe_read'], sleepIn: 'pipe_read', sleepMs: 'forever' } },
    tasks: [
      { comm: 'reader', syscalls: ['read_forever'], blockedIn: 'pipe_read' },
      { comm: 'worker', count: 2, syscalls: ['getpid', 'read_pipe'] },
    ],
    modules: [
      { name: 'lp_one', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }] }] } },
      { name: 'lp_two', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }] }] } },
    ],
    script: [
      'insmod lp_one.ko',
      'sleep 1.5',
      'wake reader',
      'wait lp_one',
      'insmod lp_two.ko',
      'sleep 2.5',
      'cat /sys/kernel/livepatch/lp_two/transition',
      'cat /proc/4/patch_state',
      'wake reader',
      'wait lp_two',
      'echo 0 > /sys/kernel/livepatch/lp_one/enabled',
      'cat /sys/kernel/livepatch/lp_one/enabled',
    ],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'Two patches, lp_one and lp_two, both replace pipe_read. reader sleeps in the original pipe_read, waiting for data that never comes.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'log', includes: 'reader:4 is sleeping on function pipe_read' },
      text: 'lp_one\'s func is alone on pipe_read\'s func_stack, so klp_check_stack_func looks for the original pipe_read, and finds it on the reader\'s stack.',
      spotlight: { tasks: ['reader'], function: 'pipe_read', panel: 'stacks', logLine: 'reader:4 is sleeping on function pipe_read' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: true }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_one' }, { kind: 'log', includes: 'reader:4 is sleeping on function pipe_read', present: true }],
    },
    {
      when: { kind: 'switch', comm: 'reader', to: 1 },
      text: 'Woken at 1.5 s, the reader returns to user space and switches. Its next read calls lp_one\'s pipe_read, where it falls asleep again.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'log', includes: "'lp_one': patching complete" },
      text: 'lp_one completes. The func_stack of pipe_read now holds lp_one\'s func.',
      spotlight: { function: 'pipe_read', panel: 'stacks', logLine: '\'lp_one\': patching complete' },
      expect: [{ kind: 'log', includes: '\'lp_one\': patching complete', present: true }, { kind: 'counts', unpatched: 0 }],
      question: { ask: 'lp_two replaces pipe_read too, and the reader now sleeps in lp_one\'s pipe_read. Will lp_two\'s stack check let it switch?', answers: ['Yes: it is not in the original pipe_read', 'No: the check looks for lp_one\'s version, the one just below lp_two'], correct: 1, why: 'Tasks that have not switched run the next entry down the func_stack, lp_one\'s pipe_read. That is what lp_two\'s transition retires, so klp_check_stack_func looks for it and finds the reader inside.' },
    },
    {
      when: { kind: 'log', includes: 'reader:4 is sleeping on function pipe_read' },
      text: 'klp_patch_object pushed lp_two\'s func on top of lp_one\'s. Tasks that have not switched run the next entry down, lp_one\'s pipe_read, so that is the version the check now looks for, and the reader is asleep in it.',
      spotlight: { tasks: ['reader'], function: 'pipe_read', panel: 'stacks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: true }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_two' }],
    },
    {
      when: { kind: 'switch', comm: 'reader', to: 1 },
      text: 'Woken again, the reader leaves lp_one\'s pipe_read and switches to lp_two on its way to user space.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'log', includes: "'lp_two': patching complete" },
      text: 'lp_two completes: every call of pipe_read now runs lp_two\'s version, the head of the func_stack.',
      spotlight: { function: 'pipe_read', panel: 'stacks', logLine: '\'lp_two\': patching complete' },
      expect: [{ kind: 'log', includes: '\'lp_two\': patching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'Device or resource busy' },
      text: 'v4.12 enforces the stacking order: only the last enabled patch may be disabled, so __klp_disable_patch refuses lp_one with -EBUSY while lp_two sits on top of it.',
      spotlight: { panel: 'log', logLine: 'Device or resource busy' },
      expect: [{ kind: 'log', includes: 'Device or resource busy', present: true }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const IMMEDIATE_MIX: Preset = {
  id: 'immediate-mix',
  title: 'An immediate patch mixes old and new code',
  question: 'What does an immediate patch give up, compared with the per-task consistency model?',
  kernel: 'v4.12',
  scenario: {
    format: 'klpscope/1',
    name: 'An immediate patch mixes old and new code in one call chain',
    description:
      'lp_flush sets v4.12\'s patch-level immediate flag and replaces two functions of the kernel thread kflushd (pid 4): flush_loop, the loop it sleeps in, and flush_one, which the loop calls after each wake-up. An immediate patch has no per-task transition: klp_init_transition and klp_start_transition return early and the new code is live for everyone at once. kflushd, asleep in the original flush_loop, wakes up and calls lp_flush\'s flush_one from there: old and new code in one call chain, exactly what the consistency model exists to prevent. The simulator reports it as given up by immediate, no error. Disabling is just as immediate, and the module can never be removed.',
    kernel: 'v4.12',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'kflushd', kind: 'kthread', loop: ['kthread', 'flush_loop'], calls: ['flush_one'], sleepMs: [300, 600] },
      { comm: 'worker', count: 2, syscalls: ['getpid', 'read_cmdline'] },
    ],
    modules: [{ name: 'lp_flush', livepatch: { immediate: true, objects: [{ name: 'vmlinux', funcs: [{ old: 'flush_loop' }, { old: 'flush_one' }] }] } }],
    script: ['insmod lp_flush.ko', 'cat /sys/kernel/livepatch/lp_flush/transition', 'sleep 1', 'echo 0 > /sys/kernel/livepatch/lp_flush/enabled', 'sleep 1', 'rmmod lp_flush'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'kflushd sleeps in flush_loop and calls flush_one each time it wakes. lp_flush, an immediate patch, replaces both.',
      spotlight: { tasks: ['kflushd'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
      question: { ask: 'lp_flush is an immediate patch, and kflushd sleeps inside flush_loop, a function it replaces. How long will enabling it wait for kflushd?', answers: ['Until kflushd wakes and leaves flush_loop', 'Not at all: an immediate patch has no per-task transition'], correct: 1, why: 'For an immediate patch klp_init_transition returns early: no task gets a patch_state, and the new code is live for everyone at once, whoever is inside the old one.' },
    },
    {
      when: { kind: 'event', fn: 'klp_init_transition' },
      text: 'For an immediate patch klp_init_transition returns right after setting klp_target_state: no task gets a patch_state, no func is marked in transition.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }, { kind: 'counts', undefined: 8, pending: 0 }],
    },
    {
      when: { kind: 'violation', givenUp: 'immediate' },
      text: 'klp_patch_object puts the new flush_loop on the func_stack while kflushd is asleep inside the old one. Nobody checked its stack; it will go on running the old loop.',
      spotlight: { tasks: ['kflushd'], function: 'flush_loop', panel: 'stacks' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }],
    },
    {
      when: { kind: 'log', includes: "'lp_flush': patching complete" },
      text: 'klp_try_complete_transition jumps straight to completion: patching... and patching complete inside insmod, and transition reads 0 at once.',
      spotlight: { panel: 'log', logLine: '\'lp_flush\': patching complete' },
      expect: [{ kind: 'log', includes: '\'lp_flush\': patching complete', present: true }, { kind: 'counts', undefined: 8, pending: 0 }],
    },
    {
      when: { kind: 'violation', givenUp: 'immediate' },
      text: 'kflushd wakes and its old flush_loop calls flush_one: klp_ftrace_handler sends every call to the new version. Old flush_loop, new flush_one, one call chain: immediate gave up per-task consistency (invariant 5), knowingly.',
      spotlight: { tasks: ['kflushd'], function: 'flush_one', panel: 'narration' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }],
    },
    {
      when: { kind: 'log', includes: "'lp_flush': unpatching complete" },
      text: 'Disabling is immediate too: the funcs come off the func_stacks at once, whoever may still be running them.',
      spotlight: { panel: 'log', logLine: '\'lp_flush\': unpatching complete' },
      expect: [{ kind: 'log', includes: '\'lp_flush\': unpatching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'Module lp_flush is in use' },
      text: 'Since nothing proves that no task still runs lp_flush\'s code, v4.12 never drops the module reference of an immediate patch: rmmod is refused, forever.',
      spotlight: { panel: 'log', logLine: 'Module lp_flush is in use' },
      expect: [{ kind: 'log', includes: 'Module lp_flush is in use', present: true }],
    },
  ],
};
