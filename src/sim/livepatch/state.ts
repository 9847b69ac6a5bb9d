// The livepatch core's data: struct klp_patch, klp_object, klp_func and
// klp_ops, and the globals of kernel/livepatch/transition.c.
import { KLP_UNDEFINED } from '../types.ts';
import type { KlpState, SimTime } from '../types.ts';
import { must } from '../must.ts';

export interface KlpFunc {
  readonly id: number;
  readonly patch: number;
  readonly oldName: string;
  /** The function replaced (`old_func`), as a world function id. */
  readonly oldFn: number;
  /** What the new function prints when a file backed by it is read. */
  readonly output?: string;
  /** v4.12 func-level `immediate`: the stack check ignores this func. */
  readonly immediate: boolean;
  /** On its func_stack, visible to the ftrace handler. */
  patched: boolean;
  /** Being applied or reverted: the handler consults the task's patch_state. */
  transition: boolean;
  /**
   * mainline atomic replace: a dynamic no-op func for a function an older
   * patch changes and this one does not; its "new" code is the original.
   */
  readonly nop?: boolean;
}

export interface KlpObject {
  /** `vmlinux` or a module name. */
  readonly name: string;
  /** Func ids; replaced, never changed in place (checkpoints share it). */
  funcs: readonly number[];
  patched: boolean;
  /** It has the four callbacks (mainline, v4.15+). */
  readonly callbacks: boolean;
  /** callbacks.post_unpatch_enabled: its pre_patch callback succeeded. */
  postUnpatchEnabled: boolean;
  /** Created by atomic replace to hold nops for an object the patch does not name. */
  readonly dynamic?: boolean;
}

export interface KlpPatch {
  readonly id: number;
  /** The livepatch module's name (`patch->mod->name`). */
  readonly mod: string;
  /** Replaced, never changed in place (checkpoints share it). */
  objects: readonly KlpObject[];
  /** rfc-v2 and v4.12: patch-level `immediate`, no per-task transition at all. */
  readonly immediate: boolean;
  /** Requested state; flipped by a reversal. */
  enabled: boolean;
  /** mainline: involved in a forced transition, so its module is never released. */
  forced: boolean;
  /** The patch holds a reference on its own module (try_module_get). */
  holdsModuleRef: boolean;
  /** Its sysfs directory exists (registered in v4.12, not yet freed in mainline). */
  registered: boolean;
  /** mainline: atomic replace (a cumulative patch that replaces every older one). */
  readonly replace: boolean;
}

export interface KlpGlobals {
  /** klp_target_state. */
  targetState: KlpState;
  /** klp_transition_patch: a patch id, or -1 for NULL. */
  transitionPatch: number;
  /** klp_signals_cnt (mainline). */
  signalsCnt: number;
  /** klp_patches in list order (patch ids). */
  patches: number[];
  /** Every patch ever created, by id. */
  all: KlpPatch[];
  /** Every klp_func ever created, by id; frames refer to them after their patch is gone. */
  funcs: KlpFunc[];
  /** klp_ops per replaced function id: its func_stack, head (newest) first. */
  funcStack: (number[] | undefined)[];
  /** When the delayed klp_transition_work fires, -1 when not armed. */
  workAt: SimTime | -1;
  /** Generation of the work timer. */
  workGen: number;
  /**
   * What the operation in progress asked for. Not a kernel variable: the
   * simulator's own record, to check that the kernel did what was asked
   * (the seed bug makes it do the opposite).
   */
  requested: KlpState;
  /** The completion in progress comes from klp_cancel_transition (a failed enable). */
  cancelling: boolean;
  /** Whether a WARN_ON_ONCE has fired already, by site. */
  warned: string[];
  /** Each CPU's timer generation when klp_init_transition last ran (what if `no-init-wmb`); replaced, never changed. */
  initTimerGen: readonly number[];
}

export function createKlpGlobals(initialTarget: KlpState): KlpGlobals {
  return {
    targetState: initialTarget,
    transitionPatch: -1,
    signalsCnt: 0,
    patches: [],
    all: [],
    funcs: [],
    funcStack: [],
    workAt: -1,
    workGen: 0,
    requested: KLP_UNDEFINED,
    cancelling: false,
    warned: [],
    initTimerGen: [],
  };
}

export function cloneKlpGlobals(g: KlpGlobals): KlpGlobals {
  return {
    ...g,
    patches: g.patches.slice(),
    all: g.all.map((p) => ({ ...p, objects: p.objects.map((o) => ({ ...o })) })),
    funcs: g.funcs.map((f) => ({ ...f })),
    funcStack: g.funcStack.map((s) => s?.slice()),
    warned: g.warned.slice(),
  };
}

/** The klp_func with id `id`: objects, func stacks and frames hold only ids of funcs created. */
export const funcById = (g: KlpGlobals, id: number): KlpFunc => must(g.funcs[id], 'klp func', id);

/** The klp_patch with id `id`: the patch list, funcs and modules hold only ids of patches created. */
export const patchById = (g: KlpGlobals, id: number): KlpPatch => must(g.all[id], 'klp patch', id);

export const funcsOf = (g: KlpGlobals, p: KlpPatch): KlpFunc[] => p.objects.flatMap((o) => o.funcs.map((f) => funcById(g, f)));

