// The guarantees the simulator checks after every event, by number: what
// each one promises, in two sentences, and the kernel mechanism that keeps
// it. Our own words; the numbers are those the violation messages use.
import { INVARIANT_NAMES } from '../sim/types.ts';
import type { InvariantId } from '../sim/types.ts';

export interface Guarantee {
  readonly id: InvariantId;
  readonly name: string;
  /** Two sentences: what holds, and why it matters. */
  readonly promise: string;
  /** The kernel code that upholds it. */
  readonly mechanism: string;
  /** What `immediate` or `force` give up of it, if anything. */
  readonly givenUpBy?: string;
}

const TEXT: Readonly<Record<InvariantId, Omit<Guarantee, 'id' | 'name'>>> = {
  1: {
    promise: 'At most one patch is in transition at any time. Enabling or disabling another patch meanwhile is refused with EBUSY.',
    mechanism: 'enabled_store and the enable path check klp_transition_patch under klp_mutex before starting anything.',
  },
  2: {
    promise: 'Outside a transition, klp_target_state is undefined (-1), every task\'s patch_state is -1 and no task has TIF_PATCH_PENDING. Nothing is left behind that the next transition could misread.',
    mechanism: 'klp_complete_transition resets every task (idle tasks included) and the target before it clears klp_transition_patch.',
  },
  3: {
    promise: 'During a transition every task is either at the target state or at its opposite. After klp_start_transition, exactly the tasks not yet at the target carry TIF_PATCH_PENDING.',
    mechanism: 'klp_init_transition gives every task the initial state; klp_start_transition sets the flag on each task that still has to move.',
    givenUpBy: 'an immediate patch (no per-task state at all)',
  },
  4: {
    promise: 'A transition completes only after one full pass finds every task, and every online CPU\'s idle task, at the target. Offline CPUs\' idle tasks are switched directly, since they run nothing.',
    mechanism: 'klp_try_complete_transition calls klp_try_switch_task on every task and idle task and calls klp_complete_transition only if none failed.',
    givenUpBy: 'an immediate patch',
  },
  5: {
    promise: 'A task switches only where none of the versions it would stop using is on its stack: after a stack check, on the way back to user space, at the end of the idle loop, or as a child before its first run. So no call chain ever mixes old and new versions of one patch\'s functions.',
    mechanism: 'klp_try_switch_task with klp_check_stack, and klp_update_patch_state on the exit-to-user path and in do_idle; klp_ftrace_handler picks the version by the caller\'s patch_state.',
    givenUpBy: 'immediate (everyone switches at once) and force (tasks switched without a check)',
  },
  6: {
    promise: 'The ftrace handler never finds a function in transition while the calling task\'s patch_state is undefined. It always knows which version that task must run.',
    mechanism: 'klp_init_transition sets every patch_state before marking the funcs in transition, with a write barrier the handler\'s read barrier pairs with.',
  },
  7: {
    promise: 'When an unpatching transition completes, no task runs or sleeps in the patch\'s new code and its funcs are off every func_stack. Only then may the module be removed.',
    mechanism: 'The unpatch transition itself (every task switched back by the rules of invariant 5), klp_unpatch_objects and a synchronisation with the handler before the module reference is dropped.',
    givenUpBy: 'immediate and force, which therefore keep the module reference for good',
  },
  8: {
    promise: 'Each func goes through patched/transition states in order: (0,0), (0,1), (1,1), (1,0) when patching, the reverse when unpatching. The handler never sees a combination that does not exist.',
    mechanism: 'klp_init_transition sets transition, klp_patch_object sets patched, klp_complete_transition clears transition, klp_unpatch_objects clears patched.',
  },
  9: {
    promise: 'A forked child starts with its parent\'s patch_state, and with its parent\'s TIF_PATCH_PENDING. The transition goes on tracking it exactly like its parent.',
    mechanism: 'klp_copy_process, called from copy_process under tasklist_lock.',
  },
  10: {
    promise: 'Writing enabled during a transition reverses it: the new target is the old one\'s opposite and enabled flips. Every task not at the new target gets TIF_PATCH_PENDING again and the retries go on.',
    mechanism: 'klp_reverse_transition, called from enabled_store when the patch is the one in transition.',
  },
  11: {
    promise: 'When an operation completes, the patch is applied exactly when the operation was an enable. sysfs and the code that actually runs agree.',
    mechanism: 'klp_target_state, set by klp_init_transition before any early return, decides in klp_try_complete_transition whether the funcs are unpatched. RFC v2\'s seed bug broke this for immediate patches.',
  },
  12: {
    promise: 'No task executes code of a module that is not loaded. A module is removed only when nothing can still be running in it.',
    mechanism: 'The module reference a patch holds until unpatching has completed (invariant 7), and rmmod\'s refusal while the module is in use.',
  },
};

export const GUARANTEES: readonly Guarantee[] = Object.entries(TEXT).map(([k, t]) => {
  const id = Number(k) as InvariantId;
  return { id, name: INVARIANT_NAMES[id], ...t };
});

/** An "invariant N" in a text: the words as written, and N. */
export interface InvariantMention {
  readonly words: string;
  readonly invariant: InvariantId;
}

const MENTION = /\b[Ii]nvariant (\d{1,2})\b/g;

/**
 * A text split at every mention of an invariant by number (1–12): plain
 * strings and the mentions, in order. A number that is no invariant stays text.
 */
export function invariantMentions(text: string): (string | InvariantMention)[] {
  const out: (string | InvariantMention)[] = [];
  let from = 0;
  for (const m of text.matchAll(MENTION)) {
    const n = Number(m[1]);
    if (!GUARANTEES.some((g) => g.id === n)) continue;
    const at = m.index;
    if (at > from) out.push(text.slice(from, at));
    out.push({ words: m[0], invariant: n as InvariantId });
    from = at + m[0].length;
  }
  if (from < text.length || out.length === 0) out.push(text.slice(from));
  return out;
}
