// The one entry point to the simulation: load a scenario, step one event,
// run until a time or a kind of event, act (a command at the current point),
// and seek to any step. Going back is restoring the nearest checkpoint and
// replaying forward; checkpoints are taken every K events at points where no
// kernel operation is half done.
import { checkQuiescent } from './invariants.ts';
import { cloneState, createState, Kernel } from './kernel.ts';
import type { KGen, SimState } from './kernel.ts';
import type { ChoiceSource } from './rng.ts';
import { peekLive, pop, Timer } from './machine/queue.ts';
import { boot, cpuTimer, idleEnter, taskWake, transitionWorkTimer } from './machine/sched.ts';
import { scriptDone, shellNext, shellReady, shellTimer } from './machine/shell.ts';
import { parseScenario } from './scenario/schema.ts';
import { parseScript, parseScriptLine, scriptContext } from './scenario/script.ts';
import type { ScriptContext } from './scenario/script.ts';
import { ScenarioError } from './scenario/types.ts';
import type { Scenario, ScriptLine } from './scenario/types.ts';
import type { SimEvent, SimTime, TaskId } from './types.ts';
import { compileWorld } from './world.ts';
import type { World } from './world.ts';
import { MAX_EVENTS, MAX_RANGE_MS, MAX_SIM_TIME_US } from './limits.ts';
import type { LimitKind } from './limits.ts';

/** How long after its script a scenario may go on for a transition to finish. */
export const SETTLE_LIMIT_US = 60_000_000;

/** Further ahead than any timer is armed (the longest range or sleep, twice over). */
const TIMER_HORIZON_US = 2 * MAX_RANGE_MS * 1000;

export interface Action {
  /** The action runs after this many events. */
  readonly step: number;
  readonly text: string;
}

export interface EngineOptions {
  /**
   * Events between checkpoints; by default max(100, number of tasks), so a
   * checkpoint's size per event stays the same whatever the machine, and a
   * step back on a small machine replays at most ~100 events.
   */
  readonly checkpointEvery?: number;
  /** Keep every event in `trace` (default true). */
  readonly keepTrace?: boolean;
  /** Where the run's choices come from (default: the scenario's `choices`, then its seed); the search sets a strategy here. */
  readonly choices?: ChoiceSource;
  /** Take checkpoints (default true); without them the engine cannot seek back (the CLI never does). */
  readonly keepCheckpoints?: boolean;
  /** Events per run (default MAX_EVENTS): no event past it; `limit` says so. */
  readonly maxEvents?: number;
  /** Simulated time per run, µs (default MAX_SIM_TIME_US): no operation starts past it; `limit` says so. */
  readonly maxTimeUs?: number;
  /** Tasks a run may ever have (default PID_MAX): a fork past it fails with -EAGAIN. */
  readonly pidMax?: number;
  /** Called between operations, before the next one starts (the search hashes the state here). */
  readonly betweenOps?: (k: Kernel) => void;
}

export interface RunLimits {
  readonly untilTime?: number;
  readonly until?: (e: SimEvent) => boolean;
  readonly maxSteps?: number;
}

interface Checkpoint {
  readonly step: number;
  readonly state: SimState;
  /** How many entries of the action log the state has taken in. */
  readonly injected: number;
}

export class Engine {
  readonly world: World;
  /** Every event computed so far; `trace[i]` is step i + 1. May run ahead of `step` after a seek back. */
  readonly trace: SimEvent[] = [];
  private readonly k: Kernel;
  private readonly ctx: ScriptContext;
  private active: KGen | undefined;
  private checkpoints: Checkpoint[] = [];
  private actionLog: Action[] = [];
  /** Entries of the action log the current state has taken in. */
  private injected = 0;
  private readonly every: number;
  private readonly keepTrace: boolean;
  private readonly keepCheckpoints: boolean;
  readonly maxEvents: number;
  readonly maxTimeUs: number;
  private readonly betweenOps: ((k: Kernel) => void) | undefined;
  /** Called with each event when it first joins the trace, the state being the one right after it. */
  onNewEvent: ((e: SimEvent) => void) | undefined;

  /** Loads a scenario: a JSON text, a parsed document, or a validated Scenario. */
  static load(input: unknown, options: EngineOptions = {}): Engine {
    const scenario = parseScenario(input);
    return new Engine(scenario, options);
  }

  constructor(scenario: Scenario, options: EngineOptions = {}) {
    this.ctx = scriptContext(scenario);
    this.world = compileWorld(scenario, parseScript(scenario, this.ctx));
    const taskCount = scenario.tasks.reduce((n, g) => n + g.count, 0) + 2 * scenario.machine.cpus + 1;
    this.k = new Kernel(this.world, createState(this.world, taskCount + 16, options.choices));
    if (options.pidMax !== undefined) this.k.pidMax = options.pidMax;
    boot(this.k);
    this.every = options.checkpointEvery ?? Math.max(100, taskCount);
    this.keepTrace = options.keepTrace ?? true;
    this.keepCheckpoints = options.keepCheckpoints ?? true;
    this.maxEvents = options.maxEvents ?? MAX_EVENTS;
    this.maxTimeUs = options.maxTimeUs ?? MAX_SIM_TIME_US;
    if (this.keepCheckpoints) this.checkpoints.push({ step: 0, state: cloneState(this.k.s), injected: 0 });
    this.betweenOps = options.betweenOps;
  }

  get scenario(): Scenario {
    return this.world.scenario;
  }
  /** Events processed so far: the current point. */
  get step(): number {
    return this.k.s.steps;
  }
  get now(): SimTime {
    return this.k.s.now;
  }
  /** The current state. Read only: change it through act(). */
  get state(): Readonly<SimState> {
    return this.k.s;
  }
  get kernel(): Kernel {
    return this.k;
  }
  get actions(): readonly Action[] {
    return this.actionLog;
  }
  /** The script has run to its end and no transition is in progress. */
  get settled(): boolean {
    return scriptDone(this.k) && this.k.s.klp.transitionPatch < 0;
  }
  get scriptDone(): boolean {
    return scriptDone(this.k);
  }
  /**
   * More than 60 simulated seconds have passed since the script ended: a
   * transition still in progress by then is taken to be stuck. With
   * `settled`, this is where a scenario ends (the CLI, "Jump to end", links).
   */
  get overtime(): boolean {
    const at = this.k.s.scriptDoneAt;
    return at >= 0 && this.k.s.now > at + SETTLE_LIMIT_US;
  }

  /**
   * The limit this run has reached, if any: the events per run, or the
   * simulated time (the next operation would start past it). Nothing goes
   * beyond it: stepForward() returns undefined there.
   */
  get limit(): LimitKind | undefined {
    if (this.k.s.steps >= this.maxEvents) return 'events';
    if (this.active === undefined && this.nextStart() > this.maxTimeUs && this.nextStart() !== Infinity) return 'time';
    return undefined;
  }

  /**
   * Processes one event; undefined only if nothing at all is left to happen,
   * if the next operation would start after `until` (µs), or at a limit (`limit`).
   */
  stepForward(until = Infinity): SimEvent | undefined {
    const k = this.k;
    if (k.s.steps >= this.maxEvents) return undefined;
    for (;;) {
      if (this.active === undefined) {
        // No timer is armed more than MAX_RANGE_MS ahead: far from the time limit, only `until` needs the next start.
        const next = until !== Infinity || k.s.now >= this.maxTimeUs - TIMER_HORIZON_US ? this.nextStart() : -1;
        if (next > until || (next > this.maxTimeUs && next !== Infinity)) return undefined;
        checkQuiescent(k);
        this.betweenOps?.(k);
        this.injectActions();
        // A fork-grown machine is checkpointed less often: a checkpoint's size per event stays the same.
        if (this.keepCheckpoints && k.s.steps - this.lastCheckpoint() >= Math.max(this.every, k.tasks.count)) {
          this.checkpoints.push({ step: k.s.steps, state: cloneState(k.s), injected: this.injected });
        }
        k.current = -1 as TaskId;
        this.active = shellNext(k) ?? this.nextTimer();
        if (this.active === undefined) return undefined;
        k.s.ops++;
      }
      const r = this.active.next();
      if (r.done) {
        this.active = undefined;
        continue;
      }
      const e = r.value;
      if (e.step > this.trace.length) {
        if (this.keepTrace) this.trace.push(e);
        this.onNewEvent?.(e);
      }
      return e;
    }
  }

  /** Hands the shell the actions taken at or before the current step. */
  private injectActions(): void {
    const log = this.actionLog;
    while (this.injected < log.length && log[this.injected].step <= this.k.s.steps) {
      this.k.s.shell.actions.push(this.parseAction(log[this.injected].text));
      this.injected++;
    }
  }

  private lastCheckpoint(): number {
    return this.checkpoints[this.checkpoints.length - 1]?.step ?? 0;
  }

  private nextTimer(): KGen | undefined {
    const k = this.k;
    const e = peekLive(k.s.timers, k.s);
    if (e === undefined) return undefined;
    pop(k.s.timers);
    k.s.now = e.time;
    switch (e.type) {
      case Timer.Cpu:
        return cpuTimer(k, e.id);
      case Timer.TaskWake:
        return taskWake(k, e.id as TaskId);
      case Timer.TransitionWork:
        return transitionWorkTimer(k);
      case Timer.Shell:
        return shellTimer(k, e.gen);
      case Timer.IdleKick:
        return idleEnter(k, e.id, true);
      case Timer.IdleEnter:
        return idleEnter(k, e.id, false);
    }
  }

  /** When the next operation would start, between operations: now if the shell has work. */
  private nextStart(): number {
    const k = this.k;
    if (shellReady(k) || this.injected < this.actionLog.length) return k.s.now;
    return peekLive(k.s.timers, k.s)?.time ?? Infinity;
  }

  /** Steps until a condition, a time or a number of steps; returns the events taken. */
  run(limits: RunLimits): number {
    let n = 0;
    const max = limits.maxSteps ?? Infinity;
    const until = limits.untilTime ?? Infinity;
    while (n < max) {
      const e = this.stepForward(until);
      if (e === undefined) break;
      n++;
      if (limits.until?.(e)) break;
    }
    // The clock stays at the last event: time only moves with events, so a
    // seek to the same step gives the same state.
    return n;
  }

  /**
   * Steps to the last event of the operation the next event belongs to (a
   * whole command, say), looking one event ahead and stepping back to it.
   */
  stepOperation(): number {
    const first = this.stepForward();
    if (first === undefined) return 0;
    let n = 1;
    for (;;) {
      const e = this.stepForward();
      if (e === undefined) return n;
      if (e.op !== first.op) {
        // The look-ahead event is not part of the operation: forget it, so
        // the trace ends where the operation does.
        this.seek(this.step - 1);
        this.truncateFuture(this.step);
        return n;
      }
      n++;
    }
  }

  /** Parses a command as the shell would run it; throws ScenarioError naming `action`. */
  parseAction(text: string): ScriptLine {
    const line = parseScriptLine(text, 0, this.ctx);
    if (line === null) throw new ScenarioError('action', 'a command (the line is empty)');
    if (line.command.kind === 'sleep' || line.command.kind === 'wait') throw new ScenarioError('action', `a command, not the script directive '${line.command.kind}'`);
    return line;
  }

  /**
   * Runs a command at the current point. Any future computed beyond this
   * point is discarded: the action starts a new branch.
   */
  act(text: string): ScriptLine {
    const line = this.parseAction(text);
    const step = this.step;
    this.truncateFuture(step);
    this.actionLog.push({ step, text });
    return line;
  }

  private truncateFuture(step: number): void {
    if (this.trace.length > step) this.trace.length = step;
    this.checkpoints = this.checkpoints.filter((c) => c.step < step || c.step === 0);
    this.actionLog = this.actionLog.filter((a) => a.step <= step);
    this.injected = Math.min(this.injected, this.actionLog.length);
  }

  /**
   * Moves to the state after `step` events: back through a checkpoint;
   * forward by stepping, from the last checkpoint before `step` when that is
   * ahead (the events between are in the trace already: a far seek into the
   * computed trace costs what a seek back does).
   */
  seek(step: number): void {
    const target = Math.max(0, Math.floor(step));
    if (target < this.step && !this.keepCheckpoints) throw new Error('this engine keeps no checkpoints: it cannot go back');
    let cp: Checkpoint | undefined;
    if (target !== this.step) for (const c of this.checkpoints) if (c.step <= target) cp = c;
    if (cp !== undefined && (target < this.step || (this.keepTrace && cp.step > this.step))) {
      this.k.s = cloneState(cp.state);
      this.k.reset();
      this.active = undefined;
      this.injected = cp.injected;
    }
    while (this.step < target && this.stepForward() !== undefined);
  }
}
