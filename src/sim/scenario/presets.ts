// Scenarios the app ships. The default one opens at start: a small machine
// with one patch, where within the first minute one sees tasks switch at
// their return to user space, by stack checks, in the idle loop, and a
// sleeper in the patched function hold the transition up until it is woken.

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
