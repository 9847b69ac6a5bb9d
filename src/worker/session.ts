// The worker's side of the protocol, as a plain class so that it runs and is
// tested in Node: owns the Engine, answers requests, plays, and builds the
// frames the panels draw. The derived series (log, samples, milestones) are
// kept beside the trace and sent incrementally.
import { Engine } from '../sim/engine.ts';
import { presetById } from '../sim/scenario/presets.ts';
import type { Preset } from '../sim/scenario/presets.ts';
import { findStopStep } from '../sim/scenario/tour.ts';
import { formatLogLine, traceLine } from '../sim/trace/format.ts';
import { idleTask } from '../sim/machine/cpus.ts';
import { runState } from '../sim/machine/tasks.ts';
import { ScenarioError } from '../sim/scenario/types.ts';
import type { SimEvent, TaskId } from '../sim/types.ts';
import type { World } from '../sim/world.ts';
import { KLP_PATCHED } from '../sim/types.ts';
import { narrate, oopsLine } from '../sim/events.ts';
import type { EventKind, NarratedEvent } from '../sim/events.ts';
import { cpusView, funcStacksView, globalsView, taskView } from '../sim/view.ts';
import { LaneRecorder } from './lanes.ts';
import { DEFAULT_SPEED, SPEEDS } from './protocol.ts';
import type { Frame, LogEntry, Milestone, MilestoneKind, Reply, Request, Sample, ScenarioSource, ScriptProgress, StepUnit, SwitchRecord, TaskColumns, TourView } from './protocol.ts';

/** No single request computes more events than this. */
const MAX_EVENTS_PER_REQUEST = 5_000_000;

export type Post = (reply: Reply, transfer?: Transferable[]) => void;

export class Session {
  private engine: Engine | undefined;
  private log: LogEntry[] = [];
  private samples: Sample[] = [];
  private milestones: Milestone[] = [];
  private sent = { log: 0, samples: 0, milestones: 0, comms: -1, cpuRuns: 0, marks: 0 };
  private readonly lanes = new LaneRecorder();
  private end: number | null = null;
  private playing = false;
  private speed = DEFAULT_SPEED;
  private selected: number | null = null;
  private preset: Preset | undefined;
  /** The tour stop shown, and the steps of the stops found so far. */
  private tourStop = 0;
  private tourSteps: (number | undefined)[] = [];
  /** The selected task's switches found in the trace so far, and how much of the trace was read. */
  private switches: { task: number; read: number; records: SwitchRecord[] } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastTick = 0;
  private lastSent = 0;

  constructor(
    private readonly post: Post,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  handle(req: Request): void {
    try {
      this.dispatch(req);
    } catch (e) {
      if (e instanceof ScenarioError) this.post({ type: 'invalid', message: e.message });
      else this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private dispatch(req: Request): void {
    if (req.type === 'load') return this.load(req.source);
    if (req.type === 'crash') throw new Error('the simulation worker was asked to crash');
    const engine = this.engine;
    if (engine === undefined) return;
    switch (req.type) {
      case 'step':
        this.pause();
        this.stepBy(engine, req.unit, req.direction);
        break;
      case 'seek':
        this.pause();
        this.seek(engine, req.step);
        break;
      case 'jump':
        this.pause();
        if (req.to === 'start') engine.seek(0);
        else this.seek(engine, this.findEnd(engine));
        break;
      case 'play':
        this.play();
        return;
      case 'pause':
        this.pause();
        break;
      case 'speed':
        this.speed = Math.max(0, Math.min(SPEEDS.length - 1, req.index));
        break;
      case 'act':
        this.pause();
        if (engine.step < engine.trace.length) this.truncate(engine.step);
        engine.act(req.command);
        this.end = null;
        // Tour stops found on the discarded branch must be found again.
        this.tourSteps = this.tourSteps.slice(0, firstAfter(this.tourSteps, engine.step));
        this.runAction(engine);
        break;
      case 'select':
        this.selected = req.task;
        break;
      case 'pin':
        if (this.lanes.pin(engine, req.task, req.on)) this.sent.marks = 0;
        break;
      case 'progress':
        this.pause();
        this.seekProgress(engine, req);
        break;
      case 'tour':
        this.pause();
        this.goToStop(engine, req.stop);
        break;
      case 'export':
        this.post({ type: 'export', what: req.what, text: this.exportText(engine, req.what) });
        return;
    }
    this.sendFrame();
  }

  private load(source: ScenarioSource): void {
    const preset = source.preset === undefined ? undefined : presetById(source.preset);
    if (source.preset !== undefined && preset === undefined) throw new ScenarioError('preset', `no demo is called '${source.preset.slice(0, 40)}'`);
    const engine = Engine.load(preset?.scenario ?? source.scenario);
    const actions = source.actions ?? [];
    // Refuse a bad action before anything changes: the previous scenario stays.
    for (const a of actions) engine.parseAction(a.text);
    this.pause();
    this.engine = engine;
    this.log = [];
    this.samples = [];
    this.milestones = [];
    this.sent = { log: 0, samples: 0, milestones: 0, comms: -1, cpuRuns: 0, marks: 0 };
    this.lanes.reset(engine, engine.kernel.tasks.count);
    this.end = null;
    this.selected = null;
    this.switches = null;
    this.preset = preset;
    this.tourStop = 0;
    this.tourSteps = [];
    this.sample(engine);
    engine.onNewEvent = (e) => this.derive(engine, e);
    for (const a of actions) {
      this.forwardTo(engine, a.step);
      engine.act(a.text);
    }
    if (source.tour !== undefined && preset !== undefined) this.goToStop(engine, source.tour);
    else if (preset !== undefined && preset.tour.length > 0) this.findStop(engine, 0);
    let notice: string | undefined;
    if (source.step !== undefined && !this.reach(engine, source.step)) {
      notice = `step ${source.step} is past the end of this scenario; showing its last step, ${engine.step}`;
    }
    const sc = engine.scenario;
    const meta = { preset: preset?.id ?? null, name: sc.name, description: sc.description, kernel: sc.kernel, cpus: sc.machine.cpus, json: JSON.stringify(sc, null, 2) };
    this.post(notice === undefined ? { type: 'loaded', meta } : { type: 'loaded', meta, notice });
    this.sendFrame();
  }

  /** Finds (computing forward as needed) the step of a tour stop and goes there. */
  private goToStop(engine: Engine, stop: number): void {
    const step = this.findStop(engine, stop);
    if (step !== undefined) this.seek(engine, step);
  }

  /** Makes `stop` the tour's current stop and finds its step (computing forward as needed) without moving. */
  private findStop(engine: Engine, stop: number): number | undefined {
    const tour = this.preset?.tour ?? [];
    const i = Math.max(0, Math.min(tour.length - 1, Math.floor(stop)));
    for (let j = this.tourSteps.length; j <= i; j++) {
      const from = j === 0 ? 0 : this.tourSteps[j - 1];
      this.tourSteps.push(from === undefined ? undefined : findStopStep(engine, tour[j].when, from));
    }
    this.tourStop = i;
    return this.tourSteps[i];
  }

  private tourView(): TourView | null {
    const p = this.preset;
    if (p === undefined || p.tour.length === 0) return null;
    const stop = this.tourStop;
    return { preset: p.id, title: p.title, question: p.question, stop, stops: p.tour.length, text: p.tour[stop].text, step: this.tourSteps[stop] ?? null };
  }

  private exportText(engine: Engine, what: 'trace' | 'log'): string {
    const upto = Math.min(engine.step, engine.trace.length);
    if (what === 'trace') return engine.trace.slice(0, upto).map((e) => traceLine(e, engine.world)).join('\n') + (upto > 0 ? '\n' : '');
    return this.log
      .filter((l) => l.step <= upto)
      .map((l) => formatLogLine(l, true))
      .join('\n');
  }

  /** Steps forward, deriving series from each new event, until `stop` holds. */
  private forward(engine: Engine, stop: (e: SimEvent) => boolean, max: number): void {
    for (let n = 0; n < max; n++) {
      const e = engine.stepForward();
      if (e === undefined) return;
      if (stop(e)) return;
    }
  }

  /** Shows the action's whole effect: every event of the command it became. */
  private runAction(engine: Engine): void {
    engine.stepOperation();
    // Its look-ahead event was derived before it was discarded.
    this.truncate(engine.step);
  }

  private forwardTo(engine: Engine, step: number): void {
    if (step <= engine.step) return;
    this.forward(engine, () => engine.step >= step, step - engine.step);
  }

  private seek(engine: Engine, step: number): void {
    const target = Math.max(0, Math.floor(step));
    if (target <= engine.trace.length) engine.seek(target);
    else {
      engine.seek(engine.trace.length);
      this.forwardTo(engine, Math.min(target, engine.step + MAX_EVENTS_PER_REQUEST));
    }
  }

  private stepBy(engine: Engine, unit: StepUnit, direction: 1 | -1): void {
    const match = matcher(unit, engine);
    if (direction === 1) {
      this.forward(engine, match, MAX_EVENTS_PER_REQUEST);
      return;
    }
    const trace = engine.trace;
    if (unit === 'second') {
      const t = trace[engine.step - 1]?.time ?? 0;
      const boundary = Math.ceil(t / 1e6) * 1e6 - 1e6;
      let s = engine.step - 1;
      while (s > 0 && trace[s - 1].time >= boundary) s--;
      engine.seek(s);
      return;
    }
    let s = engine.step - 1;
    while (s > 0 && !match(trace[s - 1])) s--;
    engine.seek(Math.max(0, s));
  }

  /** Where the run is in its script (see ScriptProgress). */
  private progress(engine: Engine): ScriptProgress {
    const step = engine.step;
    let command = -1;
    let anchor = { step: 0, time: 0 };
    for (const m of this.milestones) {
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
  private seekProgress(engine: Engine, p: ScriptProgress): void {
    const { command, after, nth } = p;
    const commands = () => this.milestones.filter((m) => m.kind === 'command');
    const ended = () => engine.settled || engine.overtime;
    if (command >= 0 && commands().length <= command) {
      let seen = commands().length;
      this.forward(
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
      this.seek(engine, engine.trace.length);
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
    while (more() && trace[s].time < until) s++;
    const first = s;
    while (s - first < nth && more() && trace[s].time === until) s++;
    engine.seek(Math.max(anchor.step, s));
  }

  /**
   * Goes to `step` if the scenario gets there: no further than 60 simulated
   * seconds after its script ends. False (and at that last step) if not.
   */
  private reach(engine: Engine, step: number): boolean {
    const target = Math.max(0, Math.floor(step));
    if (target <= engine.trace.length) {
      engine.seek(target);
      return true;
    }
    engine.seek(engine.trace.length);
    this.forward(engine, () => engine.step >= target || engine.overtime, MAX_EVENTS_PER_REQUEST);
    return engine.step >= target;
  }

  /** The step at which the scenario settles, computing forward as far as needed. */
  private findEnd(engine: Engine): number {
    if (this.end !== null) return this.end;
    const here = engine.step;
    engine.seek(engine.trace.length);
    const ended = () => engine.settled || engine.overtime;
    if (!ended()) this.forward(engine, ended, MAX_EVENTS_PER_REQUEST);
    if (ended()) this.end = engine.step;
    const end = engine.step;
    engine.seek(here);
    return end;
  }

  private truncate(step: number): void {
    this.switches = null;
    this.log = this.log.filter((l) => l.step <= step);
    this.samples = this.samples.filter((s) => s.step <= step);
    this.milestones = this.milestones.filter((m) => m.step <= step);
    this.sent.log = Math.min(this.sent.log, this.log.length);
    this.sent.samples = Math.min(this.sent.samples, this.samples.length);
    this.sent.milestones = Math.min(this.sent.milestones, this.milestones.length);
    this.lanes.truncate(step);
    this.sent.cpuRuns = Math.min(this.sent.cpuRuns, this.lanes.cpuRuns.length);
    this.sent.marks = Math.min(this.sent.marks, this.lanes.marks.length);
  }

  /** Records the task counts now, coalescing samples of one simulated time. */
  private sample(engine: Engine): void {
    const k = engine.kernel;
    const c = k.tasks.stateCount;
    const s: Sample = { step: engine.step, time: engine.now, undefined: c[0], unpatched: c[1], patched: c[2], pending: k.tasks.tifCount };
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && last.undefined === s.undefined && last.unpatched === s.unpatched && last.patched === s.patched && last.pending === s.pending) return;
    if (last !== undefined && last.time === s.time) {
      this.samples[this.samples.length - 1] = s;
      // The replaced sample may have been sent already: send it again.
      this.sent.samples = Math.min(this.sent.samples, this.samples.length - 1);
    } else this.samples.push(s);
  }

  /** Turns an event into log lines and milestones, and samples when the counts may have moved. */
  private derive(engine: Engine, e: SimEvent): void {
    for (const l of e.log) this.log.push({ ...l, step: e.step });
    for (const m of milestonesOf(e, engine.world)) this.milestones.push(m);
    this.lanes.observe(engine.kernel, e);
    if (e.livepatch || e.switches.length > 0 || e.fn === 'fork' || e.fn === 'shell') this.sample(engine);
  }

  private play(): void {
    if (this.engine === undefined || this.playing) return;
    this.playing = true;
    this.lastTick = this.clock();
    this.sendFrame();
    this.schedule();
  }

  private pause(): void {
    this.playing = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), 16);
  }

  /** One tick of play: as many events as the speed allows, within ~12 ms. */
  tick(): void {
    const engine = this.engine;
    if (!this.playing || engine === undefined) return;
    const now = this.clock();
    const rate = SPEEDS[this.speed];
    const budget = rate === Infinity ? Infinity : Math.max(1, Math.round((rate * (now - this.lastTick)) / 1000));
    this.lastTick = now;
    const deadline = now + 12;
    let n = 0;
    let settledAt: number | undefined;
    while (n < budget && this.clock() < deadline) {
      if (engine.step >= engine.trace.length) this.forward(engine, () => true, 1);
      else engine.stepForward();
      n++;
      if (engine.settled && this.end === null) this.end = engine.step;
      if (this.end !== null && engine.step >= this.end) {
        settledAt = engine.step;
        break;
      }
    }
    if (settledAt !== undefined) this.pause();
    // A huge machine's frames are sent at 30 a second, leaving the cores to drawing.
    const every = engine.kernel.tasks.count > 50_000 ? 33 : 0;
    if (!this.playing || now - this.lastSent >= every) {
      this.lastSent = now;
      this.sendFrame();
    }
    if (this.playing) this.schedule();
  }

  sendFrame(): void {
    const engine = this.engine;
    if (engine === undefined) return;
    const k = engine.kernel;
    const tasks = k.tasks;
    const n = tasks.count;
    const run = new Uint8Array(n);
    for (let t = 0 as TaskId; t < n; t++) {
      const cpu = tasks.cpu[t];
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
    const sel = this.selected === null ? undefined : taskView(k, this.selected as TaskId);
    const frame: Frame = {
      step: engine.step,
      time: engine.now,
      computed: engine.trace.length,
      end: this.end,
      playing: this.playing,
      speed: this.speed,
      event: this.currentEvent(engine),
      globals: globalsView(k),
      cpus: cpusView(k),
      funcStacks: funcStacksView(k),
      tasks: columns,
      ...(this.sent.comms !== n ? { comms: tasks.comm.slice(0, n) } : {}),
      log: { from: this.sent.log, items: this.log.slice(this.sent.log) },
      samples: { from: this.sent.samples, items: this.samples.slice(this.sent.samples) },
      milestones: { from: this.sent.milestones, items: this.milestones.slice(this.sent.milestones) },
      selected: sel === undefined ? null : { ...sel, history: this.history(engine, sel.task) },
      actions: engine.actions,
      tour: this.tourView(),
      progress: this.progress(engine),
      lanes: {
        pinned: this.lanes.pinned,
        cpuRuns: this.lanes.recordsCpus ? { from: this.sent.cpuRuns, items: this.lanes.cpuRuns.slice(this.sent.cpuRuns) } : null,
        marks: { from: this.sent.marks, items: this.lanes.marks.slice(this.sent.marks) },
      },
    };
    this.sent = { log: this.log.length, samples: this.samples.length, milestones: this.milestones.length, comms: n, cpuRuns: this.lanes.cpuRuns.length, marks: this.lanes.marks.length };
    this.post({ type: 'frame', frame }, [columns.pid.buffer, columns.patchState.buffer, columns.tif.buffer, columns.run.buffer, columns.kind.buffer, columns.cpu.buffer] as Transferable[]);
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
  private history(engine: Engine, task: number): SwitchRecord[] {
    let h = this.switches;
    if (h === null || h.task !== task) h = this.switches = { task, read: 0, records: [] };
    const trace = engine.trace;
    for (; h.read < trace.length; h.read++) {
      const e = trace[h.read];
      for (const s of e.switches) if (s.task === task) h.records.push({ step: e.step, time: e.time, from: s.from, to: s.to, fn: e.fn });
    }
    const step = engine.step;
    const last = h.records.findLastIndex((r) => r.step <= step);
    return h.records.slice(0, last + 1);
  }
}

/** Index of the first stop not reached by `step` (or not reachable at all). */
function firstAfter(steps: readonly (number | undefined)[], step: number): number {
  const i = steps.findIndex((s) => s === undefined || s > step);
  return i < 0 ? steps.length : i;
}

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
  if (e.kind === 'oops' && e.pid !== undefined && e.comm !== undefined) add('oops', oopsLine(e.comm, e.pid, world.fnNames[e.args.fn], e.args.module));
  const stage = STAGE[e.kind];
  if (stage !== undefined) add(stage, e.fn);
  if (e.kind === 'try-complete-retry') add('retry', 'retry armed');
  for (const v of e.violations) add('violation', `${v.givenUp ? `given up by ${v.givenUp}` : 'violated'}: ${v.text}`);
  return out;
}
