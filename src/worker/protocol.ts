// The one typed protocol between the app and the simulation worker: requests
// and replies as discriminated unions. Per-task data travels as typed arrays
// that are transferred, not copied.
import type { Action } from '../sim/engine.ts';
import type { CpuView, FuncStackView, GlobalsView, TaskView } from '../sim/view.ts';
import type { LogLine } from '../sim/types.ts';
import type { NarratedEvent } from '../sim/events.ts';
import type { TourStop } from '../sim/scenario/tour.ts';

export type StepUnit = 'event' | 'livepatch' | 'switch' | 'second';

/** Play speeds in events per simulated step per second; the last is "as fast as it goes". */
export const SPEEDS: readonly number[] = [1, 2, 5, 10, 25, 100, 1_000, 10_000, 100_000, Infinity];
export const DEFAULT_SPEED = 3;

/**
 * What to open: a preset (by id) or a scenario document (JSON text or value),
 * the actions taken on it, the step to show and, for a preset, the stop of
 * its guided tour.
 */
export type ScenarioSource = ({ readonly preset: string; readonly scenario?: undefined } | { readonly scenario: unknown; readonly preset?: undefined }) & {
  readonly actions?: readonly Action[];
  readonly step?: number;
  readonly tour?: number;
};

export interface TourView {
  readonly preset: string;
  readonly title: string;
  readonly question: string;
  /**
   * The stop shown, 0-based: the last stop reached at or before the current
   * step (it follows the playhead); -1 before the first one.
   */
  readonly stop: number;
  readonly stops: number;
  /** The stop's text ('' before the first stop). */
  readonly text: string;
  /** The step of the stop shown, if it could be reached. */
  readonly step: number | null;
  /** The current step is the stop's own step (else the view is after it). */
  readonly at: boolean;
  /** Steps of the stops found so far in this run, in order. */
  readonly found: readonly number[];
  /** This run has left the tour's script (an action) at this step; the later stops describe the original run. */
  readonly offScript: number | null;
  /** A stop asked for that this run never reaches (the view stayed where it was). */
  readonly unreached: number | null;
  /** Presenter mode plays towards this stop. */
  readonly target: number | null;
}

export type ExportKind = 'trace' | 'log';

export type Request =
  | { readonly type: 'load'; readonly source: ScenarioSource }
  | { readonly type: 'step'; readonly unit: StepUnit; readonly direction: 1 | -1 }
  | { readonly type: 'seek'; readonly step: number }
  | { readonly type: 'jump'; readonly to: 'start' | 'end' }
  /** Plays; with `unit`, the speed counts only events of that kind (one task switch per tick of the speed, say). */
  | { readonly type: 'play'; readonly unit?: StepUnit }
  | { readonly type: 'pause' }
  | { readonly type: 'speed'; readonly index: number }
  | { readonly type: 'act'; readonly command: string }
  | { readonly type: 'select'; readonly task: number | null }
  /** Pins a task's lane on the timeline (`on`), or unpins it. */
  | { readonly type: 'pin'; readonly task: number; readonly on: boolean }
  /** Compare mode: go where the other run is in its script (its frame's `progress`). */
  | ({ readonly type: 'progress' } & ScriptProgress)
  /** Go to a stop of the preset's guided tour; with `play`, play the events between at a readable pace (presenter mode). */
  | { readonly type: 'tour'; readonly stop: number; readonly play?: boolean }
  /** Back to the tour's run: the branch the tour describes, at the step where the run left it. */
  | { readonly type: 'tour-back' }
  /** The trace (JSON lines, as the CLI's --trace) or the kernel log (text), up to the current step. */
  | { readonly type: 'export'; readonly what: ExportKind }
  /**
   * Stops the computation in progress (a far jump, a stop on a branch, End):
   * the view stays where it was; requests sent meanwhile are then answered in
   * order. Pause does the same. A load or an action in progress is stopped
   * and undone (a `cancelled` reply to it): the previous scenario stays, or
   * the run as it was before the action. Pause does not stop those.
   */
  | { readonly type: 'cancel' }
  /**
   * The page has drawn its first frame. A worker started at boot with the
   * default demo's load sends the next step ahead (Frame.next) and computes
   * the run ahead only from then on: until then the page's first render
   * needs the CPU. Its reply, if it was holding: a frame with the next step.
   */
  | { readonly type: 'drawn' }
  /** For tests of the app's error path: the worker throws. */
  | { readonly type: 'crash' }
  /** For tests of the watchdog: the worker stops answering (it loops forever). */
  | { readonly type: 'hang' };

export interface TaskColumns {
  readonly count: number;
  readonly pid: Int32Array;
  readonly patchState: Int8Array;
  readonly tif: Uint8Array;
  /** RunState: 0 user, 1 running, 2 runnable, 3 sleeping, 4 dead. */
  readonly run: Uint8Array;
  /** TaskKind: 0 idle, 1 shell, 2 kworker, 3 user, 4 kthread. */
  readonly kind: Uint8Array;
  readonly cpu: Int16Array;
}

export interface LogEntry extends LogLine {
  readonly step: number;
}

export type MilestoneKind = 'command' | 'enable' | 'init' | 'start' | 'retry' | 'reverse' | 'signals' | 'force' | 'complete' | 'violation' | 'oops';

export interface Milestone {
  readonly step: number;
  readonly time: number;
  readonly kind: MilestoneKind;
  readonly label: string;
}

/** Tasks by patch state at one simulated time (the timeline's stacked area). */
export interface Sample {
  readonly step: number;
  readonly time: number;
  readonly undefined: number;
  readonly unpatched: number;
  readonly patched: number;
  readonly pending: number;
}

/**
 * Items that only grow as the trace is computed; `from` < what the app has
 * means "cut there first". Indices are in the worker's whole series; with
 * `start`, the page holds only the items from that index on (a window).
 */
export interface Append<T> {
  readonly from: number;
  readonly items: readonly T[];
  readonly start?: number;
}

export interface ScenarioMeta {
  /** The preset it was opened from, if any. */
  readonly preset: string | null;
  readonly name: string;
  readonly description: string;
  readonly kernel: string;
  readonly cpus: number;
  /** The scenario as a JSON text, for the editor and links. */
  readonly json: string;
  /** The preset's guided tour (stops as data: text, spotlight, question), if any. */
  readonly tour: readonly TourStop[] | null;
}

export interface SwitchRecord {
  readonly step: number;
  readonly time: number;
  readonly from: number;
  readonly to: number;
  readonly fn: string;
}

/** From this many tasks on, CPU lanes are neither recorded nor drawn: only pinned lanes. */
export const LANE_TASK_LIMIT = 10_000;

/** A CPU starts running a task (`task` -1: the CPU went offline). The CPU lanes of the timeline. */
export interface CpuRun {
  readonly step: number;
  readonly time: number;
  readonly cpu: number;
  readonly task: number;
}

/** A stack check of klp_try_switch_task, in a pinned task's lane. */
export type LaneCheck = 'switched' | 'stalled';

/** A pinned task's lane changes: its state after the event of `step`. */
export interface LaneMark {
  readonly step: number;
  readonly time: number;
  readonly task: number;
  readonly patchState: number;
  readonly tif: number;
  /** RunState, as TaskColumns.run. */
  readonly run: number;
  /** The event checked the task's stack. */
  readonly check?: LaneCheck;
  /** The event switched the task: from that patch state (to `patchState`). */
  readonly switchFrom?: number;
}

export interface LanesView {
  /** Tasks pinned, in the order they were pinned. */
  readonly pinned: readonly number[];
  /** Null when CPU lanes are not recorded (a machine of 10,000 tasks or more). */
  readonly cpuRuns: Append<CpuRun> | null;
  readonly marks: Append<LaneMark>;
}

/**
 * Where a run is in its script, for compare mode: after the `command`-th
 * command (0-based; -1 before the first), `after` µs of simulated time later,
 * and `nth` events into that instant (at most the events there are).
 */
export interface ScriptProgress {
  readonly command: number;
  readonly after: number;
  readonly nth: number;
}

export interface Frame {
  readonly step: number;
  readonly time: number;
  /** Events computed so far (the trace may run ahead of `step` after a step back). */
  readonly computed: number;
  /** The furthest step shown in this run: an action before it discards events the user has seen. */
  readonly seen: number;
  /** Step at which the scenario settles (script done, no transition), once known. */
  readonly end: number | null;
  readonly playing: boolean;
  readonly speed: number;
  /** The event that led here, with its narration written out. */
  readonly event: NarratedEvent | null;
  readonly globals: GlobalsView;
  readonly cpus: readonly CpuView[];
  readonly funcStacks: readonly FuncStackView[];
  readonly tasks: TaskColumns;
  /** Task names, sent when the task table grew. */
  readonly comms?: readonly string[];
  readonly log: Append<LogEntry>;
  readonly samples: Append<Sample>;
  readonly milestones: Append<Milestone>;
  readonly selected: (TaskView & { readonly history: readonly SwitchRecord[] }) | null;
  readonly actions: readonly Action[];
  readonly tour: TourView | null;
  readonly lanes: LanesView;
  readonly progress: ScriptProgress;
  /** The run reached a limit (limits.ts) here and goes no further: what to tell the user. */
  readonly limit: string | null;
  /** The run is being computed ahead in the background (after a load or an action); `computed` says how far. */
  readonly ahead: boolean;
  /**
   * The frame a step forward in `unit` gives from here, computed ahead (not
   * while playing, and only when it is cheap): the page shows it at once on
   * Step forward, and the worker's answer to that step, the same frame,
   * follows. Its series are this frame's (it carries none of its own).
   * 'kept': the one sent with an earlier frame still holds (a frame of
   * computing ahead, with nothing asked since: the view has not moved), as
   * far computed as this frame says (see nextOf). Absent: there is none (the
   * run ends here, the step is too long to compute ahead, playing, or a
   * booted worker's page has not drawn its first frame yet: see `drawn`).
   */
  readonly next?: NextStep | 'kept';
}

/** A step forward computed ahead: its unit and the frame it gives. */
export interface NextStep {
  readonly unit: StepUnit;
  readonly frame: Frame;
}

/**
 * The next step a frame says, given the one the frame before it said: its
 * own, none, or (for 'kept') the one before, with how far the run is
 * computed as this frame has it: that is all a background frame changes of
 * the next step (it comes from computing further ahead, nothing else).
 */
export function nextOf(f: Frame, before: NextStep | null): NextStep | null {
  const n = f.next;
  if (n === undefined || f.playing) return null;
  if (n !== 'kept') return n;
  if (before === null) return null;
  const b = before.frame;
  const tour = b.tour === null || f.tour === null ? b.tour : { ...b.tour, found: f.tour.found };
  return { unit: before.unit, frame: { ...b, computed: f.computed, end: f.end, ahead: f.ahead, limit: f.limit, tour } };
}

/** What a long computation is doing (jump to the end, to a stop, ...). */
export type ComputeWhat = 'load' | 'step' | 'seek' | 'end' | 'stop' | 'act' | 'tour-back' | 'progress';

/** How far a long computation got: events computed so far, towards `target` when that is known. */
export interface ComputeProgress {
  readonly what: ComputeWhat;
  readonly computed: number;
  readonly target: number | null;
  /** Cancel stops it (Pause too, if it only moves the view); else it runs to its end and the requests sent meanwhile wait. */
  readonly cancellable: boolean;
}

/**
 * A request as it crosses to the worker: the client numbers every request
 * (1, 2, ...), so that each reply can say which request it answers.
 */
export type Message = Request & { readonly id: number };

/**
 * Every reply names the request it answers (`re`; a play's frames answer the
 * play) and the load whose scenario it is about (`load`, 0 before any). A
 * late reply to an old load carries that load's id, so it can never be taken
 * for the new one. Replies the client makes up itself (the worker died) have
 * -1 for both.
 */
export interface ReplyIds {
  readonly re: number;
  readonly load: number;
}

export type Reply = ReplyBody & ReplyIds;

export type ReplyBody =
  /** `notice`: something about the request that the user should know (a step past the end was clamped). */
  | { readonly type: 'loaded'; readonly meta: ScenarioMeta; readonly notice?: string }
  | { readonly type: 'frame'; readonly frame: Frame }
  | { readonly type: 'export'; readonly what: ExportKind; readonly text: string }
  /** A scenario, script line, action or link was refused; the previous scenario stays. */
  | { readonly type: 'invalid'; readonly message: string }
  /** The worker failed. */
  | { readonly type: 'error'; readonly message: string }
  /** The worker stopped answering and was replaced by a fresh one (client.ts's watchdog): nothing is loaded in it. */
  | { readonly type: 'restarted'; readonly message: string }
  /**
   * A computation has taken over 200 ms and is still going (sent about every
   * 100 ms until its frame): progress to show, and the worker is alive.
   */
  | { readonly type: 'busy'; readonly progress: ComputeProgress }
  /**
   * The load or action `re` was cancelled before it finished: the worker has
   * what it had before it (the previous scenario, or the run without the
   * action), which `load` names; a frame of it follows.
   */
  | { readonly type: 'cancelled'; readonly what: ComputeWhat }
  /** A request with nothing to act on (no scenario is open yet): answered all the same, so the watchdog knows the worker is alive. */
  | { readonly type: 'idle' };
