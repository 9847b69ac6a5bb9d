// The names of the simulation's numeric codes, in one place: the view, the
// narration and the panels read a task kind, a run state or a patch state's
// name from here rather than writing the table out again by index.
import type { RunState, TaskKind } from './machine/tasks.ts';
import { KLP_PATCHED } from './types.ts';
import type { KlpState } from './types.ts';

/** Task kinds by TaskKind value (src/sim/machine/tasks.ts). */
export const TASK_KIND_NAMES = ['idle', 'shell', 'kworker', 'user', 'kthread'] as const satisfies { readonly [K in TaskKind]: string };
export type TaskKindName = (typeof TASK_KIND_NAMES)[number];
export const taskKindName = (kind: number): TaskKindName | undefined => TASK_KIND_NAMES[kind];

/** Run states, as the UI shows a task, by RunState value. */
export const RUN_STATE_NAMES = ['user', 'running', 'runnable', 'sleeping', 'dead'] as const satisfies { readonly [R in RunState]: string };
export type RunStateName = (typeof RUN_STATE_NAMES)[number];
export const runStateName = (run: number): RunStateName | undefined => RUN_STATE_NAMES[run];

/** A task's patch_state (or klp_target_state) in words, by KlpState value. */
export const PATCH_STATE_NAMES = { [-1]: 'undefined', 0: 'unpatched', 1: 'patched' } as const satisfies { readonly [S in KlpState]: string };
export type PatchStateName = (typeof PATCH_STATE_NAMES)[KlpState];
/** `patched`, `unpatched`, `undefined`; `state N` for a value no task has. */
export const patchStateName = (s: number): string => (PATCH_STATE_NAMES as Readonly<Record<number, PatchStateName>>)[s] ?? `state ${s}`;

/** The kernel's macro names of the states: KLP_UNDEFINED, KLP_UNPATCHED, KLP_PATCHED. */
export const KLP_STATE_MACROS = { [-1]: 'KLP_UNDEFINED', 0: 'KLP_UNPATCHED', 1: 'KLP_PATCHED' } as const satisfies { readonly [S in KlpState]: string };
export const klpStateMacro = (s: number): string | undefined => (KLP_STATE_MACROS as Readonly<Record<number, string>>)[s];

/** A transition to `target` as the kernel's messages name it: `patching` or `unpatching`. */
export const stateWord = (target: KlpState): 'patching' | 'unpatching' => (target === KLP_PATCHED ? 'patching' : 'unpatching');

/** The state a finished switch to `target` leaves: `patched` or `unpatched`. */
export const stateWordPast = (target: KlpState): 'patched' | 'unpatched' => (target === KLP_PATCHED ? 'patched' : 'unpatched');
