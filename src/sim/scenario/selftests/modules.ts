// The kernel selftests' test modules (tools/testing/selftests/livepatch/
// test_modules), described as klpscope/1 modules: what each patches, its
// callbacks and parameters, and what it logs. Behaviour only; their names and
// log lines are the kernel's.

const LIVE_PATCHED = 'this has been live patched';

const callbacks = (name: string, funcs: readonly { old: string }[] = []) => ({ name, funcs, callbacks: true });

export const SELFTEST_MODULES = [
  {
    name: 'test_klp_livepatch',
    livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: LIVE_PATCHED }] }] },
  },
  {
    name: 'test_klp_atomic_replace',
    params: { replace: 0 },
    livepatch: { replace: 'replace', objects: [{ name: 'vmlinux', funcs: [{ old: 'meminfo_proc_show', output: LIVE_PATCHED }] }] },
  },
  {
    name: 'test_klp_syscall',
    livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: '__x64_sys_getpid' }] }] },
  },
  {
    name: 'test_klp_callbacks_demo',
    params: { pre_patch_ret: 0 },
    livepatch: {
      objects: [callbacks('vmlinux'), callbacks('test_klp_callbacks_mod'), callbacks('test_klp_callbacks_busy', [{ old: 'busymod_work_func' }])],
    },
  },
  {
    name: 'test_klp_callbacks_demo2',
    params: { replace: 0 },
    livepatch: { replace: 'replace', objects: [callbacks('vmlinux')] },
  },
  {
    name: 'test_klp_callbacks_mod',
    init: ['test_klp_callbacks_mod_init'],
    exit: ['test_klp_callbacks_mod_exit'],
  },
  {
    name: 'test_klp_callbacks_busy',
    params: { block_transition: false },
    functions: ['busymod_work_func'],
    init: ['test_klp_callbacks_busy_init'],
    exit: ['test_klp_callbacks_busy_exit'],
    work: { function: 'busymod_work_func', enter: 'busymod_work_func enter', exit: 'busymod_work_func exit', blockParam: 'block_transition' },
  },
] as const;
