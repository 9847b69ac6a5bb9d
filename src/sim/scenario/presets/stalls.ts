// Presets about transitions that do not complete at once: a sleeper in the
// patched function, reversing, an unreliable stack, signals and force.
import type { Preset } from './preset.ts';

const LP_PIPE = { name: 'lp_pipe', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }] }] } };

export const SLEEPER_STALLS: Preset = {
  id: 'sleeper-stalls',
  title: 'A sleeper in the patched function',
  question: 'Why does a transition wait for a task that is asleep in the function being patched, and how long?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'A task asleep in the patched function stalls the transition',
    description:
      'reader (pid 4) has been asleep in pipe_read since boot, and lp_pipe replaces pipe_read. Every pass of klp_try_complete_transition finds the original pipe_read on the reader\'s stack and leaves it unpatched, while the two workers switch on their way back to user space. The delayed work retries about once a second. At 3.5 s the script wakes the reader: it returns to user space, switches on the way, and the next pass completes the transition.',
    kernel: 'mainline',
    seed: 3,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'reader', syscalls: ['read_pipe'], blockedIn: 'pipe_read' },
      { comm: 'worker', count: 2, syscalls: ['getpid', 'nanosleep'], userMs: [2, 20] },
    ],
    modules: [LP_PIPE],
    script: [
      'insmod lp_pipe.ko',
      'sleep 3.5',
      'cat /sys/kernel/livepatch/lp_pipe/transition',
      'cat /proc/4/patch_state',
      'wake reader',
      'wait lp_pipe',
      'cat /sys/kernel/livepatch/lp_pipe/transition',
    ],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'reader is asleep inside pipe_read, waiting for data that has not come. The patch lp_pipe is about to replace pipe_read.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
      question: { ask: 'reader is asleep inside pipe_read. Will the first pass switch it?', answers: ['Yes: it is asleep, so its stack can be checked', 'No: the original pipe_read is on its stack'], correct: 1, why: 'A sleeping task\'s stack can be walked, and the walk finds the original pipe_read, the version the transition retires. klp_try_switch_task leaves the reader unpatched and pending.' },
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' },
      text: 'The first pass of klp_try_complete_transition, run by insmod itself, reaches the reader. klp_try_switch_task finds the original pipe_read on its stack, so the reader stays unpatched: switching it would let it wake up and return into old code from under new code.',
      spotlight: { tasks: ['reader'], function: 'pipe_read', panel: 'log', logLine: 'reader:4 is sleeping on function pipe_read' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: true }, { kind: 'log', includes: 'reader:4 is sleeping on function pipe_read', present: true }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_complete_transition' },
      text: 'The pass ends incomplete. klp_try_complete_transition arms klp_transition_work with round_jiffies_relative(HZ): another pass in about a second, on a whole second.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_transition_work', value: true }, { kind: 'counts', unpatched: 2, pending: 2 }],
    },
    {
      when: { kind: 'event', fn: 'klp_update_patch_state', comm: 'worker' },
      text: 'A worker that was running during the pass switches on its way back to user space: klp_update_patch_state needs no stack check there.',
      spotlight: { tasks: [5], panel: 'tasks' },
      expect: [{ kind: 'task', pid: 5, patchState: 1, pending: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' },
      text: 'One second later a kworker runs the delayed work: another pass, and the reader is still asleep in pipe_read. The same happens at 2 s and 3 s.',
      spotlight: { tasks: ['reader'], panel: 'timeline' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: true }, { kind: 'counts', unpatched: 1, patched: 7 }],
    },
    {
      when: { kind: 'switch', comm: 'reader', to: 1 },
      text: 'The script wakes the reader at 3.5 s. It finishes pipe_read, returns to user space and switches on the way; its next read will run the new pipe_read.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 1, pending: false }, { kind: 'counts', unpatched: 0, patched: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_pipe' }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The 4 s pass finds every task patched and klp_complete_transition ends the transition: transition reads 0 again.',
      spotlight: { panel: 'globals', logLine: '\'lp_pipe\': patching complete' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }, { kind: 'log', includes: '\'lp_pipe\': patching complete', present: true }],
    },
    {
      when: { kind: 'settled' },
      text: 'The script is over. A single sleeper held the whole machine in transition for four seconds, yet nothing ever ran a mix of old and new code.',
      spotlight: { panel: 'log' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const REVERSE_STALLED: Preset = {
  id: 'reverse-stalled',
  title: 'Reversing a stalled transition',
  question: 'What happens when you write 0 to enabled while the patch is still in transition?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'Reversing a stalled patching transition',
    description:
      'As in the stalled-transition preset, reader (pid 4) sleeps in pipe_read, so lp_pipe cannot finish patching; the two workers, which read pipes too, have switched meanwhile. Writing 0 to enabled does not start a disable: klp_reverse_transition turns the transition round, with the target now unpatched. The reader never switched, so it is already there; the workers, some asleep in the new pipe_read, switch back on their way to user space, and the delayed work completes the unpatching. The freed patch lets rmmod succeed.',
    kernel: 'mainline',
    seed: 3,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'reader', syscalls: ['read_pipe'], blockedIn: 'pipe_read' },
      { comm: 'worker', count: 2, syscalls: ['getpid', 'read_pipe'], userMs: [2, 20] },
    ],
    modules: [LP_PIPE],
    script: [
      'insmod lp_pipe.ko',
      'sleep 2.5',
      'cat /sys/kernel/livepatch/lp_pipe/transition',
      'echo 0 > /sys/kernel/livepatch/lp_pipe/enabled',
      'cat /sys/kernel/livepatch/lp_pipe/enabled',
      'wait lp_pipe',
      'cat /proc/4/patch_state',
      'rmmod lp_pipe',
    ],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'reader sleeps in pipe_read, the function lp_pipe replaces, so lp_pipe\'s patching transition will stall on it.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' },
      text: 'klp_try_switch_task finds the original pipe_read on the reader\'s stack and leaves it unpatched. The workers switch on their way to user space; the reader holds the transition.',
      spotlight: { tasks: ['reader'], function: 'pipe_read', panel: 'log', logLine: 'reader:4 is sleeping on function pipe_read' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: true }, { kind: 'log', includes: 'reader:4 is sleeping on function pipe_read', present: true }],
      question: { ask: 'At 2.5 s the script writes 0 to enabled while the reader still holds the transition. What happens?', answers: ['The write fails with EBUSY', 'The transition reverses: every task heads back to unpatched', 'The reader is switched to patched first'], correct: 1, why: 'lp_pipe is the patch in transition, so enabled_store calls klp_reverse_transition: the target flips to unpatched, and the reader, which never switched, is already where it must go.' },
    },
    {
      when: { kind: 'log', includes: 'reversing transition from patching to unpatching' },
      text: 'At 2.5 s the script writes 0 to enabled. Since lp_pipe is the patch in transition, enabled_store calls klp_reverse_transition: it clears every TIF_PATCH_PENDING, flips enabled and klp_target_state, and prints no "initializing" line.',
      spotlight: { panel: 'globals', logLine: 'reversing transition from patching to unpatching' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }, { kind: 'counts', pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_pipe' }, { kind: 'log', includes: 'initializing unpatching transition', present: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_start_transition' },
      text: 'klp_start_transition flags every task whose patch_state is not the new target. The reader never switched, so it is already unpatched and gets no flag at all.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: false }, { kind: 'counts', pending: 7 }],
    },
    {
      when: { kind: 'event', fn: 'klp_update_patch_state', comm: 'worker' },
      text: 'A worker that had switched to patched goes back to unpatched on its way to user space. While it slept in the new pipe_read, a stack check would have refused it: unpatching retires the new code.',
      spotlight: { tasks: [5], panel: 'tasks' },
      expect: [{ kind: 'task', pid: 5, patchState: 0, pending: false }],
    },
    {
      when: { kind: 'log', includes: 'unpatching complete' },
      text: 'The already armed klp_transition_work finds every task unpatched and completes. In mainline the disabled patch is then freed and its sysfs directory removed.',
      spotlight: { panel: 'globals', logLine: '\'lp_pipe\': unpatching complete' },
      expect: [{ kind: 'counts', undefined: 8, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'settled' },
      text: 'rmmod succeeds: the freed patch dropped its module reference. The reader\'s patch_state reads -1, as every task\'s does outside a transition.',
      spotlight: { tasks: ['reader'], panel: 'log' },
      expect: [{ kind: 'task', comm: 'reader', patchState: -1 }, { kind: 'log', includes: '% rmmod lp_pipe', present: true }, { kind: 'log', includes: 'in use', present: false }],
    },
  ],
};

export const UNRELIABLE_STACK: Preset = {
  id: 'unreliable-stack',
  title: 'An unreliable stack',
  question: 'What if the kernel cannot trust a task\'s stack trace?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'Tasks whose stacks cannot be walked reliably',
    description:
      'Two tasks have stacks the unwinder cannot vouch for: jitd (pid 4), a user task, and kstuck (pid 5), a kernel thread. Neither is anywhere near cmdline_proc_show, yet every stack check of them fails with "has an unreliable stack". jitd does not care: it switches on its way back to user space. kstuck never goes there, so test_klp_livepatch cannot finish. At 2.5 s the script reverses the transition; kstuck never left the unpatched state, jitd and the others switch back, and the patch is freed.',
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'jitd', syscalls: ['getpid', 'nanosleep'], userMs: [5, 50], unreliableStack: true },
      { comm: 'kstuck', kind: 'kthread', sleepMs: [100, 400], unreliableStack: true },
    ],
    script: [
      'insmod test_klp_livepatch.ko',
      'sleep 2.5',
      'cat /sys/kernel/livepatch/test_klp_livepatch/transition',
      'cat /proc/4/patch_state',
      'cat /proc/5/patch_state',
      'cat /proc/cmdline',
      'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled',
      'wait test_klp_livepatch',
      'cat /proc/cmdline',
      'rmmod test_klp_livepatch',
    ],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'jitd and kstuck have stacks the unwinder cannot trust, think of JIT code or hand-written assembly. test_klp_livepatch replaces cmdline_proc_show, which neither of them uses.',
      spotlight: { tasks: ['jitd', 'kstuck'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 7, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
      question: { ask: 'kstuck never calls cmdline_proc_show, the function being replaced. Will its stack check pass?', answers: ['Yes: the function is not on its stack', 'No: its stack cannot be trusted, so nothing can be proved'], correct: 1, why: 'Without a reliable stack trace klp_check_stack cannot tell what kstuck runs, so klp_try_switch_task must assume the worst and leave it unpatched.' },
    },
    {
      when: { kind: 'log', includes: 'kstuck:5 has an unreliable stack' },
      text: 'klp_check_stack cannot get a reliable trace of kstuck, so klp_try_switch_task must assume the worst: it "has an unreliable stack" and stays unpatched.',
      spotlight: { tasks: ['kstuck'], panel: 'log', logLine: 'kstuck:5 has an unreliable stack' },
      expect: [{ kind: 'task', comm: 'kstuck', patchState: 0, pending: true }, { kind: 'log', includes: 'kstuck:5 has an unreliable stack', present: true }],
    },
    {
      when: { kind: 'switch', comm: 'jitd', to: 1 },
      text: 'jitd switches without any stack trace: back in user space it has no kernel frames at all, so klp_update_patch_state on the exit-to-user path is always safe.',
      spotlight: { tasks: ['jitd'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'jitd', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'log', includes: 'this has been live patched' },
      text: 'sh has switched too, so its read of /proc/cmdline already runs the new cmdline_proc_show, although transition still reads 1 because of kstuck.',
      spotlight: { tasks: ['sh'], panel: 'log', logLine: 'this has been live patched' },
      expect: [{ kind: 'task', comm: 'sh', patchState: 1 }, { kind: 'global', name: 'klp_transition_patch', value: 'test_klp_livepatch' }, { kind: 'log', includes: 'this has been live patched', present: true }],
    },
    {
      when: { kind: 'log', includes: 'reversing transition from patching to unpatching' },
      text: 'A kthread never returns to user space, so only a stack check could switch kstuck, and none ever will. Writing 0 to enabled calls klp_reverse_transition: the target becomes unpatched, where kstuck already is.',
      spotlight: { tasks: ['kstuck'], panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }, { kind: 'task', comm: 'kstuck', patchState: 0, pending: false }],
    },
    {
      when: { kind: 'switch', comm: 'jitd', to: 0 },
      text: 'Now jitd is the one that must move, back to unpatched. Its stack checks fail again, but its next return to user space switches it.',
      spotlight: { tasks: ['jitd'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'jitd', patchState: 0, pending: false }, { kind: 'counts', unpatched: 7, patched: 0 }],
    },
    {
      when: { kind: 'log', includes: 'unpatching complete' },
      text: 'Every task is unpatched: klp_complete_transition ends the transition and the patch is freed. The script\'s next cat of /proc/cmdline will get the original text again.',
      spotlight: { panel: 'globals', logLine: '\'test_klp_livepatch\': unpatching complete' },
      expect: [{ kind: 'counts', undefined: 7, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const SIGNALS_FORCE: Preset = {
  id: 'signals-force',
  title: 'Signals after 15 retries, then force',
  question: 'What can the kernel do about tasks that never leave the patched function?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'Automatic signals after 15 retries, then force',
    description:
      'lp_fix replaces pipe_read and kwatch_fn. reader (pid 4) sleeps in pipe_read with no timeout, and the kernel thread kwatch (pid 5) sleeps in kwatch_fn, the last function of its loop, with no timeout: both stall the transition. On the 16th unsuccessful pass, at 15 s, klp_send_signals sends the stragglers a fake signal: the reader leaves pipe_read and switches on its way to user space, but the kthread is only woken and goes back to sleep in the original kwatch_fn. Writing 1 to force switches it without any check: the transition completes, and the simulator reports that the consistency guarantee was knowingly given up for kwatch.',
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    syscalls: { read_forever: { chain: ['do_syscall_64', 'ksys_read', 'vfs_read', 'pipe_read'], sleepIn: 'pipe_read', sleepMs: 'forever' } },
    tasks: [
      { comm: 'reader', syscalls: ['read_forever'], blockedIn: 'pipe_read' },
      { comm: 'kwatch', kind: 'kthread', loop: ['kthread', 'kwatch_fn'], sleepMs: 'forever' },
    ],
    modules: [{ name: 'lp_fix', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }, { old: 'kwatch_fn' }] }] } }],
    script: [
      'insmod lp_fix.ko',
      'sleep 16.5',
      'cat /sys/kernel/livepatch/lp_fix/transition',
      'cat /proc/4/patch_state',
      'cat /proc/5/patch_state',
      'echo 1 > /sys/kernel/livepatch/lp_fix/force',
      'wait lp_fix',
      'cat /sys/kernel/livepatch/lp_fix/transition',
    ],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'reader waits forever in pipe_read and the kernel thread kwatch forever in kwatch_fn; lp_fix replaces both functions.',
      spotlight: { tasks: ['reader', 'kwatch'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 7, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'kwatch' },
      text: 'kwatch is asleep in the original kwatch_fn, so klp_try_switch_task refuses to switch it, and the reader likewise. Each failed pass increments klp_signals_cnt.',
      spotlight: { tasks: ['kwatch'], function: 'kwatch_fn', panel: 'log', logLine: 'kwatch:5 is sleeping on function kwatch_fn' },
      expect: [{ kind: 'task', comm: 'kwatch', patchState: 0, pending: true }, { kind: 'task', comm: 'reader', patchState: 0, pending: true }, { kind: 'log', includes: 'kwatch:5 is sleeping on function kwatch_fn', present: true }],
      question: { ask: 'After 15 failed passes the kernel sends signals to the stragglers. Which of the two will a signal help?', answers: ['Both', 'Only the reader, a user task', 'Only kwatch, the kernel thread', 'Neither'], correct: 1, why: 'A fake signal makes the reader leave pipe_read and switch on its way to user space. kwatch is woken too, but a kthread goes back to the same loop, asleep in the old kwatch_fn.' },
    },
    {
      when: { kind: 'log', includes: 'signaling remaining tasks' },
      text: 'On the 16th failed pass, at 15 s, klp_try_complete_transition calls klp_send_signals: user tasks get a fake signal, interruptibly sleeping kthreads are woken.',
      spotlight: { panel: 'log', logLine: 'signaling remaining tasks' },
      expect: [{ kind: 'log', includes: 'signaling remaining tasks', present: true }, { kind: 'counts', unpatched: 2, pending: 2 }],
    },
    {
      when: { kind: 'switch', comm: 'reader', to: 1 },
      text: 'The signal interrupts the reader\'s read: it leaves pipe_read, switches on its way to user space, and goes back to sleep, now in the new pipe_read.',
      spotlight: { tasks: ['reader'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'kwatch' },
      text: 'kwatch was woken too, but a kthread returns to the same loop: it is asleep in the original kwatch_fn again and the next pass still refuses it. No signal can help.',
      spotlight: { tasks: ['kwatch'], function: 'kwatch_fn', panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'kwatch', patchState: 0, pending: true }],
    },
    {
      when: { kind: 'violation', givenUp: 'force' },
      text: 'Writing 1 to force runs klp_force_transition: klp_update_patch_state switches kwatch with no stack check, although it sleeps in the old kwatch_fn. This breaks the consistency model on purpose, and the simulator reports it as given up by force.',
      spotlight: { tasks: ['kwatch'], panel: 'log', logLine: 'forcing remaining tasks' },
      expect: [{ kind: 'task', comm: 'kwatch', patchState: 1, pending: false }, { kind: 'counts', unpatched: 0 }, { kind: 'log', includes: 'forcing remaining tasks', present: true }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The next pass finds every task patched and completes. Force is the last resort: the administrator has taken the responsibility that the stack check used to take.',
      spotlight: { panel: 'globals', logLine: '\'lp_fix\': patching complete' },
      expect: [{ kind: 'counts', undefined: 7, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};
