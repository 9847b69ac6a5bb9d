// The worker's side of the protocol, as a plain class so that it runs and is
// tested in Node: owns the Engine, answers requests, plays, and builds the
// frames the panels draw. The derived series (log, samples, milestones) are
// kept beside the trace and sent incrementally.
import { Engine } from '../sim/engine.ts';
import type { EngineOptions } from '../sim/engine.ts';
import { limitMessage } from '../sim/limits.ts';
import { knownPreset } from './presetRegistry.ts';
import type { Preset } from '../sim/scenario/presets.ts';
import { stopMatches } from '../sim/scenario/tour.ts';
import { formatLogLine, traceLine } from '../sim/trace/format.ts';
import { idleTask } from '../sim/machine/cpus.ts';
import { cpuOf, patchStateCounts, runState } from '../sim/machine/tasks.ts';
import { must } from '../sim/must.ts';
import { ScenarioError } from '../sim/scenario/types.ts';
import type { SimEvent, TaskId } from '../sim/types.ts';
import { fnName } from '../sim/world.ts';
import type { World } from '../sim/world.ts';
import { KLP_PATCHED } from '../sim/types.ts';
import { narrate, oopsLine } from '../sim/events.ts';
import type { EventKind, NarratedEvent } from '../sim/events.ts';
import { cpusView, funcStacksView, globalsView, taskView } from '../sim/view.ts';
import type { Arrival } from '../sim/view.ts';
import { LaneRecorder } from './lanes.ts';
import { LogWindow, SERIES_BOUNDS, Thinned, countUpTo, reduceCpuRuns, reduceLaneMarks, reduceSamples, runBounds } from './bounded.ts';
import type { SeriesBounds } from './bounded.ts';
import { shown } from './shown.ts';
import { escapeControl } from '../sim/escape.ts';
import { DEFAULT_SPEED, SPEEDS } from './protocol.ts';
import type { Append, ComputeWhat, CpuRun, Frame, LaneMark, LogEntry, Milestone, MilestoneKind, Reply, ReplyBody, Request, Sample, ScenarioSource, ScriptProgress, StepUnit, SwitchRecord, TaskColumns, TourView } from './protocol.ts';
import { enNumber } from '../sim/format.ts';

/** A computation cut into slices: it yields about every thousand events, where it may be paused. */
type Work<T = void> = Generator<void, T, void>;

/** How long a slice of computation runs before the worker reads its messages again (Pause within 200 ms). */
const SLICE_MS = 50;
/**
 * A slice of computing ahead in the background is shorter: a request waits
 * for the slice in progress, and a step's answer (with the next step's frame
 * computed ahead) should be back before the next click.
 */
const AHEAD_SLICE_MS = 8;
/** A computation shows its progress once it has taken this long... */
const PROGRESS_AFTER_MS = 200;
/** ...and then about this often. */
const PROGRESS_EVERY_MS = 100;
/** While computing ahead in the background, a frame (with the new samples and marks) at most this often. */
const AHEAD_FRAME_MS = 250;
/**
 * The run is computed ahead in the background up to its end or a run limit
 * (the events, the simulated time, or the memory budget of the trace and
 * checkpoints: limit 'memory'), on machines up to AHEAD_TASK_LIMIT tasks (on
 * a larger one, each slice would restore a large checkpoint twice).
 */
const AHEAD_TASK_LIMIT = 20_000;
/**
 * With each frame the worker sends (not while playing), the frame a step
 * forward would give, if it takes at most this many events (a machine of up
 * to AHEAD_TASK_LIMIT tasks): the page shows it at once on Step forward.
 */
const PREFETCH_EVENTS = 4096;
/**
 * Going back after computing the next step replays the events since the last
 * checkpoint (one every max(100, tasks) events): well under a millisecond up
 * to this many tasks, 7 ms at 2,000 and 50 ms at 10,000, where a step waits
 * for the worker's answer instead.
 */
const PREFETCH_TASK_LIMIT = 1_000;
/** The series of a frame computed ahead: none (they come with the frame it is sent with). */
const NO_APPEND: Append<never> = { from: 0, items: [] };

/** Requests whose computation Cancel (or Pause) may stop: they only move the view. */
const CANCELLABLE: ReadonlySet<Request['type']> = new Set(['step', 'seek', 'jump', 'tour', 'progress']);
/**
 * Requests whose computation Cancel may stop and undo: a load (the previous
 * scenario stays) and an action (the run stays as it was, with no branch).
 * Pause does not: it is a key of the run on screen, not of what is opening.
 */
const UNDOABLE: ReadonlySet<Request['type']> = new Set(['load', 'act']);

/** A request being answered, in slices. */
interface Job {
  readonly re: number;
  readonly work: Work;
  readonly what: ComputeWhat;
  readonly target: number | null;
  readonly cancellable: boolean;
  readonly started: number;
  /** The step shown when it started: where a cancel leaves the view. */
  readonly here: number;
  /** For a load or an action: the session as it was before, which a cancel puts back. */
  readonly before: Before | null;
  lastProgress: number;
}

function computeWhat(req: Request): ComputeWhat {
  switch (req.type) {
    case 'load':
    case 'step':
    case 'seek':
    case 'act':
    case 'tour-back':
    case 'progress':
      return req.type;
    case 'jump':
      return 'end';
    case 'tour':
      return 'stop';
    default:
      return 'step';
  }
}

/** No single request computes more events than this. */
const MAX_EVENTS_PER_REQUEST = 5_000_000;

export type Post = (reply: Reply, transfer?: Transferable[]) => void;

/** How much of each series the page has been sent (a smaller count: the page cuts its series there first). */
interface Sent {
  log: number;
  samples: number;
  milestones: number;
  comms: number;
  cpuRuns: number;
  marks: number;
}

/**
 * The session's run: all that a load or an action changes, and so all that
 * a cancel puts back. Listed once, here: a snapshot copies the whole object
 * and a cancel restores it whole, so a field added here is restored too (a
 * field kept beside it on the Session would not be: keep the run's state in
 * this one place; test/worker/session-cancel.fuzz.test.ts checks it).
 */
interface Run {
  engine: Engine | undefined;
  log: LogEntry[];
  samples: Sample[];
  milestones: Milestone[];
  /** Of each series, the items the page has as they are now (lowered by a cut or a replaced sample). Changed in place: a snapshot copies it. */
  sent: Sent;
  lanes: LaneRecorder;
  /** The page's CPU runs as sent: their bounds follow the scenario's CPU count (new at each load). */
  shownCpuRuns: Thinned<CpuRun>;
  end: number | null;
  selected: number | null;
  preset: Preset | undefined;
  /** The steps of the tour's stops found so far in this run, in order (found as events are computed). */
  tourSteps: number[];
  /** The step where an action made this run leave the tour's script. */
  offScript: number | null;
  /** The tour's own run, kept when an action left it, to go back to at once. */
  original: Saved | null;
  /** The furthest step shown in this run: acting before it discards events the user has seen. */
  seen: number;
  /** The request that loaded the scenario open now (0: none yet). */
  loadId: number;
  /** The run reached a limit: said on the timeline from then on. */
  limitHit: string | null;
  /** The run is to be computed ahead in the background (from a load or an action until its end). */
  ahead: boolean;
  /** A stop asked for that this run does not reach (said on the tour until the view moves). */
  unreached: number | null;
}

/** A run set aside: its engine and the series derived from it. */
type Saved = Readonly<Pick<Run, 'log' | 'samples' | 'milestones' | 'tourSteps' | 'end' | 'lanes'>> & { readonly engine: Engine };

/** Nothing sent yet: the page is sent every series from the start (and the task names). */
const noneSent = (): Sent => ({ log: 0, samples: 0, milestones: 0, comms: -1, cpuRuns: 0, marks: 0 });

/** A run of `engine` as it opens: nothing derived, sent or found yet, and not yet computed ahead. */
function openRun(engine: Engine | undefined, preset: Preset | undefined, loadId: number, bounds: SeriesBounds): Run {
  const lanes = new LaneRecorder();
  if (engine !== undefined) lanes.reset(engine, engine.kernel.tasks.count);
  const shownCpuRuns = new Thinned(reduceCpuRuns, runBounds(bounds, engine?.kernel.cpus.count ?? 1));
  return { engine, log: [], samples: [], milestones: [], sent: noneSent(), lanes, shownCpuRuns, end: null, selected: null, preset, tourSteps: [], offScript: null, original: null, seen: 0, loadId, limitHit: null, ahead: false, unreached: null };
}

/**
 * A preset's engine: from its validated form where the build ships one (the
 * default demo: the page's first frame waits for it), else from its document.
 * A copy, so that no engine can change what the next load starts from.
 */
function presetEngine(preset: Preset, options: EngineOptions): Engine {
  return preset.parsed !== undefined ? new Engine(structuredClone(preset.parsed), options) : Engine.load(preset.scenario, options);
}

/** The session's run as it was before a load or an action, to put back if it is cancelled. */
interface Before {
  readonly run: Readonly<Run>;
  /** The engine's step and how many actions it had taken (an action on the same engine is taken back to there). */
  readonly step: number;
  readonly actions: number;
}

/** The engine's limits a session runs with (limits.ts by default; lower in tests). */
export type SessionLimits = Pick<EngineOptions, 'maxEvents' | 'maxTimeUs' | 'pidMax' | 'byteBudget'>;

/** How a Session runs, beside where its replies go; each has its default. */
export interface SessionOptions {
  /** The clock slices and frames are timed by (performance.now; a fake one in tests). */
  readonly clock?: () => number;
  /** The engine's limits (limits.ts by default; lower in tests). */
  readonly limits?: SessionLimits;
  /**
   * Runs `fn` soon, after the messages that arrived meanwhile (the worker:
   * a zero timeout). With it, long computations run in slices, between
   * which requests are read (Cancel, Pause, keys to queue), and the run is
   * computed ahead in the background. Without it (null, the default: tests,
   * in-process), every request is answered at once, in full.
   */
  readonly defer?: ((fn: () => void) => void) | null;
  /** How much of each series the page holds (SERIES_BOUNDS; lower in tests). */
  readonly bounds?: SeriesBounds;
  /** Send the next step's frame ahead with each frame (Frame.next): the worker does, in-process tests may. Off by default. */
  readonly prefetch?: boolean;
  /** Leave the engine at the end of the trace between slices of computing ahead (`parked`): on by default; off only to compare with, in tests and the bench. */
  readonly park?: boolean;
}

export class Session {
  /** The run's state, restored whole on a cancel (see Run). What follows is the session's own (playing, requests, the page's windows): a cancel leaves it. */
  private run: Run;
  /** For a sample that replaced the last one of its step, the one it replaced (to undo it on a cut). */
  private replaced = new WeakMap<Sample, Sample>();
  /** What of each series the page holds (bounded.ts): the log around the playhead, the timeline's series thinned once long. */
  private readonly shownLog: LogWindow<LogEntry>;
  private readonly shownSamples: Thinned<Sample>;
  private readonly shownMarks: Thinned<LaneMark>;
  private playing = false;
  private speed = DEFAULT_SPEED;
  /** Presenter mode: playing towards this stop. */
  private target: { readonly stop: number; readonly step: number; readonly rate: number } | null = null;
  /** Events owed by the play speed but not yet played (a fraction of one at low speeds). */
  private carry = 0;
  /** While playing, only events of this unit count towards the speed. */
  private playUnit: StepUnit = 'event';
  /**
   * The selected task's switches found in the trace so far, the steps of
   * klp_init_transition and klp_reverse_transition among them (for the "why",
   * which reads the same records), and how much of the trace was read.
   */
  private switches: { task: number; read: number; records: SwitchRecord[]; inits: number[]; reverses: number[] } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastTick = 0;
  private lastSent = 0;
  /** The request being answered; the play request while playing. */
  private re = 0;
  private playId = 0;
  /** The request being computed, in slices; requests that came meanwhile wait in `queue`. */
  private job: Job | null = null;
  private queue: (Request & { readonly id?: number })[] = [];
  private aheadQueued = false;
  /** The next step and computing ahead wait for the page's first frame to be drawn (holdAhead, then a `drawn` request). */
  private aheadHeld = false;
  private aheadFrameAt = 0;
  /**
   * The view's step while the engine is left at the end of the trace between
   * two slices of computing ahead (null: the engine is at the view). Each
   * slice would otherwise restore a checkpoint twice (to the end and back):
   * with short slices, most of a slice on a machine of thousands of tasks.
   * Anything that reads or moves the engine (a request, a frame, a tick)
   * brings it back to the view first: see unpark().
   */
  private parked: number | null = null;
  /** The unit of the last step forward: the next one, in the same unit, is computed ahead (Frame.next). */
  private stepUnit: StepUnit = 'event';
  /**
   * Where the next step sent last (Frame.next) was computed from, and whether
   * there was one. A frame of computing ahead from the same view, with nothing
   * asked since, says 'kept' (or, if there was none, sends none) instead of
   * computing it again: computing further ahead changes nothing of it but how
   * far the run is computed, which the frame says itself (nextOf). Null once
   * anything is asked: a request may change what the next step shows.
   */
  private nextSent: { readonly engine: Engine; readonly step: number; readonly unit: StepUnit; readonly some: boolean } | null = null;

  private readonly clock: () => number;
  private readonly engineOptions: SessionLimits;
  private readonly defer: ((fn: () => void) => void) | null;
  private readonly bounds: SeriesBounds;
  private readonly prefetch: boolean;
  private readonly park: boolean;

  constructor(
    private readonly post: Post,
    options: SessionOptions = {},
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.engineOptions = options.limits ?? {};
    this.defer = options.defer ?? null;
    this.bounds = options.bounds ?? SERIES_BOUNDS;
    this.prefetch = options.prefetch ?? false;
    this.park = options.park ?? true;
    this.shownLog = new LogWindow(this.bounds);
    this.shownSamples = new Thinned(reduceSamples, this.bounds);
    this.run = openRun(undefined, undefined, 0, this.bounds);
    this.shownMarks = new Thinned(reduceLaneMarks, this.bounds);
  }

  /**
   * Answers a request; `id` (from the client's Message) is echoed in every
   * reply as `re`. During a long computation, Cancel and Pause stop it if it
   * only moves the view; Cancel stops a load or an action and undoes it; a
   * load replaces it; and anything else waits its turn: no key is lost.
   */
  handle(req: Request & { readonly id?: number }): void {
    if (req.type === 'drawn') {
      // The page has drawn its first frame: the next step may be sent ahead, and the run computed ahead.
      if (!this.aheadHeld) return;
      this.aheadHeld = false;
      if (this.job !== null) return;
      if (this.prefetch && this.nextSent === null && !this.playing) this.sendFrame(true);
      this.scheduleAhead();
      return;
    }
    // Every request (and a cancel's snapshot) finds the engine at the view.
    this.unpark();
    this.nextSent = null;
    const job = this.job;
    if (job !== null) {
      if ((req.type === 'cancel' || req.type === 'pause') && job.cancellable && (job.before === null || req.type === 'cancel')) {
        this.cancel(job, req.id ?? 0);
        return;
      }
      if (req.type === 'load') {
        // A new scenario: what waited was about the old one; a load or action half done is undone first.
        this.job = null;
        this.queue = [];
        if (job.before !== null) this.undo(job);
      } else if (req.type !== 'crash' && req.type !== 'hang') {
        this.queue.push(req);
        return;
      }
    }
    this.start(req);
  }

  private start(req: Request & { readonly id?: number }): void {
    this.re = req.id ?? 0;
    this.nextSent = null;
    const job: Job = {
      re: this.re,
      work: this.dispatch(req),
      what: computeWhat(req),
      target: req.type === 'seek' ? req.step : req.type === 'load' ? (req.source.step ?? null) : null,
      cancellable: CANCELLABLE.has(req.type) || UNDOABLE.has(req.type),
      started: this.clock(),
      here: this.run.engine?.step ?? 0,
      before: UNDOABLE.has(req.type) ? this.snapshot() : null,
      lastProgress: 0,
    };
    this.job = job;
    this.runSlice(job);
  }

  /** Runs a slice of `job` (all of it without `defer`), saying how far it got once it takes long. */
  private runSlice(job: Job): void {
    this.re = job.re;
    const sliceEnd = this.defer === null ? Infinity : this.clock() + SLICE_MS;
    try {
      for (;;) {
        if (job.work.next().done === true) {
          this.finish(job);
          return;
        }
        const now = this.clock();
        if (now - job.started >= PROGRESS_AFTER_MS && now - job.lastProgress >= PROGRESS_EVERY_MS) {
          job.lastProgress = now;
          const computed = this.run.engine?.trace.length ?? 0;
          this.reply({ type: 'busy', progress: { what: job.what, computed, target: job.target, cancellable: job.cancellable } });
        }
        if (now >= sliceEnd) break;
      }
    } catch (e) {
      if (e instanceof ScenarioError) this.reply({ type: 'invalid', message: escapeControl(e.message) });
      else this.reply({ type: 'error', message: escapeControl(e instanceof Error ? e.message : String(e)) });
      this.finish(job);
      return;
    }
    this.defer?.(() => {
      if (this.job === job) this.runSlice(job);
    });
  }

  /** A job is done: the requests that waited are answered in order, then the run is computed ahead. */
  private finish(job: Job): void {
    if (this.job === job) this.job = null;
    while (this.job === null && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next !== undefined) this.start(next);
    }
    if (this.job === null) this.scheduleAhead();
  }

  /**
   * Cancel (or Pause): the job stops, the view stays where it was (a load or
   * an action is undone first), and the requests that waited follow.
   */
  private cancel(job: Job, re: number): void {
    this.job = null;
    if (job.before !== null) this.undo(job);
    // A stop not reached is said until the view moves: a cancelled move clears it (an undone load or action put it back).
    else this.run.unreached = null;
    this.re = re;
    this.pause();
    const engine = this.run.engine;
    if (engine !== undefined) {
      engine.seek(job.here);
      this.sendFrame();
    } else this.reply({ type: 'idle' });
    this.finish(job);
  }

  /** The run as it is, before a load or an action that may be cancelled. */
  private snapshot(): Before {
    const run = this.run;
    return { run: { ...run, sent: { ...run.sent } }, step: run.engine?.step ?? 0, actions: run.engine?.actions.length ?? 0 };
  }

  /**
   * A load or an action stopped half done: the session's run is put back as
   * it was before it (the previous scenario; the run without the action, its
   * future computed again), and the page is told with a `cancelled` reply to
   * the job's request.
   */
  private undo(job: Job): void {
    const b = job.before;
    if (b === null) return;
    this.pause();
    this.run = { ...b.run, sent: { ...b.run.sent } };
    this.switches = null;
    this.target = null;
    const engine = this.run.engine;
    if (engine !== undefined) {
      engine.onNewEvent = (e) => this.derive(engine, e);
      if (engine.actions.length > b.actions) {
        // The action ran on this very engine: take it back, and the series derived after its step.
        engine.retract(b.actions, b.step);
        this.truncate(b.step);
        this.run.end = null;
        this.run.ahead = true;
      }
    }
    this.re = job.re;
    this.reply({ type: 'cancelled', what: job.what });
  }

  /** The engine back at the view's step, if a slice of computing ahead left it at the end of the trace. */
  private unpark(): void {
    const parked = this.parked;
    if (parked === null) return;
    this.parked = null;
    this.run.engine?.seek(parked);
  }

  /**
   * From now on, until the page has drawn its first frame (a `drawn`
   * request), frames go without the next step (Frame.next) and the run is
   * not computed ahead: a worker started at boot answers the first load
   * while the page is still starting, and on two cores, that work would
   * take the CPU the page's first render needs. Once drawn, a frame brings
   * the next step. The page's requests meanwhile (the tour's selection and
   * pin, a key) are answered as ever.
   */
  holdAhead(): void {
    this.aheadHeld = true;
  }

  /** Computes the run ahead for a slice, between requests and not while playing; the view stays where it is. */
  private scheduleAhead(): void {
    if (this.defer === null || !this.run.ahead || this.aheadQueued || this.aheadHeld) return;
    this.aheadQueued = true;
    this.defer(() => {
      this.aheadQueued = false;
      this.aheadSlice();
    });
  }

  private aheadSlice(): void {
    const engine = this.run.engine;
    if (engine === undefined || !this.run.ahead || this.job !== null || this.playing || this.aheadHeld) return;
    // After a slice with nothing asked meanwhile, the engine is still at the end of the trace (`parked`).
    const here = this.parked ?? engine.step;
    if (this.parked === null) engine.seek(engine.trace.length);
    this.parked = null;
    const sliceEnd = this.clock() + AHEAD_SLICE_MS;
    let more = true;
    for (let n = 0; ; n++) {
      if (this.run.end !== null || engine.kernel.tasks.count > AHEAD_TASK_LIMIT) {
        more = false;
        break;
      }
      if (engine.stepForward() === undefined) {
        // A run limit (or nothing left to happen): said on the timeline now, not only once the view gets there.
        this.noteLimit(engine);
        more = false;
        break;
      }
      if ((n & 0xff) === 0xff && this.clock() >= sliceEnd) break;
    }
    if (!more) this.run.ahead = false;
    // Not right after the frame a request was answered with: the page is drawing that one.
    const frame = !more || this.clock() - this.aheadFrameAt >= AHEAD_FRAME_MS;
    if (frame || !this.park) engine.seek(here);
    else this.parked = here;
    if (frame) this.sendFrame(true);
    this.scheduleAhead();
  }

  /** The run has reached a limit at the engine's step: the notice the timeline shows from then on. */
  private noteLimit(engine: Engine): void {
    const limit = engine.limit;
    if (limit !== undefined && this.run.limitHit === null) this.run.limitHit = `The run ${limitMessage(limit, engine.maxEvents, engine.maxTimeUs, engine.byteBudget)}, at step ${enNumber(engine.step)}`;
  }

  /** Posts a reply, naming the request it answers and the load it is about. */
  private reply(body: ReplyBody, transfer?: Transferable[]): void {
    this.post({ ...body, re: this.re, load: this.run.loadId }, transfer);
  }

  private *dispatch(req: Request): Work {
    if (req.type === 'load') return yield* this.load(req.source);
    if (req.type === 'crash') throw new Error('the simulation worker was asked to crash');
    // The worker itself hangs on this (sim.worker.ts); a session in the page ignores it. `drawn` never gets here (handle).
    if (req.type === 'hang' || req.type === 'drawn') return;
    const engine = this.run.engine;
    if (engine === undefined) {
      this.reply({ type: 'idle' });
      return;
    }
    switch (req.type) {
      case 'step':
        this.pause();
        this.run.unreached = null;
        if (req.direction === 1) this.stepUnit = req.unit;
        yield* this.stepBy(engine, req.unit, req.direction);
        break;
      case 'seek':
        this.pause();
        yield* this.seek(engine, req.step);
        break;
      case 'jump':
        this.pause();
        if (req.to === 'start') engine.seek(0);
        else yield* this.seek(engine, (yield* this.findEnd(engine)));
        break;
      case 'play':
        // Playing "by second" is playing by event: the speed is already per second.
        this.playUnit = req.unit === undefined || req.unit === 'second' ? 'event' : req.unit;
        this.target = null;
        this.play();
        return;
      case 'pause':
      case 'cancel':
        this.pause();
        break;
      case 'speed':
        this.speed = Math.max(0, Math.min(SPEEDS.length - 1, req.index));
        break;
      case 'act':
        this.pause();
        yield* this.act(engine, req.command);
        break;
      case 'select':
        this.run.selected = req.task;
        break;
      case 'pin':
        if (this.run.lanes.pin(engine, req.task, req.on)) this.run.sent.marks = 0;
        break;
      case 'progress':
        this.pause();
        yield* this.seekProgress(engine, req);
        break;
      case 'tour': {
        // A second press while playing towards a stop goes there at once.
        const playingTo = this.target?.stop ?? null;
        this.pause();
        yield* this.goToStop(engine, req.stop, req.play === true && playingTo !== Math.floor(req.stop));
        if (this.playing) return;
        break;
      }
      case 'tour-back':
        this.pause();
        yield* this.backToTour();
        break;
      case 'export':
        this.reply({ type: 'export', what: req.what, text: this.exportText(engine, req.what) });
        return;
    }
    this.sendFrame();
  }

  private *load(source: ScenarioSource): Work {
    const preset = source.preset === undefined ? undefined : knownPreset(source.preset);
    if (source.preset !== undefined && preset === undefined) throw new ScenarioError('preset', `no demo is called '${source.preset.slice(0, 40)}'`);
    const engine = preset !== undefined ? presetEngine(preset, this.engineOptions) : Engine.load(source.scenario, this.engineOptions);
    const actions = source.actions ?? [];
    // Refuse a bad action before anything changes: the previous scenario stays.
    for (const a of actions) engine.parseAction(a.text);
    this.pause();
    // A run of its own, every series and recorder new: the previous one stays as it was, should the load be cancelled.
    this.run = openRun(engine, preset, this.re, this.bounds);
    this.switches = null;
    this.run.unreached = null;
    this.target = null;
    this.sample(engine);
    this.scanStart(engine);
    engine.onNewEvent = (e) => this.derive(engine, e);
    for (const a of actions) {
      yield* this.forwardTo(engine, a.step);
      this.leaveScript(engine.step);
      engine.act(a.text);
    }
    if (source.tour !== undefined && preset !== undefined) yield* this.goToStop(engine, source.tour, false);
    let notice: string | undefined;
    if (source.step !== undefined && !(yield* this.reach(engine, source.step))) {
      notice = `step ${source.step} is past the end of this scenario; showing its last step, ${engine.step}`;
    }
    const sc = engine.scenario;
    const meta = { preset: preset?.id ?? null, name: escapeControl(sc.name), description: escapeControl(sc.description), kernel: sc.kernel, cpus: sc.machine.cpus, json: JSON.stringify(sc, null, 2), tour: preset !== undefined && preset.tour.length > 0 ? preset.tour : null };
    this.run.ahead = true;
    this.reply(notice === undefined ? { type: 'loaded', meta } : { type: 'loaded', meta, notice });
    this.sendFrame();
  }

  /**
   * Goes to a tour stop, computing forward until it is found. With `play`,
   * plays the events between at a readable pace (about 2.5 s whatever their
   * number), unless already playing towards it: then goes there at once.
   */
  private *goToStop(engine: Engine, stop: number, play: boolean): Work {
    const tour = this.run.preset?.tour ?? [];
    if (tour.length === 0) return;
    const i = Math.max(0, Math.min(tour.length - 1, Math.floor(stop)));
    this.target = null;
    const step = (yield* this.findStop(engine, i));
    if (step === undefined) {
      this.run.unreached = i;
      return;
    }
    this.run.unreached = null;
    if (play && step > engine.step) {
      this.target = { stop: i, step, rate: Math.max(8, (step - engine.step) / 2.5) };
      this.playUnit = 'event';
      this.play();
      return;
    }
    yield* this.seek(engine, step);
  }

  /** The step of stop `i` in this run, computing forward (not past the end) until it is found. */
  private *findStop(engine: Engine, i: number): Work<number | undefined> {
    if (i < this.run.tourSteps.length) return this.run.tourSteps[i];
    // The stops after the run left the script are not on this branch.
    if (this.run.offScript !== null) return undefined;
    const here = engine.step;
    engine.seek(engine.trace.length);
    const ended = () => engine.settled || engine.overtime;
    if (!ended()) yield* this.forward(engine, () => this.run.tourSteps.length > i || ended(), MAX_EVENTS_PER_REQUEST);
    engine.seek(here);
    return this.run.tourSteps[i];
  }

  /** The tour's first stop may be step 0 itself. */
  private scanStart(engine: Engine): void {
    const first = this.run.preset?.tour[0];
    if (first !== undefined && stopMatches(first.when, null, { step: 0, time: 0, settled: engine.settled, comm: () => '' })) this.run.tourSteps.push(0);
  }

  /** Whether the new event `e` is where the next stop not yet found is. */
  private scanStop(engine: Engine, e: SimEvent): void {
    const tour = this.run.preset?.tour;
    const stop = tour?.[this.run.tourSteps.length]; // none once every stop is found
    if (stop === undefined || this.run.offScript !== null) return;
    const comm = (task: number): string => engine.state.tasks.comm[task] ?? '';
    if (stopMatches(stop.when, e, { step: e.step, time: e.time, settled: engine.settled, comm })) this.run.tourSteps.push(e.step);
  }

  /** Records that an action at `step` leaves the tour's script (the first one only). */
  private leaveScript(step: number): void {
    if (this.run.offScript !== null || (this.run.preset?.tour.length ?? 0) === 0) return;
    this.run.offScript = step;
    this.run.tourSteps = this.run.tourSteps.filter((s) => s <= step);
  }

  /**
   * Runs a typed command or a button's at the current step. On the tour's
   * own run, that run is kept (to go back to at once) and the branch is
   * computed on a new engine. The view then goes to where the action acts.
   */
  private *act(engine: Engine, command: string): Work {
    engine.parseAction(command);
    const step = engine.step;
    const preset = this.run.preset;
    if (preset !== undefined && preset.tour.length > 0 && this.run.offScript === null && engine.actions.length === 0) {
      this.run.original = { engine, log: this.run.log, samples: this.run.samples, milestones: this.run.milestones, tourSteps: this.run.tourSteps, end: this.run.end, lanes: this.run.lanes };
      engine = this.fresh(presetEngine(preset, this.engineOptions));
      yield* this.forwardTo(engine, step);
      this.run.tourSteps = this.run.original.tourSteps.filter((s) => s <= step);
    }
    this.leaveScript(step);
    if (engine.step < engine.trace.length) this.truncate(engine.step);
    engine.act(command);
    this.run.end = null;
    this.run.ahead = true;
    this.run.seen = 0;
    this.run.unreached = null;
    this.target = null;
    yield* this.landAction(engine, command);
  }

  /** Makes `engine` the session's, with empty series to be sent from scratch. */
  private fresh(engine: Engine): Engine {
    this.run.engine = engine;
    this.run.log = [];
    this.run.samples = [];
    this.run.milestones = [];
    this.run.sent = noneSent();
    this.run.seen = 0;
    this.switches = null;
    this.run.end = null;
    const pinned = this.run.lanes.pinned;
    this.run.lanes = new LaneRecorder();
    this.run.lanes.reset(engine, engine.kernel.tasks.count);
    for (const t of pinned) this.run.lanes.pin(engine, t, true);
    this.sample(engine);
    engine.onNewEvent = (e) => this.derive(engine, e);
    return engine;
  }

  /** Back to the tour's own run, at the step where the action left it. */
  private *backToTour(): Work {
    const at = this.run.offScript;
    const preset = this.run.preset;
    if (at === null || preset === undefined) return;
    this.run.ahead = true;
    const o = this.run.original;
    this.run.offScript = null;
    this.run.original = null;
    this.run.unreached = null;
    this.target = null;
    if (o !== null) {
      this.run.engine = o.engine;
      this.run.log = o.log;
      this.run.samples = o.samples;
      this.run.milestones = o.milestones;
      this.run.tourSteps = o.tourSteps;
      this.run.end = o.end;
      this.run.lanes = o.lanes;
      this.run.sent = noneSent();
      this.run.seen = 0;
      this.switches = null;
      yield* this.seek(o.engine, at);
      return;
    }
    // Opened from a link with actions: the tour's run is computed again.
    const engine = this.fresh(presetEngine(preset, this.engineOptions));
    this.run.tourSteps = [];
    this.scanStart(engine);
    yield* this.forwardTo(engine, at);
  }

  /**
   * After an action: forward to the operation the command became (the
   * script may finish the one in progress first) and through it, so the view
   * shows the action's effect (the echo, the reversal, the forced switch).
   * The trace ends there: the next action is not "in the past".
   */
  private *landAction(engine: Engine, command: string): Work {
    const line = `% ${command.trim().replace(/\s+/g, ' ')}`;
    let first: SimEvent | undefined;
    yield* this.forward(
      engine,
      (e) => {
        if (e.log.some((l) => l.command === true && l.text === line)) first = e;
        return first !== undefined || engine.overtime;
      },
      MAX_EVENTS_PER_REQUEST,
    );
    if (first === undefined) return;
    // Through the operation (in slices: on a large machine one operation is many events), one event past it.
    const commandOp = first.op;
    let past: SimEvent | undefined;
    yield* this.forward(
      engine,
      (e) => {
        if (e.op !== commandOp) past = e;
        return past !== undefined;
      },
      MAX_EVENTS_PER_REQUEST,
    );
    if (past !== undefined) {
      // The look-ahead event is not the operation's: forgotten, so the trace ends where the operation does.
      engine.seek(past.step - 1);
      engine.forgetFuture();
    }
    // Its look-ahead event was derived before it was discarded.
    this.truncate(engine.step);
    // Shown: the reversal or the forced switch if the command made one, else
    // the operation's last event that acts, not the shell's "done".
    const op = engine.trace.slice(first.step - 1, engine.step);
    const shown = op.find((e) => e.kind === 'reverse' || e.kind === 'force') ?? op.findLast(actsOn);
    if (shown !== undefined) engine.seek(shown.step);
  }

  private tourView(): TourView | null {
    const p = this.run.preset;
    const engine = this.run.engine;
    if (p === undefined || p.tour.length === 0 || engine === undefined) return null;
    const here = engine.step;
    const stop = this.run.tourSteps.findLastIndex((s) => s <= here);
    const step = this.run.tourSteps[stop] ?? null;
    return {
      preset: p.id,
      title: p.title,
      question: p.question,
      stop,
      stops: p.tour.length,
      text: p.tour[stop]?.text ?? '', // none before the first stop (-1)
      step,
      at: step === here,
      found: this.run.tourSteps.slice(),
      offScript: this.run.offScript,
      unreached: this.run.unreached,
      target: this.target?.stop ?? null,
    };
  }

  private exportText(engine: Engine, what: 'trace' | 'log'): string {
    const upto = Math.min(engine.step, engine.trace.length);
    if (what === 'trace') return engine.trace.slice(0, upto).map((e) => traceLine(e, engine.world)).join('\n') + (upto > 0 ? '\n' : '');
    return this.run.log
      .filter((l) => l.step <= upto)
      .map((l) => formatLogLine(l, true))
      .join('\n');
  }

  /** Steps forward, deriving series from each new event, until `stop` holds. */
  private *forward(engine: Engine, stop: (e: SimEvent) => boolean, max: number): Work {
    for (let n = 0; n < max; n++) {
      const e = engine.stepForward();
      if (e === undefined) return;
      if (stop(e)) return;
      if ((n & 0x3ff) === 0x3ff) yield;
    }
  }

  private *forwardTo(engine: Engine, step: number): Work {
    if (step <= engine.step) return;
    yield* this.forward(engine, () => engine.step >= step, step - engine.step);
  }

  private *seek(engine: Engine, step: number): Work {
    const target = Math.max(0, Math.floor(step));
    if (target <= engine.trace.length) engine.seek(target);
    else {
      engine.seek(engine.trace.length);
      yield* this.forwardTo(engine, Math.min(target, engine.step + MAX_EVENTS_PER_REQUEST));
    }
  }

  /** Where a step forward by `unit` from here stops; null if it does not move (the run ends here). */
  private stepStop(engine: Engine, unit: StepUnit): ((e: SimEvent) => boolean) | null {
    const match = matcher(unit, engine);
    // One end for every way of moving: stepping stops there too, once it is
    // known; a search stops where the scenario ends (settled, or 60 s after
    // its script) even before: "next switch" when none is left stops there.
    const end = this.run.end ?? Infinity;
    if (engine.step >= end) return null;
    return (e) => match(e) || engine.step >= end || (this.run.end !== null && engine.step >= this.run.end) || engine.settled || engine.overtime;
  }

  private *stepBy(engine: Engine, unit: StepUnit, direction: 1 | -1): Work {
    const match = matcher(unit, engine);
    if (direction === 1) {
      const stop = this.stepStop(engine, unit);
      if (stop !== null) yield* this.forward(engine, stop, MAX_EVENTS_PER_REQUEST);
      return;
    }
    const trace = engine.trace;
    if (unit === 'second') {
      const t = trace[engine.step - 1]?.time ?? 0;
      const boundary = Math.ceil(t / 1e6) * 1e6 - 1e6;
      // The first event at or after the whole second before: time reads that second, when an event falls on it.
      let s = engine.step - 1;
      while (s > 0 && must(trace[s - 1], 'event of step', s).time >= boundary) s--;
      engine.seek(boundary <= 0 ? 0 : s + 1);
      return;
    }
    let s = engine.step - 1;
    while (s > 0 && !match(must(trace[s - 1], 'event of step', s))) s--;
    engine.seek(Math.max(0, s));
  }

  /** Where the run is in its script (see ScriptProgress). */
  private progress(engine: Engine): ScriptProgress {
    const step = engine.step;
    let command = -1;
    let anchor = { step: 0, time: 0 };
    for (const m of this.run.milestones) {
      if (m.step > step) break;
      if (m.kind === 'command') {
        command++;
        anchor = m;
      }
    }
    const trace = engine.trace;
    const now = engine.now;
    let nth = 0;
    while (step - nth - 1 >= anchor.step && trace[step - nth - 1]?.time === now) nth++;
    return { command, after: now - anchor.time, nth };
  }

  /**
   * Compare mode: goes to the same point of the script as another run: the
   * start of its `command`-th command (-1: boot), `after` µs later, `nth`
   * events into that instant, computing forward as needed; to the end if the
   * script has no such command.
   */
  private *seekProgress(engine: Engine, p: ScriptProgress): Work {
    const { command, after, nth } = p;
    const commands = () => this.run.milestones.filter((m) => m.kind === 'command');
    const ended = () => engine.settled || engine.overtime;
    if (command >= 0 && commands().length <= command) {
      let seen = commands().length;
      yield* this.forward(
        engine,
        (e) => {
          if (e.log.some((l) => l.command === true)) seen = commands().length;
          return seen > command || ended();
        },
        MAX_EVENTS_PER_REQUEST,
      );
    }
    const anchor = command < 0 ? { step: 0, time: 0 } : commands()[command];
    if (anchor === undefined) {
      yield* this.seek(engine, engine.trace.length);
      return;
    }
    const until = anchor.time + Math.max(0, after);
    const trace = engine.trace;
    // Events before the instant, then up to `nth` events of it (computing forward as needed).
    let s = anchor.step;
    const more = (): boolean => {
      if (s < trace.length) return true;
      if (ended()) return false;
      engine.seek(trace.length);
      return engine.stepForward() !== undefined;
    };
    // more() holds: s is below trace.length.
    while (more() && must(trace[s], 'event of step', s + 1).time < until) {
      s++;
      if ((s & 0x3ff) === 0) yield;
    }
    const first = s;
    while (s - first < nth && more() && must(trace[s], 'event of step', s + 1).time === until) {
      s++;
      if ((s & 0x3ff) === 0) yield;
    }
    engine.seek(Math.max(anchor.step, s));
  }

  /**
   * Goes to `step` if the scenario gets there: no further than 60 simulated
   * seconds after its script ends. False (and at that last step) if not.
   */
  private *reach(engine: Engine, step: number): Work<boolean> {
    const target = Math.max(0, Math.floor(step));
    if (target <= engine.trace.length) {
      engine.seek(target);
      return true;
    }
    engine.seek(engine.trace.length);
    yield* this.forward(engine, () => engine.step >= target || engine.overtime, MAX_EVENTS_PER_REQUEST);
    return engine.step >= target;
  }

  /** The step at which the scenario settles, computing forward as far as needed. */
  private *findEnd(engine: Engine): Work<number> {
    if (this.run.end !== null) return this.run.end;
    const here = engine.step;
    engine.seek(engine.trace.length);
    const ended = () => engine.settled || engine.overtime;
    if (!ended()) yield* this.forward(engine, ended, MAX_EVENTS_PER_REQUEST);
    if (ended()) this.run.end = engine.step;
    const end = engine.step;
    engine.seek(here);
    return end;
  }

  private truncate(step: number): void {
    this.switches = null;
    this.run.limitHit = null;
    this.run.log = this.run.log.filter((l) => l.step <= step);
    this.run.milestones = this.run.milestones.filter((m) => m.step <= step);
    this.run.sent.log = Math.min(this.run.sent.log, this.run.log.length);
    // Undo, newest first, what sampling did after `step`: a sample that
    // replaced one of the same time gives that one back. What is left is what
    // sampling the events up to `step` gives.
    const samples = this.run.samples;
    for (let last = samples.at(-1); last !== undefined && last.step > step; last = samples.at(-1)) {
      const prev = this.replaced.get(last);
      if (prev === undefined) samples.pop();
      else samples[samples.length - 1] = prev;
      this.run.sent.samples = Math.min(this.run.sent.samples, prev === undefined ? samples.length : samples.length - 1);
    }
    this.run.sent.milestones = Math.min(this.run.sent.milestones, this.run.milestones.length);
    this.run.lanes.truncate(step);
    this.run.sent.cpuRuns = Math.min(this.run.sent.cpuRuns, this.run.lanes.cpuRuns.length);
    this.run.sent.marks = Math.min(this.run.sent.marks, this.run.lanes.marks.length);
  }

  /**
   * Records the task counts now, one sample per event that moved them: the
   * timeline's event axis draws the samples of one simulated time apart (the
   * first pass switches most tasks within a few ms, the bug demos all at 0 s).
   */
  private sample(engine: Engine): void {
    const k = engine.kernel;
    const s: Sample = { step: engine.step, time: engine.now, ...patchStateCounts(k.tasks), pending: k.tasks.tifCount };
    const last = this.run.samples[this.run.samples.length - 1];
    if (last !== undefined && last.undefined === s.undefined && last.unpatched === s.unpatched && last.patched === s.patched && last.pending === s.pending) return;
    if (last !== undefined && last.step === s.step) {
      this.run.samples[this.run.samples.length - 1] = s;
      this.replaced.set(s, last);
      // The replaced sample may have been sent already: send it again.
      this.run.sent.samples = Math.min(this.run.sent.samples, this.run.samples.length - 1);
    } else this.run.samples.push(s);
  }

  /** Turns an event into log lines and milestones, and samples when the counts may have moved. */
  private derive(engine: Engine, e: SimEvent): void {
    for (const l of e.log) this.run.log.push({ ...l, text: escapeControl(l.text), step: e.step });
    for (const m of milestonesOf(e, engine.world)) this.run.milestones.push(m.label === escapeControl(m.label) ? m : { ...m, label: escapeControl(m.label) });
    this.run.lanes.observe(engine.kernel, e);
    if (e.livepatch || e.switches.length > 0 || e.fn === 'fork' || e.fn === 'shell') this.sample(engine);
    this.scanStop(engine, e);
    // The end, in one place: the first step where the run settles (or is taken to be stuck).
    if (this.run.end === null && (engine.settled || engine.overtime)) this.run.end = e.step;
  }

  private play(): void {
    const engine = this.run.engine;
    if (engine === undefined || this.playing) return;
    // Nothing is played past the end.
    if (this.target === null && this.run.end !== null && engine.step >= this.run.end) return;
    this.playing = true;
    this.carry = 0;
    this.playId = this.re;
    this.lastTick = this.clock();
    this.sendFrame();
    this.schedule();
  }

  private pause(): void {
    this.playing = false;
    this.target = null;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), 16);
  }

  /**
   * One tick of play: as many events as the speed allows, within ~12 ms. The
   * fraction of an event owed at low speeds is carried to the next tick, so
   * 1/s plays one event a second. With a play unit, only its events count.
   */
  tick(): void {
    this.unpark();
    const engine = this.run.engine;
    if (!this.playing || engine === undefined) return;
    this.re = this.playId;
    const now = this.clock();
    const target = this.target;
    const rate = Math.max(must(SPEEDS[this.speed], 'play speed', this.speed), target?.rate ?? 0);
    let budget = Infinity;
    if (rate !== Infinity) {
      this.carry += (rate * (now - this.lastTick)) / 1000;
      budget = Math.floor(this.carry);
      this.carry -= budget;
    }
    this.lastTick = now;
    const deadline = now + 12;
    const counts = matcher(this.playUnit, engine);
    let n = 0;
    let moved = false;
    let stop = false;
    while (n < budget && this.clock() < deadline) {
      if (target !== null ? engine.step >= target.step : this.run.end !== null && engine.step >= this.run.end) {
        stop = true;
        break;
      }
      const e = engine.stepForward();
      if (e === undefined) {
        stop = true;
        break;
      }
      moved = true;
      if (counts(e)) n++;
    }
    if (!stop && (target !== null ? engine.step >= target.step : this.run.end !== null && engine.step >= this.run.end)) stop = true;
    if (stop) {
      this.pause();
      this.scheduleAhead();
    }
    // A huge machine's frames are sent at 30 a second, leaving the cores to drawing.
    const every = engine.kernel.tasks.count > 50_000 ? 33 : 0;
    if (!this.playing || (moved && now - this.lastSent >= every)) {
      this.lastSent = now;
      this.sendFrame();
    }
    if (this.playing) this.schedule();
  }

  /** Sends the frame of the view; `ahead`: a frame of computing ahead (the next step may be kept, see nextSent). */
  sendFrame(ahead = false): void {
    this.unpark();
    const engine = this.run.engine;
    if (engine === undefined) return;
    const sent = this.nextSent;
    const prefetch = this.prefetch && !this.playing && !this.aheadHeld;
    const kept = prefetch && ahead && sent !== null && sent.engine === engine && sent.step === engine.step && sent.unit === this.stepUnit;
    // The next step first: the events it computes are then in this frame's series and count.
    const next = prefetch && !kept ? this.nextFrame(engine) : null;
    this.nextSent = !prefetch ? null : kept ? sent : { engine, step: engine.step, unit: this.stepUnit, some: next !== null };
    this.run.seen = Math.max(this.run.seen, engine.step);
    const here = this.frameAt(engine, this.run.seen, true);
    const frame: Frame = kept ? (sent.some ? { ...here.frame, next: 'kept' } : here.frame) : next === null ? here.frame : { ...here.frame, next: { unit: this.stepUnit, frame: next.frame } };
    this.aheadFrameAt = this.clock();
    this.reply({ type: 'frame', frame }, next === null ? here.transfer : [...here.transfer, ...next.transfer]);
  }

  /**
   * A step forward in the last unit stepped with, computed ahead: the frame
   * it gives (its view; the series its events bring go with the frame of
   * here), or null if it would not move or takes more than PREFETCH_EVENTS
   * events. The engine is back here after.
   */
  private nextFrame(engine: Engine): { frame: Frame; transfer: Transferable[] } | null {
    if (engine.kernel.tasks.count > PREFETCH_TASK_LIMIT) return null;
    const stop = this.stepStop(engine, this.stepUnit);
    if (stop === null) return null;
    const here = engine.step;
    let found = false;
    for (let n = 0; n < PREFETCH_EVENTS && !found; n++) {
      const e = engine.stepForward();
      found = e === undefined || stop(e);
    }
    let next: { frame: Frame; transfer: Transferable[] } | null = null;
    if (found && engine.step !== here) {
      // As the step will: it clears a stop not reached.
      const unreached = this.run.unreached;
      this.run.unreached = null;
      next = this.frameAt(engine, Math.max(this.run.seen, engine.step), false);
      this.run.unreached = unreached;
    }
    engine.seek(here);
    return next;
  }

  /**
   * The frame of the engine's step. With `series`, it carries what the page
   * does not have yet of the series, which then counts as sent; without, it
   * carries none of it (a frame computed ahead: its series come with the
   * frame it is sent with).
   */
  private frameAt(engine: Engine, seen: number, series: boolean): { frame: Frame; transfer: Transferable[] } {
    this.noteLimit(engine);
    const k = engine.kernel;
    const tasks = k.tasks;
    const n = tasks.count;
    const run = new Uint8Array(n);
    for (let t = 0 as TaskId; t < n; t++) {
      const cpu = cpuOf(tasks, t);
      run[t] = runState(tasks, t, k.cpus.online[cpu] === 1 && (k.cpus.curr[cpu] === t || (t === idleTask(cpu) && k.cpus.curr[cpu] === t)));
    }
    const columns: TaskColumns = {
      count: n,
      pid: tasks.pid.slice(0, n),
      patchState: tasks.patchState.slice(0, n),
      tif: tasks.tif.slice(0, n),
      run,
      kind: tasks.kind.slice(0, n),
      cpu: tasks.cpu.slice(0, n),
    };
    const history = this.run.selected === null ? [] : this.history(engine, this.run.selected);
    const sel = this.run.selected === null ? undefined : taskView(k, this.run.selected as TaskId, this.arrival(engine.step, history));
    const frame: Frame = {
      step: engine.step,
      seen,
      time: engine.now,
      computed: engine.trace.length,
      end: this.run.end,
      playing: this.playing,
      speed: this.speed,
      event: shown(this.currentEvent(engine)),
      globals: shown(globalsView(k)),
      cpus: shown(cpusView(k)),
      funcStacks: shown(funcStacksView(k)),
      tasks: columns,
      ...(this.run.sent.comms !== n ? { comms: shown(tasks.comm.slice(0, n)) } : {}),
      log: series ? this.shownLog.next(this.run.log, this.run.sent.log, countUpTo(this.run.log, engine.step)) : NO_APPEND,
      samples: series ? this.shownSamples.next(this.run.samples, this.run.sent.samples) : NO_APPEND,
      milestones: { from: this.run.sent.milestones, items: series ? this.run.milestones.slice(this.run.sent.milestones) : [] },
      selected: sel === undefined ? null : shown({ ...sel, history }),
      actions: engine.actions,
      tour: this.tourView(),
      progress: this.progress(engine),
      lanes: {
        pinned: this.run.lanes.pinned,
        cpuRuns: this.run.lanes.recordsCpus ? (series ? this.run.shownCpuRuns.next(this.run.lanes.cpuRuns, this.run.sent.cpuRuns) : NO_APPEND) : null,
        marks: series ? this.shownMarks.next(this.run.lanes.marks, this.run.sent.marks) : NO_APPEND,
      },
      limit: this.run.limitHit,
      ahead: this.run.ahead && this.defer !== null,
    };
    if (series) this.run.sent = { log: this.run.log.length, samples: this.run.samples.length, milestones: this.run.milestones.length, comms: n, cpuRuns: this.run.lanes.cpuRuns.length, marks: this.run.lanes.marks.length };
    return { frame, transfer: [columns.pid.buffer, columns.patchState.buffer, columns.tif.buffer, columns.run.buffer, columns.kind.buffer, columns.cpu.buffer] };
  }

  /** The event that led to the current state, narrated: the one event a frame shows in words. */
  private currentEvent(engine: Engine): NarratedEvent | null {
    const e = engine.step > 0 ? engine.trace[engine.step - 1] : undefined;
    return e === undefined ? null : narrate(e, engine.world);
  }

  /**
   * The selected task's switches up to the current step. The trace is read
   * once per task, then only what was computed since: a frame costs nothing
   * that grows with the trace.
   */
  private arrival(step: number, history: readonly SwitchRecord[]): Arrival {
    const h = this.switches;
    return arrivalOf(step, history, h?.inits ?? [], h?.reverses ?? []);
  }

  private history(engine: Engine, task: number): SwitchRecord[] {
    let h = this.switches;
    if (h === null || h.task !== task) h = this.switches = { task, read: 0, records: [], inits: [], reverses: [] };
    const trace = engine.trace;
    for (; h.read < trace.length; h.read++) {
      const e = must(trace[h.read], 'event of step', h.read + 1);
      for (const s of e.switches) if (s.task === task) h.records.push({ step: e.step, time: e.time, from: s.from, to: s.to, fn: e.fn });
      if (e.kind === 'init' || e.kind === 'init-immediate') h.inits.push(e.step);
      else if (e.kind === 'reverse') h.reverses.push(e.step);
    }
    const step = engine.step;
    const last = h.records.findLastIndex((r) => r.step <= step);
    return h.records.slice(0, last + 1);
  }
}

/** How the selected task came by its patch_state in this transition, from the history shown with it. */
function arrivalOf(step: number, history: readonly SwitchRecord[], inits: readonly number[], reverses: readonly number[]): Arrival {
  const since = inits.findLast((s) => s <= step) ?? -1;
  const last = history.at(-1);
  return {
    switched: last !== undefined && last.step >= since ? last : null,
    reversedAt: reverses.findLast((s) => s >= since && s <= step) ?? null,
  };
}

/** An event that changes livepatch state: part of the machinery, or switching tasks, or breaking a guarantee. */
const actsOn = (e: SimEvent | undefined): boolean => e !== undefined && (e.livepatch || e.switches.length > 0 || e.violations.length > 0);

function matcher(unit: StepUnit, engine: Engine): (e: SimEvent) => boolean {
  switch (unit) {
    case 'event':
      return () => true;
    case 'livepatch':
      return (e) => e.livepatch;
    case 'switch':
      return (e) => e.switches.length > 0;
    case 'second': {
      const next = (Math.floor(engine.now / 1e6) + 1) * 1e6;
      return (e) => e.time >= next;
    }
  }
}

/** Kinds that mark a stage of a transition on the timeline. */
const STAGE: Partial<Record<EventKind, MilestoneKind>> = {
  init: 'init',
  'init-immediate': 'init',
  start: 'start',
  'start-immediate': 'start',
  reverse: 'reverse',
  force: 'force',
  complete: 'complete',
};

/** The timeline's marks of an event, from its kind and typed fields only: no text is read to decide. */
export function milestonesOf(e: SimEvent, world: World): Milestone[] {
  const out: Milestone[] = [];
  const add = (kind: MilestoneKind, label: string) => out.push({ step: e.step, time: e.time, kind, label });
  for (const l of e.log) if (l.command === true) add('command', l.text.slice(2));
  if ((e.kind === 'init' || e.kind === 'init-immediate') && e.args.target === KLP_PATCHED) add('enable', `enabling patch '${e.args.patch}'`);
  if (e.kind === 'try-complete-retry' && e.args.firstSignals) add('signals', 'signals sent');
  if (e.kind === 'oops' && e.pid !== undefined && e.comm !== undefined) add('oops', oopsLine(e.comm, e.pid, fnName(world, e.args.fn), e.args.module));
  const stage = STAGE[e.kind];
  if (stage !== undefined) add(stage, e.fn);
  if (e.kind === 'try-complete-retry') add('retry', 'retry armed');
  for (const v of e.violations) add('violation', `${v.givenUp ? `given up by ${v.givenUp}` : 'violated'}: ${v.text}`);
  return out;
}
