// Basic vocabulary of the simulation: times, states, events.
import type { EventArgs, EventKind } from './events.ts';

/** Simulated time in microseconds since boot. */
export type SimTime = number & { readonly __brand: 'SimTime' };
export const usec = (n: number): SimTime => n as SimTime;

/** Index of a task in the task table (not its pid: every idle task has pid 0). */
export type TaskId = number & { readonly __brand: 'TaskId' };
export type CpuId = number;

/** `klp_target_state` and `task->patch_state` values (KLP_TRANSITION_* since v6.10). */
export const KLP_UNDEFINED = -1;
export const KLP_UNPATCHED = 0;
export const KLP_PATCHED = 1;
export type KlpState = -1 | 0 | 1;

export type LogLevel = 'notice' | 'info' | 'warn' | 'err' | 'debug';

export interface LogLine {
  readonly time: SimTime;
  readonly text: string;
  readonly level: LogLevel;
  /** A per-task stall line of klp_try_switch_task (shown only on request). */
  readonly taskDebug?: boolean;
  /** Output of `cat`/`grep` to standard output rather than the kernel log. */
  readonly stdout?: boolean;
  /** The `% LINE` echo of a shell command (a line written to /dev/kmsg is never one). */
  readonly command?: boolean;
}

/**
 * The guarantees of spec/kernel-model.md §7 (1–10), plus two that the
 * simulator adds: 11, a completed operation left the patch applied exactly
 * when it was an enable; 12, no task executes code of an unloaded module.
 */
export type InvariantId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12;

export const INVARIANT_NAMES: Readonly<Record<InvariantId, string>> = {
  1: 'single transition',
  2: 'idle means undefined',
  3: 'two-valued during transition',
  4: 'completion precondition',
  5: 'per-task consistency',
  6: 'handler never sees an undefined state',
  7: 'unpatch safety',
  8: 'func state machine',
  9: 'fork inheritance',
  10: 'reversal',
  11: 'request honoured',
  12: 'no code of an unloaded module runs',
};

/**
 * A broken guarantee. `givenUp` marks what `immediate` or `force` knowingly
 * give up: reported, but not an error.
 */
export interface Violation {
  readonly invariant: InvariantId;
  readonly pid?: number;
  readonly comm?: string;
  readonly text: string;
  readonly givenUp?: 'immediate' | 'force';
}

/** One task's patch state change, recorded in the event that caused it. */
export interface Switch {
  readonly task: TaskId;
  readonly from: KlpState;
  readonly to: KlpState;
}

/** The fields every event has, whatever its kind. */
export interface EventBase {
  /** 1-based position in the trace. */
  readonly step: number;
  /** The operation (a command, a timer's handler) the event belongs to; consecutive events of one operation share it. */
  readonly op: number;
  readonly time: SimTime;
  /** The kernel function modelled (`klp_try_switch_task`, ...) or a workload kind: EVENT_FN of the kind. */
  readonly fn: string;
  /** Part of the livepatch machinery, as opposed to the workload. */
  readonly livepatch: boolean;
  readonly task?: TaskId;
  readonly pid?: number;
  /** The task's comm, for its name in the narration. */
  readonly comm?: string;
  readonly cpu?: CpuId;
  readonly log: readonly LogLine[];
  readonly switches: readonly Switch[];
  readonly violations: readonly Violation[];
}

/** An event of one kind, with that kind's arguments. */
export type EventOf<K extends EventKind> = EventBase & { readonly kind: K; readonly args: EventArgs[K] };

/** One event of the trace: a typed record; describeEvent writes its narration. */
export type SimEvent = { [K in EventKind]: EventOf<K> }[EventKind];
