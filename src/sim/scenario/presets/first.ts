// The default scenario and its tour: the one demo the simulation worker
// carries from the start (presets.ts lists them all; the worker loads the
// others when a link or the gallery first asks for one).
import type { Preset } from './preset.ts';
import { FIRST_LIVEPATCH_PARSED } from './first.parsed.ts';

export const DEFAULT_SCENARIO = {
  format: 'klpscope/1',
  name: 'Your first livepatch',
  description:
    'Four CPUs, a handful of shells and daemons, and one patch that replaces cmdline_proc_show. Most tasks switch within the first pass or on their way back to user space; slowcat is asleep inside the very function being replaced, so the transition waits for it until it is woken at 3.5 s.',
  kernel: 'mainline',
  seed: 7,
  machine: { cpus: 4 },
  tasks: [
    { comm: 'bash', count: 6, syscalls: ['getpid', 'read_cmdline', 'nanosleep'], userMs: [2, 30] },
    { comm: 'sshd', count: 2, syscalls: ['epoll_wait', 'read_pipe'] },
    { comm: 'kauditd', kind: 'kthread', loop: ['kthread', 'worker_thread'], sleepMs: [50, 400] },
    { comm: 'slowcat', syscalls: ['read_cmdline'], blockedIn: 'cmdline_proc_show' },
  ],
  script: ['insmod test_klp_livepatch.ko', 'sleep 3.5', 'wake slowcat', 'wait test_klp_livepatch', 'cat /proc/cmdline'],
} as const;

export const FIRST_LIVEPATCH: Preset = {
  id: 'first-livepatch',
  title: 'Your first livepatch',
  question: 'How does a livepatch move every task from the old code to the new one, without stopping the machine?',
  kernel: 'mainline',
  scenario: DEFAULT_SCENARIO,
  parsed: FIRST_LIVEPATCH_PARSED,
  tour: [
    {
      when: { kind: 'start' },
      text: 'Four CPUs run shells, two sshd daemons, the kernel thread kauditd, and slowcat, which is asleep inside cmdline_proc_show. The script loads test_klp_livepatch, whose new cmdline_proc_show takes over the original through an ftrace hook.',
      spotlight: { tasks: ['slowcat'], panel: 'tasks' },
      expect: [
        { kind: 'counts', undefined: 19, pending: 0 },
        { kind: 'global', name: 'klp_transition_patch', value: null },
      ],
    },
    {
      when: { kind: 'event', fn: 'klp_start_transition' },
      text: 'klp_init_transition has marked every task unpatched; klp_start_transition now sets TIF_PATCH_PENDING on each one. From here on, klp_ftrace_handler looks at the calling task\'s patch_state to pick the old or the new cmdline_proc_show.',
      spotlight: { panel: 'globals', function: 'cmdline_proc_show' },
      expect: [
        { kind: 'counts', unpatched: 19, patched: 0, pending: 19 },
        { kind: 'global', name: 'klp_target_state', value: 1 },
        { kind: 'global', name: 'klp_transition_patch', value: 'test_klp_livepatch' },
      ],
    },
    {
      when: { kind: 'switch', comm: 'kauditd', to: 1 },
      text: 'klp_try_complete_transition calls klp_try_switch_task on every task. kauditd sleeps in worker_thread, far from cmdline_proc_show, so its stack check passes and it switches to patched at once.',
      spotlight: { tasks: ['kauditd'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'kauditd', patchState: 1, pending: false }],
      question: {
        ask: 'slowcat is asleep inside cmdline_proc_show. Will it pass its stack check in this pass?',
        answers: ['Yes: a sleeping task\'s stack can be walked, so it switches', 'No: the function being replaced is on its stack, so it stays unpatched'],
        correct: 1,
        why: 'klp_check_stack finds the original cmdline_proc_show on slowcat\'s stack. Switching it would let it return into old code while calling new code, so it stays unpatched and keeps TIF_PATCH_PENDING.',
      },
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'slowcat' },
      text: 'slowcat is asleep inside the original cmdline_proc_show. If it switched now, it would return into old code while calling new code, so klp_check_stack refuses: it "is sleeping on function cmdline_proc_show".',
      spotlight: { tasks: ['slowcat'], function: 'cmdline_proc_show', panel: 'log', logLine: 'slowcat:15 is sleeping on function cmdline_proc_show' },
      expect: [
        { kind: 'task', comm: 'slowcat', patchState: 0, pending: true },
        { kind: 'log', includes: 'slowcat:15 is sleeping on function cmdline_proc_show', present: true },
      ],
    },
    {
      when: { kind: 'event', fn: 'klp_update_patch_state', comm: 'bash' },
      text: 'This bash was running on a CPU during the pass, so nobody could walk its stack. At its next return to user space, here from a timer interrupt, the exit-to-user work finds TIF_PATCH_PENDING and klp_update_patch_state switches it: user space holds no kernel frames, so no check is needed.',
      spotlight: { tasks: [7], cpu: 1, panel: 'cpus' },
      expect: [
        { kind: 'task', pid: 7, patchState: 1, pending: false },
        { kind: 'log', includes: 'bash:7 is running', present: true },
      ],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'slowcat' },
      text: 'The first pass left stragglers, so klp_try_complete_transition armed klp_transition_work. A second later a kworker runs another pass, and slowcat fails its stack check again, as it will every second until it is woken.',
      spotlight: { tasks: ['slowcat'], panel: 'timeline' },
      expect: [
        { kind: 'task', comm: 'slowcat', patchState: 0, pending: true },
        { kind: 'counts', unpatched: 1, patched: 18 },
      ],
    },
    {
      when: { kind: 'switch', comm: 'slowcat', to: 1 },
      text: 'At 3.5 s the script wakes slowcat. It finishes its read, leaves cmdline_proc_show and switches on its way back to user space.',
      spotlight: { tasks: ['slowcat'], panel: 'tasks' },
      expect: [
        { kind: 'task', comm: 'slowcat', patchState: 1, pending: false },
        { kind: 'counts', unpatched: 0, patched: 19, pending: 0 },
        { kind: 'global', name: 'klp_transition_patch', value: 'test_klp_livepatch' },
      ],
      question: {
        ask: 'Every task is patched now. Is the transition over?',
        answers: ['Yes, at once: the last switch completes it', 'Not yet: the next pass of klp_transition_work has to notice'],
        correct: 1,
        why: 'Switching a task does not check the others. Only klp_try_complete_transition, run by the delayed work on the next whole second, sees that no task is left and calls klp_complete_transition.',
      },
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The next pass finds every task patched. klp_complete_transition clears the funcs\' transition flags and sets every patch_state back to -1; the script\'s final cat of /proc/cmdline, still to come, will run the new cmdline_proc_show.',
      spotlight: { panel: 'globals', logLine: 'patching complete' },
      expect: [
        { kind: 'counts', undefined: 19, pending: 0 },
        { kind: 'global', name: 'klp_transition_patch', value: null },
        { kind: 'global', name: 'klp_target_state', value: -1 },
        { kind: 'log', includes: 'this has been live patched', present: false },
      ],
    },
  ],
};
