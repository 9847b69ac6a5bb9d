// The kernel code panel's pseudo-code: each modelled kernel function as a
// short listing written for klpscope (not the kernel's source, which is
// GPL-2.0), with the kernel's names for functions, fields, flags and
// barriers so that a reader can lay the two side by side. A line that only
// some kernels have says which; the rfc-v2 lines that hold the bug its
// review found say so. Lines that events point at have an id.
export type CodeKernel = 'rfc-v2' | 'v4.12' | 'mainline';
export const CODE_KERNELS: readonly CodeKernel[] = ['rfc-v2', 'v4.12', 'mainline'];

/** Values a line reads or writes, shown beside it when it is the current line. */
export type CodeValue = 'task' | 'patchState' | 'tif' | 'target' | 'transition' | 'patch';

export interface CodeLine {
  /** What events point at; unique within its function. */
  readonly id?: string;
  readonly text: string;
  /** The kernels that have this line; all when absent. */
  readonly only?: readonly CodeKernel[];
  /** Where this line holds the seed's bug (rfc-v2), why. */
  readonly bug?: string;
  readonly shows?: readonly CodeValue[];
}

export interface CodeFunction {
  readonly id: CodeFnId;
  /** The kernel's name. */
  readonly name: string;
  /** Its file in the kernel tree; null for klpscope's own model of the workload. */
  readonly file: string | null;
  readonly lines: readonly CodeLine[];
}

const MERGED: readonly CodeKernel[] = ['v4.12', 'mainline'];
const RFC: readonly CodeKernel[] = ['rfc-v2'];
const MAINLINE: readonly CodeKernel[] = ['mainline'];
const OLD: readonly CodeKernel[] = ['rfc-v2', 'v4.12'];

const l = (id: string, text: string, o: Omit<CodeLine, 'id' | 'text'> = {}): CodeLine => ({ id, text, ...o });
const t = (text: string, o: Omit<CodeLine, 'id' | 'text'> = {}): CodeLine => ({ text, ...o });

const BUG_LATE_TARGET =
  'RFC v2 sets klp_target_state only here, after the immediate return: an immediate patch leaves the previous value (0, KLP_UNPATCHED, at boot) behind.';
const BUG_NO_RESET = 'RFC v2 never puts klp_target_state back to KLP_UNDEFINED: the next immediate patch inherits this value.';

export const CODE_FUNCTIONS = {
  enabled_store: {
    name: 'enabled_store',
    file: 'kernel/livepatch/core.c',
    lines: [
      l('entry', 'enabled_store(kobj, buf):  /* echo N > /sys/kernel/livepatch/P/enabled */'),
      t('  enabled = kstrtobool(buf)'),
      t('  mutex_lock(&klp_mutex)'),
      l('reverse', '  if patch == klp_transition_patch:  /* written during its own transition */', { shows: ['patch', 'target'] }),
      t('      klp_reverse_transition()'),
      l('same', '  else if patch->enabled == enabled:  return -EINVAL'),
      l('enable', '  else if enabled:  __klp_enable_patch(patch)'),
      l('disable', '  else:  __klp_disable_patch(patch)'),
      t('  mutex_unlock(&klp_mutex)'),
    ],
  },
  klp_enable_patch: {
    name: '__klp_enable_patch',
    file: 'kernel/livepatch/core.c',
    lines: [
      l('entry', '__klp_enable_patch(patch):'),
      t('  if klp_transition_patch:  return -EBUSY  /* one transition at a time */'),
      t('  pr_notice("enabling patch \'%s\'")'),
      l('init', '  klp_init_transition(patch, KLP_PATCHED)', { shows: ['target'] }),
      t('  for each object of patch that is loaded:'),
      l('patch-object', '      klp_patch_object(obj)  /* funcs onto their func_stack, ftrace on */', { shows: ['transition'] }),
      l('patch-failed', '      if it failed:  klp_cancel_transition(); return'),
      l('start', '  klp_start_transition()'),
      l('try', '  klp_try_complete_transition()'),
      t('  patch->enabled = true'),
    ],
  },
  klp_disable_patch: {
    name: '__klp_disable_patch',
    file: 'kernel/livepatch/core.c',
    lines: [
      l('entry', '__klp_disable_patch(patch):'),
      t('  if klp_transition_patch:  return -EBUSY'),
      l('init', '  klp_init_transition(patch, KLP_UNPATCHED)', { shows: ['target'] }),
      t('  /* the funcs stay on their stacks until every task has switched back */'),
      l('start', '  klp_start_transition()'),
      l('try', '  klp_try_complete_transition()'),
      t('  patch->enabled = false'),
    ],
  },
  klp_init_transition: {
    name: 'klp_init_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_init_transition(patch, state):'),
      t('  WARN_ON_ONCE(klp_target_state != KLP_UNDEFINED)', { only: MERGED }),
      l('set-patch', '  klp_transition_patch = patch', { shows: ['patch'] }),
      l('set-target-early', '  klp_target_state = state  /* before the immediate check */', { only: MERGED, shows: ['target'] }),
      t('  pr_debug("\'%s\': initializing %s transition")', { only: MAINLINE }),
      l('immediate', '  if patch->immediate:  return  /* no per-task transition */', {
        only: OLD,
        shows: ['target'],
        bug: 'In RFC v2 this return comes before klp_target_state is set: the transition goes on with whatever value the static int holds.',
      }),
      t('  initial = !state'),
      t('  for each task, then the idle task of each CPU:'),
      l('tasks', '      task->patch_state = initial', { shows: ['patchState'] }),
      t('  smp_wmb()  /* tasks\' patch_state before func->transition */'),
      t('  for each func of patch:'),
      l('funcs', '      func->transition = true', { shows: ['transition'] }),
      l('set-target-late', '  klp_target_state = state', { only: RFC, bug: BUG_LATE_TARGET, shows: ['target'] }),
    ],
  },
  klp_start_transition: {
    name: 'klp_start_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_start_transition():'),
      t('  WARN_ON_ONCE(klp_target_state == KLP_UNDEFINED)', { only: MERGED }),
      l('notice', '  pr_notice("\'%s\': %s...", klp_target_state ? "patching" : "unpatching")', {
        shows: ['target'],
        bug: 'In RFC v2 after an immediate patch this reads the stale klp_target_state, so the log can say "unpatching" for an enable.',
      }),
      l('immediate', '  if patch->immediate:  return', { only: OLD }),
      t('  for each task, then the idle task of each CPU:'),
      l('flag', '      if task->patch_state != klp_target_state:  set_tsk_thread_flag(task, TIF_PATCH_PENDING)', { shows: ['target'] }),
      t('  klp_signals_cnt = 0', { only: MAINLINE }),
    ],
  },
  klp_try_switch_task: {
    name: 'klp_try_switch_task',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_try_switch_task(task):', { shows: ['task', 'patchState', 'target'] }),
      l('done', '  if task->patch_state == klp_target_state:  return true'),
      l('no-unwinder', '  if !klp_have_reliable_stack():  return false', { shows: ['task'] }),
      t('  rq = task_rq_lock(task)  /* the task cannot start running now */'),
      l('running', '  if task_curr(task) && task != current:  goto done  /* running elsewhere: its stack moves */', { shows: ['task'] }),
      l('check', '  ret = klp_check_stack(task)  /* see klp_check_stack */', { shows: ['task'] }),
      l('stalled', '  if ret:  goto done  /* inside code this transition retires */', { shows: ['task', 'patchState'] }),
      l('clear', '  clear_tsk_thread_flag(task, TIF_PATCH_PENDING)', { shows: ['tif'] }),
      l('switch', '  task->patch_state = klp_target_state', { shows: ['task', 'patchState', 'target'] }),
      t('done:  task_rq_unlock(rq)'),
    ],
  },
  klp_check_stack: {
    name: 'klp_check_stack',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_check_stack(task):'),
      l('unreliable', '  entries = stack_trace_save_tsk_reliable(task)  /* -EINVAL when it cannot be walked */', { shows: ['task'] }),
      t('  for each object of klp_transition_patch that is patched:'),
      t('      for each func of obj:'),
      l('version', '          patching?  the version below func on its func_stack (or the original) : func\'s new code', { shows: ['target'] }),
      t('          func->immediate:  skip it', { only: ['v4.12'] }),
      l('frame', '          if a frame of entries lies inside that version:  return -EADDRINUSE', { shows: ['task'] }),
      t('  return 0'),
    ],
  },
  klp_try_complete_transition: {
    name: 'klp_try_complete_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_try_complete_transition():'),
      t('  WARN_ON_ONCE(klp_target_state == KLP_UNDEFINED)', { only: MERGED }),
      l('immediate', '  if klp_transition_patch->immediate:  goto success', { only: OLD }),
      t('  for each task:  if !klp_try_switch_task(task): complete = false'),
      t('  for each possible CPU:  /* RFC v2: each online CPU */'),
      t('      if cpu_online(cpu):  if !klp_try_switch_task(idle_task(cpu)): complete = false'),
      t('          wake_up_if_idle(cpu)  /* nudge it round do_idle */', { only: MAINLINE }),
      l('offline', '      else if idle_task(cpu)->patch_state != klp_target_state:  switch it directly', { only: MERGED, shows: ['task', 'patchState'] }),
      l('retry', '  if !complete:', { shows: ['target'] }),
      l('signals', '      if !(klp_signals_cnt % SIGNALS_TIMEOUT):  klp_send_signals()', { only: MAINLINE }),
      t('      klp_signals_cnt++', { only: MAINLINE }),
      l('rearm', '      schedule_delayed_work(&klp_transition_work, round_jiffies_relative(HZ)); return false', { shows: ['target', 'patch'] }),
      l('success', 'success:', { shows: ['target'] }),
      l('rfc-unpatch', '  if klp_target_state == KLP_UNPATCHED:  klp_unpatch_objects(patch)', {
        only: RFC,
        shows: ['target'],
        bug: 'RFC v2 decides by klp_target_state here: a stale KLP_UNPATCHED takes an immediate patch off its func_stacks right after enabling it.',
      }),
      l('notice', '  pr_notice("\'%s\': %s complete")', { only: OLD, shows: ['target'] }),
      l('complete', '  klp_complete_transition()'),
      t('  if !patch->enabled:  klp_free_patch(patch)  /* a disabled patch goes away */', { only: MAINLINE }),
      t('  return true'),
    ],
  },
  klp_complete_transition: {
    name: 'klp_complete_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_complete_transition():', { shows: ['target'] }),
      t('  pr_debug("\'%s\': completing %s transition")', { only: MAINLINE }),
      t('  if klp_target_state == KLP_UNPATCHED:  klp_unpatch_objects(patch); klp_synchronize_transition()', { only: MERGED }),
      t('  if patch->immediate:  goto done', { only: OLD }),
      t('  for each func of patch:  func->transition = false', { shows: ['transition'] }),
      t('  klp_synchronize_transition()  /* no handler still reads the old state */', { only: MERGED }),
      t('  for each task, then each idle task:'),
      t('      WARN_ON_ONCE(test_tsk_thread_flag(task, TIF_PATCH_PENDING))', { only: MERGED }),
      t('      task->patch_state = KLP_UNDEFINED'),
      t('done:'),
      t('  pr_notice("\'%s\': %s complete")', { only: MAINLINE }),
      l('reset', '  klp_target_state = KLP_UNDEFINED', { only: MERGED, shows: ['target'] }),
      l('no-reset', '  /* klp_target_state is left as it is */', { only: RFC, bug: BUG_NO_RESET, shows: ['target'] }),
      l('clear', '  klp_transition_patch = NULL', { shows: ['patch'] }),
    ],
  },
  klp_cancel_transition: {
    name: 'klp_cancel_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_cancel_transition():  /* an enable failed before klp_start_transition */'),
      t('  if WARN_ON_ONCE(klp_target_state != KLP_PATCHED):  return', { only: MERGED }),
      t('  pr_debug("\'%s\': canceling patching transition")', { only: MAINLINE }),
      l('target', '  klp_target_state = KLP_UNPATCHED', { shows: ['target'] }),
      l('complete', '  klp_complete_transition()'),
    ],
  },
  klp_reverse_transition: {
    name: 'klp_reverse_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_reverse_transition():  /* enabled written during the transition */', { shows: ['target'] }),
      t('  pr_debug("\'%s\': reversing transition from %s")', { only: MAINLINE }),
      t('  for each task, then each idle task:  clear_tsk_thread_flag(task, TIF_PATCH_PENDING)', { only: MAINLINE }),
      t('  klp_synchronize_transition()  /* no switcher pairs an old flag with the new target */', { only: MAINLINE }),
      t('  klp_transition_patch->enabled = !klp_transition_patch->enabled'),
      l('flip', '  klp_target_state = !klp_target_state', { shows: ['target'] }),
      t('  for each task, then each idle task:  clear_tsk_thread_flag(task, TIF_PATCH_PENDING)', { only: OLD }),
      t('  smp_wmb()', { only: OLD }),
      l('start', '  klp_start_transition()'),
    ],
  },
  klp_update_patch_state: {
    name: 'klp_update_patch_state',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_update_patch_state(task):  /* task is current, or not running */', { shows: ['task'] }),
      t('  preempt_disable_notrace()', { only: MAINLINE }),
      l('test', '  if test_and_clear_tsk_thread_flag(task, TIF_PATCH_PENDING):', { shows: ['tif'] }),
      l('switch', '      task->patch_state = READ_ONCE(klp_target_state)', { shows: ['task', 'patchState', 'target'] }),
      t('  preempt_enable_notrace()', { only: MAINLINE }),
    ],
  },
  klp_copy_process: {
    name: 'klp_copy_process',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_copy_process(child):  /* from copy_process(), under tasklist_lock */'),
      l('state', '  child->patch_state = current->patch_state', { shows: ['task', 'patchState'] }),
      l('flag', '  child\'s TIF_PATCH_PENDING = current\'s TIF_PATCH_PENDING', { shows: ['tif'] }),
    ],
  },
  klp_send_signals: {
    name: 'klp_send_signals',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_send_signals():  /* every SIGNALS_TIMEOUT failed passes */'),
      l('notice', '  if klp_signals_cnt == SIGNALS_TIMEOUT:  pr_notice("signaling remaining tasks")'),
      t('  for each task with TIF_PATCH_PENDING, not an idle task:'),
      t('      kthread?  wake_up_state(task, TASK_INTERRUPTIBLE)'),
      l('fake', '      else:  set_notify_signal(task)  /* a fake signal: back through the user-space return */'),
    ],
  },
  klp_force_transition: {
    name: 'klp_force_transition',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('entry', 'klp_force_transition():  /* echo 1 > /sys/kernel/livepatch/P/force */'),
      t('  pr_warn("forcing remaining tasks to the patched state")'),
      l('switch', '  for each task, then each idle task:  klp_update_patch_state(task)  /* no stack check */', { shows: ['target'] }),
      t('  if klp_target_state == KLP_UNPATCHED:  the patch\'s module is never released'),
    ],
  },
  klp_ftrace_handler: {
    name: 'klp_ftrace_handler',
    file: 'kernel/livepatch/patch.c',
    lines: [
      l('entry', 'klp_ftrace_handler(ip, parent_ip, fops, regs):  /* on every call of a patched function */'),
      t('  ops = container_of(fops, struct klp_ops, fops)'),
      t('  func = first entry of ops->func_stack  /* the newest patch */'),
      l('transition', '  if func->transition:', { shows: ['transition'] }),
      t('      smp_rmb()  /* pairs with klp_init_transition\'s smp_wmb() */'),
      l('state', '      patch_state = current->patch_state', { shows: ['task', 'patchState'] }),
      t('      WARN_ON_ONCE(patch_state == KLP_UNDEFINED)', { only: MERGED }),
      l('previous', '      if patch_state == KLP_UNPATCHED:  func = the next entry of func_stack (or the original)'),
      t('  if func is the original:  return  /* run the original function */'),
      l('redirect', '  regs->ip = func->new_func  /* run this version */'),
    ],
  },
  klp_module_coming: {
    name: 'klp_module_coming',
    file: 'kernel/livepatch/core.c',
    lines: [
      l('entry', 'klp_module_coming(mod):  /* a module is loading */'),
      t('  for each patch with an object for mod:'),
      t('      klp_init_object_loaded(patch, obj)'),
      l('skip', '      if patch != klp_transition_patch && !patch->enabled:  continue'),
      t('      pr_notice("applying patch \'%s\' to loading module \'%s\'")'),
      l('patch', '      klp_patch_object(obj)  /* its funcs onto their func_stacks */', { shows: ['transition'] }),
      l('failed', '      if it failed:  undo the patches applied so far; refuse the module'),
    ],
  },
  klp_module_going: {
    name: 'klp_module_going',
    file: 'kernel/livepatch/core.c',
    lines: [
      l('entry', 'klp_module_going(mod):  /* a module is going away */'),
      t('  for each patch with an object for mod:'),
      t('      if patch is enabled or in transition:'),
      t('          pr_notice("reverting patch \'%s\' on unloading module \'%s\'")'),
      l('unpatch', '          klp_unpatch_object(obj)  /* its funcs leave their func_stacks */'),
    ],
  },
  klp_transition_work_fn: {
    name: 'klp_transition_work_fn',
    file: 'kernel/livepatch/transition.c',
    lines: [
      l('queued', '/* the delayed work\'s timer fires: klp_transition_work is queued on a kworker */'),
      l('entry', 'klp_transition_work_fn(work):'),
      t('  mutex_lock(&klp_mutex)'),
      l('idle', '  if klp_transition_patch:', { shows: ['patch'] }),
      l('try', '      klp_try_complete_transition()'),
      t('  mutex_unlock(&klp_mutex)'),
    ],
  },
  klp_callbacks: {
    name: 'klp_pre_patch_callback',
    file: 'kernel/livepatch/core.h',
    lines: [
      t('/* an object\'s callbacks (v4.15+): around patching and unpatching it */', { only: MAINLINE }),
      l('entry', 'klp_pre_patch_callback(obj):  /* before klp_patch_object */', { only: MAINLINE }),
      l('pre-patch', '  ret = obj->callbacks.pre_patch ? obj->callbacks.pre_patch(obj) : 0', { only: MAINLINE }),
      t('  obj->callbacks.post_unpatch_enabled = !ret  /* post_unpatch only after a good pre_patch */', { only: MAINLINE }),
      l('pre-patch-failed', '  if ret:  the enable fails: klp_cancel_transition(); a coming module is refused', { only: MAINLINE, shows: ['patch'] }),
      t('klp_post_patch_callback(obj):  /* once the patching transition completes */', { only: MAINLINE }),
      t('klp_pre_unpatch_callback(obj):  /* before the unpatching transition starts */', { only: MAINLINE }),
      t('klp_post_unpatch_callback(obj):  /* after it completes, if enabled; then disabled */', { only: MAINLINE }),
    ],
  },
  workload: {
    name: 'the workload (klpscope\'s model)',
    file: null,
    lines: [
      t('/* not kernel code: how klpscope\'s tasks reach the livepatch hooks */'),
      l('syscall', 'syscall(task):  enter the kernel; call the syscall\'s function chain through the ftrace handler', { shows: ['task'] }),
      l('sleep', '    may sleep inside the chain (its frames stay on the stack)', { shows: ['task'] }),
      l('wake', 'wakeup(task):  runnable again, queued on its CPU', { shows: ['task'] }),
      l('user-return', 'exit_to_user_mode(task):  /* returning to user space: its stack is empty */', { shows: ['task'] }),
      l('user-switch', '    if TIF_PATCH_PENDING:  klp_update_patch_state(task)', { shows: ['task', 'tif', 'patchState'] }),
      l('tick', 'scheduler_tick → schedule():  the slice ends; the next runnable task runs', { shows: ['task'] }),
      l('fork', 'fork:  copy_process() → klp_copy_process(child); the child returns to user space', { shows: ['task'] }),
      l('kthread', 'kthread loop:  wake, do the work (through patched functions), sleep', { shows: ['task'] }),
      l('idle', 'do_idle():  at the end of each pass, klp_update_patch_state(current)', { shows: ['task', 'patchState'] }),
      l('hotplug', 'cpu up / down:  an offline CPU runs nothing; its tasks move'),
      l('shell', 'sh:  reads the script, runs each command, sleeps or waits on /sys/kernel/livepatch/P/transition', { shows: ['task'] }),
      l('oops', 'a return into code of a module that was removed:  BUG (oops)', { shows: ['task'] }),
    ],
  },
} satisfies Record<string, Omit<CodeFunction, 'id'>>;

export type CodeFnId = keyof typeof CODE_FUNCTIONS;

export function codeFunction(id: CodeFnId): CodeFunction {
  return { id, ...CODE_FUNCTIONS[id] };
}

/** The lines a kernel has (its listing). */
export const linesOf = (f: CodeFunction, kernel: CodeKernel): CodeLine[] => f.lines.filter((x) => x.only === undefined || x.only.includes(kernel));

/**
 * A plain link to the function at the variant's kernel version: Elixir for
 * v4.12 and a recent mainline tag; RFC v2 was never merged, so its link is
 * the patch's thread on lore.kernel.org.
 */
export function sourceLink(f: CodeFunction, kernel: CodeKernel): string | null {
  if (f.file === null) return null;
  if (kernel === 'rfc-v2') return 'https://lore.kernel.org/lkml/?q=%22livepatch%3A+change+to+a+per-task+consistency+model%22';
  return `https://elixir.bootlin.com/linux/${kernel === 'v4.12' ? 'v4.12' : RECENT_TAG}/A/ident/${f.name}`;
}

/** The recent kernel the mainline variant links to. */
export const RECENT_TAG = 'v6.12';
