// Presets about kinds of tasks and sizes of machine: kernel threads and idle
// tasks, fork, many busy user tasks, and a large server.
import type { Preset } from './preset.ts';

export const KTHREADS_IDLE: Preset = {
  id: 'kthreads-idle',
  title: 'Kernel threads and idle tasks',
  question: 'How do tasks that never return to user space, kernel threads and the idle tasks, switch?',
  kernel: 'v4.12',
  scenario: {
    format: 'klpscope/1',
    name: 'Kernel threads, idle tasks and an offline CPU',
    description:
      'v4.12 on four CPUs, CPU 3 offline; the patch lp_shrink replaces shrink_node, which two kernel threads call. kswapd0 sleeps between calls and switches at the first stack check. kcompactd0 never sleeps, so it is always running and klp_try_switch_task cannot check it, until a pass happens to find it preempted by a kworker, seven seconds in: v4.12 has no other way to switch a kthread. The idle task of the idle CPU 2 is running too; it switches itself at the end of do_idle() once its CPU has run something. The idle task of the offline CPU 3 runs nothing at all, so klp_try_complete_transition switches it directly.',
    kernel: 'v4.12',
    seed: 3,
    machine: { cpus: 4, offline: [3] },
    tasks: [
      { comm: 'kswapd0', kind: 'kthread', loop: ['kthread', 'kswapd'], calls: ['shrink_node'], sleepMs: [100, 300] },
      { comm: 'kcompactd0', kind: 'kthread', loop: ['kthread', 'kcompactd'], calls: ['shrink_node'], cpuBound: true },
      { comm: 'top', syscalls: ['nanosleep'], userMs: [1, 3] },
    ],
    modules: [{ name: 'lp_shrink', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'shrink_node' }] }] } }],
    script: ['sleep 0.5', 'insmod lp_shrink.ko', 'wait lp_shrink', 'cat /sys/devices/system/cpu/cpu3/online'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'Kernel threads never return to user space, so the easy switching point does not exist for them. In v4.12 the only way to switch a kthread is a stack check by klp_try_switch_task.',
      spotlight: { tasks: ['kswapd0', 'kcompactd0'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 12, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'switch', comm: 'kswapd0', to: 1 },
      text: 'kswapd0 sleeps in its loop between calls of shrink_node. Its stack shows kthread and kswapd only, so the stack check switches it at the first pass.',
      spotlight: { tasks: ['kswapd0'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'kswapd0', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'kcompactd0' },
      text: 'kcompactd0 never sleeps: it is running on CPU 1, and a running task\'s stack changes under the unwinder, so klp_try_switch_task gives up ("is running").',
      spotlight: { tasks: ['kcompactd0'], cpu: 1, panel: 'log', logLine: 'kcompactd0:7 is running' },
      expect: [{ kind: 'task', comm: 'kcompactd0', patchState: 0, pending: true }, { kind: 'log', includes: 'kcompactd0:7 is running', present: true }],
      question: { ask: 'CPU 3 is offline. How will its idle task, swapper/3, switch?', answers: ['It cannot: the transition waits for CPU 3 to come back', 'Directly: an offline CPU runs nothing, so there is nothing to check', 'By a fake signal'], correct: 1, why: 'klp_try_complete_transition switches the idle task of an offline CPU without a check: it runs no code, so it cannot be inside an old function.' },
    },
    {
      when: { kind: 'switch', comm: 'swapper/3', to: 1 },
      text: 'CPU 3 is offline, so its idle task swapper/3 runs nothing at all. klp_try_complete_transition switches it directly, without a check.',
      spotlight: { tasks: ['swapper/3'], cpu: 3, panel: 'cpus' },
      expect: [{ kind: 'task', comm: 'swapper/3', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'event', fn: 'klp_update_patch_state', comm: 'swapper/2' },
      text: 'CPU 2 was idle during the pass, so swapper/2 was "running" and could not be checked. Once CPU 2 has run top and goes idle again, the end of do_idle() calls klp_update_patch_state: the idle loop holds no patched frames.',
      spotlight: { tasks: ['swapper/2'], cpu: 2, panel: 'cpus' },
      expect: [{ kind: 'task', comm: 'swapper/2', patchState: 1, pending: false }],
    },
    {
      when: { kind: 'switch', comm: 'kcompactd0', to: 1 },
      text: 'Pass after pass kcompactd0 was running. This time a kworker had just preempted it, so it sat in the run queue with a checkable stack, outside shrink_node: it switches. From v6.4 until 2025 such threads could also switch themselves in cond_resched(); today\'s kernel checks them only when they sleep TASK_FREEZABLE.',
      spotlight: { tasks: ['kcompactd0'], panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'kcompactd0', patchState: 1, pending: false }, { kind: 'counts', unpatched: 0, patched: 12 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'kcompactd0 was the last task: the transition completes at 7 s.',
      spotlight: { panel: 'globals', logLine: '\'lp_shrink\': patching complete' },
      expect: [{ kind: 'log', includes: '\'lp_shrink\': patching complete', present: true }],
    },
    {
      when: { kind: 'settled' },
      text: 'The script reads cpu3/online: still 0. An offline CPU never holds a transition up.',
      spotlight: { cpu: 3, panel: 'cpus' },
      expect: [{ kind: 'counts', undefined: 12, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }, { kind: 'log', includes: '% cat /sys/devices/system/cpu/cpu3/online', present: true }],
    },
  ],
};

export const FORK: Preset = {
  id: 'fork',
  title: 'Fork during a transition',
  question: 'Which patch state does a task born in the middle of a transition get?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'Fork during a transition',
    description:
      'reader (pid 4) holds lp_pipe\'s transition by sleeping in pipe_read; worker (pid 5) has switched on one of its returns to user space. Then both are forked. klp_copy_process gives each child its parent\'s patch_state and TIF_PATCH_PENDING: the reader\'s child (pid 6) starts unpatched and pending, the worker\'s child (pid 7) patched. Pid 6 switches on its first run, the return from fork to user space, without any stack check. Waking the reader lets the transition complete.',
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'reader', syscalls: ['read_pipe'], blockedIn: 'pipe_read' },
      { comm: 'worker', syscalls: ['getpid'] },
    ],
    modules: [{ name: 'lp_pipe', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }] }] } }],
    script: [
      'insmod lp_pipe.ko',
      'sleep 1.5',
      'cat /proc/4/patch_state',
      'cat /proc/5/patch_state',
      'fork reader',
      'fork worker',
      'cat /proc/6/patch_state',
      'cat /proc/7/patch_state',
      'sleep 0.1',
      'cat /proc/6/patch_state',
      'wake 4',
      'wait lp_pipe',
      'cat /proc/6/patch_state',
    ],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'reader sleeps in pipe_read, which lp_pipe replaces; worker calls getpid in a loop. Both will be forked in the middle of the transition.',
      spotlight: { tasks: ['reader', 'worker'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 7, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'reader' },
      text: 'As usual, klp_try_switch_task leaves the reader unpatched: the original pipe_read is on its stack.',
      spotlight: { tasks: ['reader'], function: 'pipe_read', panel: 'tasks' },
      expect: [{ kind: 'task', comm: 'reader', patchState: 0, pending: true }],
    },
    {
      when: { kind: 'switch', comm: 'worker', to: 1 },
      text: 'The worker switches to patched, so parent pid 4 is unpatched and parent pid 5 patched when the script forks them.',
      spotlight: { tasks: ['worker'], panel: 'tasks' },
      expect: [{ kind: 'task', pid: 5, patchState: 1, pending: false }, { kind: 'task', pid: 4, patchState: 0, pending: true }],
      question: { ask: 'When the script forks the reader (pid 4, unpatched and pending), what does the child start as?', answers: ['Patched: a new task gets the new code', 'Unpatched and pending, like its parent', 'Undefined (-1), until the next pass'], correct: 1, why: 'klp_copy_process copies the parent\'s patch_state and TIF_PATCH_PENDING into the child, so the transition goes on tracking it like its parent.' },
    },
    {
      when: { kind: 'log', includes: '% fork reader' },
      text: 'copy_process calls klp_copy_process: the child copies its parent\'s patch_state and TIF_PATCH_PENDING. The reader\'s child, pid 6, starts unpatched and pending, like its parent; the worker\'s child comes next.',
      spotlight: { tasks: [6], panel: 'tasks' },
      expect: [{ kind: 'task', pid: 6, patchState: 0, pending: true }, { kind: 'log', includes: '% fork reader', present: true }, { kind: 'log', includes: '% fork worker', present: false }],
    },
    {
      when: { kind: 'switch', comm: 'reader', to: 1 },
      text: 'Pid 6 runs for the first time: it returns from fork straight to user space, where klp_update_patch_state switches it. A child has no old kernel frames to worry about.',
      spotlight: { tasks: [6], panel: 'tasks' },
      expect: [{ kind: 'task', pid: 6, patchState: 1, pending: false }],
    },
    {
      when: { kind: 'switch', comm: 'reader', to: 1 },
      text: 'The script wakes the parent, pid 4, which leaves pipe_read and switches on its way to user space.',
      spotlight: { tasks: [4], panel: 'tasks' },
      expect: [{ kind: 'task', pid: 4, patchState: 1, pending: false }, { kind: 'counts', unpatched: 0 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The next pass completes the transition; every task, the children included, is back to patch_state -1.',
      spotlight: { panel: 'globals', logLine: '\'lp_pipe\': patching complete' },
      expect: [{ kind: 'counts', undefined: 9, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const GETPID_STORM: Preset = {
  id: 'getpid-storm',
  title: 'Many tasks hammering getpid',
  question: 'Do busy tasks slow a transition down, even when they call the patched function thousands of times a second?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'Thirty-two tasks hammering getpid',
    description:
      'Eight CPUs, 32 tasks that do nothing but call getpid every few milliseconds, and lp_getpid, a patch of __x64_sys_getpid itself. The tasks running on a CPU at that moment cannot be checked ("is running"); the others wait in run queues in user space, with no kernel frames, and the first stack check switches them. The running ones switch a moment later, on their next return to user space. Nobody ever sleeps in __x64_sys_getpid, so the patch of the hottest function is as easy as any: the only wait is for the delayed work\'s next pass at 1 s.',
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 8 },
    tasks: [{ comm: 'getpidd', count: 32, syscalls: ['getpid'], userMs: [1, 4] }],
    modules: [{ name: 'lp_getpid', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: '__x64_sys_getpid' }] }] } }],
    script: ['insmod lp_getpid.ko', 'wait lp_getpid', 'cat /sys/kernel/livepatch/lp_getpid/transition'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'Thirty-two getpidd tasks share eight CPUs and call getpid over and over. lp_getpid replaces __x64_sys_getpid, the function they call.',
      spotlight: { tasks: ['getpidd'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 49, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'log', includes: 'is running' },
      text: 'klp_try_switch_task cannot check a task that is running on another CPU: its stack changes under the unwinder. So each getpidd on a CPU stays unpatched for now.',
      spotlight: { panel: 'log', logLine: 'is running' },
      expect: [{ kind: 'log', includes: 'is running', present: true }, { kind: 'global', name: 'klp_target_state', value: 1 }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_complete_transition' },
      text: 'The queued tasks are in user space, with no kernel frames, and switched by the stack check. The first pass ends with only the running ones left, and the delayed work is armed for 1 s.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'counts', unpatched: 7 }, { kind: 'global', name: 'klp_transition_work', value: true }],
      question: { ask: 'Seven getpidd tasks were running and could not be checked. How long will they hold the transition up?', answers: ['Until the next pass, at 1 s', 'Milliseconds: each switches on its next return to user space'], correct: 1, why: 'TIF_PATCH_PENDING is part of the exit-to-user work, so a task that returns to user space switches at once, in klp_update_patch_state, with no stack check.' },
    },
    {
      when: { kind: 'event', fn: 'klp_update_patch_state', comm: 'getpidd' },
      text: 'A running getpidd returns to user space: TIF_PATCH_PENDING is part of the exit-to-user work, so klp_update_patch_state switches it on its way out. The others follow within a few milliseconds.',
      spotlight: { panel: 'tasks' },
      expect: [{ kind: 'counts', unpatched: 6 }],
    },
    {
      when: { kind: 'event', fn: 'klp_transition_work_fn' },
      text: 'Every task switched long ago, but only the delayed work\'s next pass can notice it: klp_transition_work runs at 1 s.',
      spotlight: { panel: 'timeline' },
      expect: [{ kind: 'counts', unpatched: 0, patched: 49 }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_getpid' }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'The pass finds every task patched. Calling a function often does not hold a transition up; sleeping in it does.',
      spotlight: { panel: 'globals', logLine: '\'lp_getpid\': patching complete' },
      expect: [{ kind: 'counts', undefined: 49, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'settled' },
      text: 'transition reads 0: every call of getpid now runs lp_getpid\'s version.',
      spotlight: { panel: 'log' },
      expect: [{ kind: 'counts', undefined: 49, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }, { kind: 'log', includes: '% cat /sys/kernel/livepatch/lp_getpid/transition', present: true }],
    },
  ],
};

export const LARGE_MACHINE: Preset = {
  id: 'large-machine',
  title: 'A large machine: 10,000 tasks on 64 CPUs',
  question: 'Does the per-task consistency model scale to a busy server?',
  kernel: 'mainline',
  scenario: {
    format: 'klpscope/1',
    name: 'A large machine: 10,000 tasks, 64 CPUs',
    description:
      'A busy server: 4,000 nginx workers in epoll_wait and pipe reads, 3,000 postgres backends, 2,950 shells, 48 kernel threads, and two slowcat tasks asleep inside cmdline_proc_show, which test_klp_livepatch replaces. The first pass walks all 10,000 tasks: most switch by stack check, the 64 running ones on their way back to user space. The two sleepers hold the transition until the script wakes them at 2.5 s; the 3 s pass completes it.',
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 64 },
    tasks: [
      { comm: 'nginx', count: 4000, syscalls: ['epoll_wait', 'read_pipe'], userMs: [1, 10] },
      { comm: 'postgres', count: 3000, syscalls: ['read_pipe', 'nanosleep', 'getpid'], userMs: [1, 20] },
      { comm: 'bash', count: 2950, syscalls: ['nanosleep', 'read_cmdline'], userMs: [5, 50] },
      { comm: 'kworker/u128', kind: 'kthread', count: 48, sleepMs: [50, 500] },
      { comm: 'slowcat', count: 2, syscalls: ['read_cmdline'], blockedIn: 'cmdline_proc_show' },
    ],
    script: ['insmod test_klp_livepatch.ko', 'sleep 2.5', 'wake slowcat', 'wait test_klp_livepatch', 'cat /proc/cmdline'],
  },
  tour: [
    {
      when: { kind: 'start' },
      text: 'Ten thousand tasks on 64 CPUs. Two of them, both named slowcat, sleep inside cmdline_proc_show, the function test_klp_livepatch replaces.',
      spotlight: { tasks: ['slowcat'], panel: 'tasks' },
      expect: [{ kind: 'counts', undefined: 10129, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'event', fn: 'klp_start_transition' },
      text: 'klp_start_transition sets TIF_PATCH_PENDING on every task, idle tasks included: more than ten thousand flags.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'counts', unpatched: 10129, pending: 10129 }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'slowcat' },
      text: 'The first pass reaches the sleepers after nearly ten thousand stack checks: klp_try_switch_task finds the original cmdline_proc_show on their stacks.',
      spotlight: { tasks: ['slowcat'], function: 'cmdline_proc_show', panel: 'log', logLine: 'slowcat:10064 is sleeping on function cmdline_proc_show' },
      expect: [{ kind: 'task', pid: 10064, patchState: 0, pending: true }, { kind: 'log', includes: 'slowcat:10064 is sleeping on function cmdline_proc_show', present: true }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_complete_transition' },
      text: 'The pass is over: nearly every task switched by its stack check, and the running ones will switch on their way to user space. The delayed work will look again in a second.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_transition_work', value: true }, { kind: 'counts', unpatched: 65 }],
    },
    {
      when: { kind: 'event', fn: 'klp_try_switch_task', comm: 'slowcat' },
      text: 'The 1 s pass only needs to look at the tasks still unpatched, and finds the two slowcats where they were.',
      spotlight: { tasks: ['slowcat'], panel: 'timeline' },
      expect: [{ kind: 'task', comm: 'slowcat', patchState: 0, pending: true }, { kind: 'counts', unpatched: 2 }],
    },
    {
      when: { kind: 'switch', comm: 'slowcat', to: 1 },
      text: 'The script wakes both slowcats at 2.5 s. The first leaves cmdline_proc_show and switches on its way to user space; the other follows.',
      spotlight: { tasks: ['slowcat'], panel: 'tasks' },
      expect: [{ kind: 'counts', unpatched: 1 }],
    },
    {
      when: { kind: 'log', includes: 'patching complete' },
      text: 'At 3 s the pass finds all 10,000 tasks patched. The cost of the model grows with the number of tasks, but the wait depends only on the few that sleep in the patched code.',
      spotlight: { panel: 'globals', logLine: '\'test_klp_livepatch\': patching complete' },
      expect: [{ kind: 'counts', undefined: 10129, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'settled' },
      text: 'The final cat of /proc/cmdline runs the new cmdline_proc_show.',
      spotlight: { panel: 'log', logLine: 'this has been live patched' },
      expect: [{ kind: 'log', includes: 'this has been live patched', present: true }],
    },
  ],
};
