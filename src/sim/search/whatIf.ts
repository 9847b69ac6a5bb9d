// "What if" switches: each takes one safeguard out of the modelled kernel.
// A scenario lists them in `whatIf`; a run with any of them is not the real
// kernel, and the app says so. Each entry says what the safeguard is for
// and where the kernel has it (spec/kernel-model.md sections in brackets).
// The branches themselves are small `k.whatIf.has(id)` tests at the sites.

export interface WhatIf {
  readonly id: string;
  /** A short title: what is taken out. */
  readonly title: string;
  /** What the model does instead. */
  readonly change: string;
  /** What the safeguard is for: the interleaving it rules out. */
  readonly why: string;
  /** Where the kernel has it: function, file and commit. */
  readonly kernel: string;
  /** The kernels the switch means something in. */
  readonly variants: readonly ('rfc-v2' | 'v4.12' | 'mainline')[];
}

export const WHAT_IFS: readonly WhatIf[] = [
  {
    id: 'no-previous-version-check',
    title: 'The stack check looks for the wrong version',
    change: 'When patching, klp_check_stack_func looks for the new function on the stack instead of the version below it (the original, or the previous patch\'s).',
    why: 'A task may switch to the new code only if it is not inside the code it ran so far. Looking for the new function, which nobody unswitched runs yet, lets a task asleep in the old function switch: when it wakes it returns into old code while its calls go to new code.',
    kernel: 'klp_check_stack_func() in kernel/livepatch/transition.c, from d83a7cb375ee "livepatch: change to a per-task consistency model" (v4.12) [§2.3]',
    variants: ['rfc-v2', 'v4.12', 'mainline'],
  },
  {
    id: 'skip-idle-tasks',
    title: 'The transition does not walk the idle tasks',
    change: 'klp_try_complete_transition checks only the task list, not the idle task of each CPU (idle tasks are not on the task list).',
    why: 'Idle tasks are tasks too: they call kernel functions and have patch states. An idle task switches at the end of do_idle(), but a CPU that stays busy never gets there; without the walk, the transition completes while that idle task has not switched.',
    kernel: 'the for_each_possible_cpu() loop over idle_task(cpu) in klp_try_complete_transition(), kernel/livepatch/transition.c, d83a7cb375ee (v4.12) [§2.4]',
    variants: ['v4.12', 'mainline'],
  },
  {
    id: 'no-fork-inherit',
    title: 'A forked child does not inherit its parent\'s patch state',
    change: 'klp_copy_process gives the child the target state and no TIF_PATCH_PENDING, whatever its parent\'s state.',
    why: 'A child starts as a copy of its parent: a kthread child has its parent\'s stack, frames of the old code among them. Only the parent\'s state says which version those frames may call into; a child that starts at the target mixes versions in one call chain.',
    kernel: 'klp_copy_process(), called from copy_process() in kernel/fork.c, d83a7cb375ee (v4.12); the flag is copied too since "livepatch: fix race between fork and KLP transition" (2022) [§2.9]',
    variants: ['rfc-v2', 'v4.12', 'mainline'],
  },
  {
    id: 'no-init-wmb',
    title: 'No write barrier in klp_init_transition',
    change: 'Without the smp_wmb() between the tasks\' initial patch_state and func->transition, a CPU that has not scheduled since may see func->transition set while it still reads the task\'s patch_state as KLP_UNDEFINED (a race choice of the search).',
    why: 'The ftrace handler reads func->transition, then the task\'s patch_state. Seen in the wrong order, KLP_UNDEFINED is neither state: the handler warns and runs the new function in a task that has not switched.',
    kernel: 'smp_wmb() in klp_init_transition(), paired with smp_rmb() in klp_ftrace_handler() (kernel/livepatch/patch.c), d83a7cb375ee (v4.12) [§4 B1]',
    variants: ['v4.12', 'mainline'],
  },
  {
    id: 'no-complete-sync',
    title: 'No synchronisation in klp_complete_transition',
    change: 'Without klp_synchronize_transition() after klp_unpatch_objects(), a task running on another CPU may still be inside the ftrace handler with the func it took from the func_stack before it was removed (a race choice of the search).',
    why: 'Unpatching takes the func off its func_stack, then clears func->transition. A handler that read the stack before the removal would then run the patch\'s code after the transition said nobody does, and the module may be freed under it.',
    kernel: 'klp_synchronize_transition() (schedule_on_each_cpu) after klp_unpatch_objects() in klp_complete_transition(), kernel/livepatch/transition.c, v4.12 [§4 B5, B8]',
    variants: ['v4.12', 'mainline'],
  },
];

export const WHAT_IF_IDS: readonly string[] = WHAT_IFS.map((w) => w.id);

export function whatIfById(id: string): WhatIf | undefined {
  return WHAT_IFS.find((w) => w.id === id);
}
