// What every scenario has without declaring it (spec/scenario.md §3, §4, §5).
import type { FunctionSpec, ModuleSpec, SyscallSpec } from './types.ts';

export const BUILTIN_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  do_syscall_64: { object: 'vmlinux' },
  ksys_read: { object: 'vmlinux' },
  vfs_read: { object: 'vmlinux' },
  seq_read_iter: { object: 'vmlinux' },
  cmdline_proc_show: { object: 'vmlinux', output: 'BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro' },
  meminfo_proc_show: { object: 'vmlinux', output: 'MemTotal:       24576000 kB' },
  __x64_sys_getpid: { object: 'vmlinux' },
  pipe_read: { object: 'vmlinux' },
  n_tty_read: { object: 'vmlinux' },
  do_nanosleep: { object: 'vmlinux' },
  do_epoll_wait: { object: 'vmlinux' },
  futex_wait: { object: 'vmlinux' },
  schedule: { object: 'vmlinux' },
  worker_thread: { object: 'vmlinux' },
  smpboot_thread_fn: { object: 'vmlinux' },
  kthread: { object: 'vmlinux' },
  do_idle: { object: 'vmlinux' },
};

const READ = ['do_syscall_64', 'ksys_read', 'vfs_read'] as const;

export const BUILTIN_SYSCALLS: Readonly<Record<string, SyscallSpec>> = {
  getpid: { chain: ['do_syscall_64', '__x64_sys_getpid'], sleepMs: [1, 50] },
  read_cmdline: { chain: [...READ, 'seq_read_iter', 'cmdline_proc_show'], sleepMs: [1, 50] },
  read_meminfo: { chain: [...READ, 'seq_read_iter', 'meminfo_proc_show'], sleepMs: [1, 50] },
  read_pipe: { chain: [...READ, 'pipe_read'], sleepIn: 'pipe_read', sleepMs: [5, 200] },
  read_tty: { chain: [...READ, 'n_tty_read'], sleepIn: 'n_tty_read', sleepMs: 'forever' },
  nanosleep: { chain: ['do_syscall_64', 'do_nanosleep'], sleepIn: 'do_nanosleep', sleepMs: [10, 1000] },
  epoll_wait: { chain: ['do_syscall_64', 'do_epoll_wait'], sleepIn: 'do_epoll_wait', sleepMs: [10, 500] },
};

export const BUILTIN_FILES: Readonly<Record<string, string>> = {
  '/proc/cmdline': 'cmdline_proc_show',
  '/proc/meminfo': 'meminfo_proc_show',
};

/**
 * Modules every scenario can `insmod` without declaring them, so that a plain
 * script (`klpscope run --script`) has something to load. A scenario module of
 * the same name replaces the built-in one. `test_klp_livepatch` is the kernel
 * selftests' basic livepatch module: it replaces `cmdline_proc_show`.
 */
export const BUILTIN_MODULES: readonly ModuleSpec[] = [
  {
    name: 'test_klp_livepatch',
    params: {},
    functions: [],
    init: [],
    exit: [],
    livepatch: {
      objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'this has been live patched', immediate: false }], callbacks: false }],
      immediate: false,
      replace: false,
    },
  },
];

/** The chain a task sleeps in while the shell runs `sleep` or `wait`. */
export const SHELL_SLEEP_CHAIN: readonly string[] = ['do_syscall_64', 'do_nanosleep'];
