// Guided tours of a scenario: a list of stops, each a short text for the
// student and a condition (plain data, so that a tour can live in a preset,
// a URL or a JSON file) that says at which step of the trace the stop is.
// The evaluator is pure: it reads events and the engine, never the UI.
import type { Engine } from '../engine.ts';
import type { InvariantId, KlpState, SimEvent } from '../types.ts';

/** Where a tour stop is: the first step (after the previous stop's) where this holds. */
export type TourCondition =
  /** Step 0: the machine has booted, nothing has run yet. */
  | { readonly kind: 'start' }
  /** An event that models kernel function (or workload kind) `fn`; with `comm`, about a task of that name. */
  | { readonly kind: 'event'; readonly fn: string; readonly comm?: string }
  /** An event that writes a line (kernel log or `cat` output) containing `includes`. */
  | { readonly kind: 'log'; readonly includes: string }
  /** A task switches patch state; optionally only a task named `comm`, only from or to a given state. */
  | { readonly kind: 'switch'; readonly comm?: string; readonly from?: KlpState; readonly to?: KlpState }
  /** The first event at or after `atLeast` µs of simulated time. */
  | { readonly kind: 'time'; readonly atLeast: number }
  /**
   * A broken guarantee is reported. `givenUp` narrows it to what `immediate`
   * or `force` knowingly give up, or, with `'none'`, to a real violation;
   * `invariant` to one of spec/kernel-model.md §7's numbers.
   */
  | { readonly kind: 'violation'; readonly givenUp?: 'immediate' | 'force' | 'none'; readonly invariant?: InvariantId }
  /** The script has run to its end and no transition is in progress. */
  | { readonly kind: 'settled' };

/**
 * What a stop is about, so that arriving there can show it: the tasks are
 * selected in the inspector, the CPU row and the function's func_stack are
 * highlighted, the panel is scrolled into view and the log line is marked
 * (debug lines are shown when the quoted line is one).
 */
export interface StopSpotlight {
  /** Tasks by comm (every task of that name) or by pid (`"pid 4"` is written `4`); the first is selected in the inspector. */
  readonly tasks?: readonly (string | number)[];
  readonly cpu?: number;
  /** A patched function, as named in the func_stacks panel. */
  readonly function?: string;
  /** A panel id, as in links' `l=` (src/app/link.ts PANEL_IDS). */
  readonly panel?: string;
  /** Text of a log line (kernel log or `cat` output) up to this step that the stop quotes. */
  readonly logLine?: string;
}

/** Which tasks an expectation is about: every live task of a comm, or the one with a pid. */
export type TaskSelector = { readonly comm: string; readonly pid?: undefined } | { readonly pid: number; readonly comm?: undefined };

/**
 * A claim a stop makes about the model, checked at the stop's step by a test
 * of every preset (test/sim/tourExpect.test.ts). Plain data.
 */
export type StopExpectation =
  /** Every selected task has this patch_state and/or TIF_PATCH_PENDING flag. */
  | (TaskSelector & { readonly kind: 'task'; readonly patchState?: KlpState; readonly pending?: boolean })
  /** Live tasks by patch_state, and how many have TIF_PATCH_PENDING; only the fields given are checked. */
  | { readonly kind: 'counts'; readonly undefined?: number; readonly unpatched?: number; readonly patched?: number; readonly pending?: number }
  /** A line containing `includes` has (or has not) been written by this step. */
  | { readonly kind: 'log'; readonly includes: string; readonly present: boolean }
  /** A livepatch global, by the kernel's name. */
  | { readonly kind: 'global'; readonly name: 'klp_target_state'; readonly value: KlpState }
  | { readonly kind: 'global'; readonly name: 'klp_transition_patch'; readonly value: string | null }
  | { readonly kind: 'global'; readonly name: 'klp_signals_cnt'; readonly value: number }
  /** Whether klp_transition_work is armed (a retry pass is due). */
  | { readonly kind: 'global'; readonly name: 'klp_transition_work'; readonly value: boolean };

/**
 * Predict, then reveal: a question asked at a stop, answered when the student
 * plays on to the next stop. The answer the student picks stays in the page.
 */
export interface StopQuestion {
  readonly ask: string;
  /** Two to four answers. */
  readonly answers: readonly string[];
  /** Index of the right answer. */
  readonly correct: number;
  /** Why, in one or two sentences, shown with the answer at the next stop. */
  readonly why: string;
}

export interface TourStop {
  /** One to three plain sentences addressed to the student. */
  readonly text: string;
  readonly when: TourCondition;
  readonly spotlight?: StopSpotlight;
  /** Claims of `text` about the state at this stop, checked by a test. */
  readonly expect?: readonly StopExpectation[];
  readonly question?: StopQuestion;
}

/** What a condition may look at besides the event: the point in the trace. */
export interface StopContext {
  /** Events processed: 0 before the first one. */
  readonly step: number;
  /** Simulated time in µs. */
  readonly time: number;
  /** The script is done and no transition is in progress (Engine.settled). */
  readonly settled: boolean;
  /** The comm of a task (a TaskId, as in SimEvent.task and Switch.task). */
  comm(task: number): string;
}

/**
 * Whether `cond` holds at the step whose event is `event` (null for step 0,
 * before any event).
 */
export function stopMatches(cond: TourCondition, event: SimEvent | null, ctx: StopContext): boolean {
  switch (cond.kind) {
    case 'start':
      return ctx.step === 0;
    case 'settled':
      return ctx.settled;
    case 'time':
      return ctx.time >= cond.atLeast;
    case 'event':
      return event !== null && event.fn === cond.fn && (cond.comm === undefined || (event.task !== undefined && ctx.comm(event.task) === cond.comm));
    case 'log':
      return event !== null && event.log.some((l) => l.text.includes(cond.includes));
    case 'switch':
      return (
        event !== null &&
        event.switches.some(
          (s) => (cond.to === undefined || s.to === cond.to) && (cond.from === undefined || s.from === cond.from) && (cond.comm === undefined || ctx.comm(s.task) === cond.comm),
        )
      );
    case 'violation':
      return (
        event !== null &&
        event.violations.some(
          (v) =>
            (cond.invariant === undefined || v.invariant === cond.invariant) &&
            (cond.givenUp === undefined || (cond.givenUp === 'none' ? v.givenUp === undefined : v.givenUp === cond.givenUp)),
        )
      );
  }
}

export interface FindOptions {
  /** At most this many steps are examined after `fromStep` (default 2,000,000). */
  readonly maxSteps?: number;
}

const DEFAULT_MAX_STEPS = 2_000_000;

/**
 * The first step after `fromStep` (at or after it, for `start`) where `cond`
 * holds, or undefined if there is none within the bound. Scans the trace,
 * computing further events when it runs out. The engine is left at the step
 * it was at (a step beyond the trace's old end may have been computed).
 */
export function findStopStep(engine: Engine, cond: TourCondition, fromStep: number, options: FindOptions = {}): number | undefined {
  if (cond.kind === 'start') return fromStep <= 0 ? 0 : undefined;
  const home = engine.step;
  const last = fromStep + (options.maxSteps ?? DEFAULT_MAX_STEPS);
  /** The engine's position is only moved for `settled` (state at each step) and for comms of tasks created later. */
  const commOf = (task: number): string => {
    const tasks = engine.state.tasks;
    const comm = task < tasks.count ? tasks.comm[task] : undefined;
    if (comm !== undefined) return comm;
    // A task born after the current point (a forked child): its comm is known at the end of the trace.
    engine.seek(engine.trace.length);
    return engine.state.tasks.comm[task] ?? '';
  };
  try {
    if (cond.kind === 'settled') return scanWithState(engine, cond, Math.max(0, fromStep), last);
    for (let step = Math.max(0, fromStep) + 1; step <= last; step++) {
      const e = eventAt(engine, step);
      if (e === undefined) return undefined;
      if (stopMatches(cond, e, { step, time: e.time, settled: false, comm: commOf })) return step;
    }
    return undefined;
  } finally {
    if (engine.step !== home) engine.seek(home);
  }
}

/** The event of `step`, computing forward from the end of the trace if needed. */
function eventAt(engine: Engine, step: number): SimEvent | undefined {
  while (engine.trace.length < step) {
    if (engine.step < engine.trace.length) engine.seek(engine.trace.length);
    if (engine.stepForward() === undefined) return undefined;
  }
  return engine.trace[step - 1];
}

/** For conditions on the state after each step: walk the engine itself. */
function scanWithState(engine: Engine, cond: TourCondition, fromStep: number, last: number): number | undefined {
  // Right after an event, every task it names exists in the state.
  const comm = (task: number): string => engine.state.tasks.comm[task] ?? '';
  engine.seek(fromStep);
  while (engine.step < last) {
    const e = engine.stepForward();
    if (e === undefined) return undefined;
    if (stopMatches(cond, e, { step: engine.step, time: e.time, settled: engine.settled, comm })) return engine.step;
  }
  return undefined;
}

/**
 * The step of every stop of a tour, in order: each after the previous one's
 * (the first may be step 0). Stops that cannot be reached are undefined, and
 * so is every stop after them.
 */
export function tourSteps(engine: Engine, tour: readonly TourStop[], options: FindOptions = {}): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let from = 0;
  let lost = false;
  for (const stop of tour) {
    const at = lost ? undefined : findStopStep(engine, stop.when, from, options);
    out.push(at);
    if (at === undefined) lost = true;
    else from = at;
  }
  return out;
}
