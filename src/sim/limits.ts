// Every bound a run is held to, in one place (docs/scenario.md §12). Each
// keeps one resource finite: memory (tasks, file sizes, events), the cost of
// a random draw (time ranges), and how long a run may go on (events,
// simulated time). The CLI, the app and the worker all read them from here.
import { enNumber } from './format.ts';

/** Tasks in all task groups of a scenario together. */
export const MAX_GROUP_TASKS = 1_000_000;

/**
 * The most tasks a run ever has, built-in and forked ones included and dead
 * ones counted (pids are never reused): the simulation's `pid_max`. A fork
 * past it fails with -EAGAIN, as the kernel's `copy_process()` does once
 * `max_threads` or the pid space is used up.
 */
export const PID_MAX = 1_048_576;

/** A scenario document, a script file and the editor's text: at most this many bytes (4 MiB). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The upper end of a `[MIN, MAX]` range of milliseconds (one hour): every
 * draw stays a cheap 32-bit one (3.6e9 µs < 2^32).
 */
export const MAX_RANGE_MS = 3_600_000;

/** The longest `sleep` of the script (one hour, as the ranges). */
export const MAX_SLEEP_SECONDS = 3_600;

/** Events in one run: the run stops there, and says so. */
export const MAX_EVENTS = 10_000_000;

/** Simulated time of one run (one day, in µs): the run stops there, and says so. */
export const MAX_SIM_TIME_US = 86_400_000_000;

/**
 * The byte budget the app gives the engine's trace and checkpoints
 * (EngineOptions.byteBudget): 448 MiB, so that a worker stays within 512 MB
 * with everything else it holds. A long run past it thins old checkpoints,
 * then stops with limit 'memory'.
 */
export const MEMORY_BUDGET_BYTES = 448 * 2 ** 20;

/** Why a run stopped before its end: the events per run, the simulated time, or the memory budget of the trace and checkpoints (EngineOptions.byteBudget). */
export type LimitKind = 'events' | 'time' | 'memory';

/** What the CLI's stderr and the app's timeline say when a run reaches a limit. */
export function limitMessage(kind: LimitKind, maxEvents = MAX_EVENTS, maxTimeUs = MAX_SIM_TIME_US, byteBudget = MEMORY_BUDGET_BYTES): string {
  switch (kind) {
    case 'events':
      return `stopped at the limit of ${enNumber(maxEvents)} events per run, before the scenario ended`;
    case 'time':
      return `stopped at the limit of ${enNumber(maxTimeUs / 1e6)} simulated seconds per run, before the scenario ended`;
    case 'memory':
      return `stopped at the memory budget of ${enNumber(Math.round(byteBudget / 2 ** 20))} MB for the trace and checkpoints (old checkpoints already thinned), before the scenario ended`;
  }
}
