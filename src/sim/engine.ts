// The one entry point to the simulation: load a scenario, step one event,
// run until a time or a kind of event, act (a command at the current point),
// and seek to any step. Going back is restoring the nearest checkpoint and
// replaying forward; checkpoints are taken every K events at points where no
// kernel operation is half done.
import { checkQuiescent } from './invariants.ts';
import { cloneState, createState, Kernel } from './kernel.ts';
import { createTaskTable, packedTaskBytes, packTaskTable, unpackTaskTable } from './machine/tasks.ts';
import type { PackedTaskTable } from './machine/tasks.ts';
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
import { TraceStore, traceView } from './trace/store.ts';
import type { World } from './world.ts';
import { MAX_EVENTS, MAX_RANGE_MS, MAX_SIM_TIME_US } from './limits.ts';
import type { LimitKind } from './limits.ts';
import { must } from './must.ts';

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
  /**
   * Heap bytes the trace and checkpoints may take (default: no budget).
   * Past it, the older half of the checkpoints is thinned (every second one
   * goes) and new ones are taken half as often; when that is not enough,
   * the run stops there and `limit` is 'memory'. See `memory`.
   */
  readonly byteBudget?: number;
}

/** What the trace and checkpoints take, for the worker to show and to plan by (Engine.memory). */
export interface EngineMemory {
  /** Approximate heap bytes of the trace and checkpoints together. */
  readonly bytes: number;
  readonly traceBytes: number;
  readonly checkpointBytes: number;
  readonly checkpoints: number;
  /** Events between new checkpoints now (it doubles at each thinning). */
  readonly checkpointEvery: number;
  /** EngineOptions.byteBudget, undefined for none. */
  readonly budget: number | undefined;
  /** How many times old checkpoints were thinned to stay within the budget. */
  readonly thinnings: number;
}

export interface RunLimits {
  readonly untilTime?: number;
  readonly until?: (e: SimEvent) => boolean;
  readonly maxSteps?: number;
}

interface Checkpoint {
  readonly step: number;
  /** The state but its task table (`tasks` there is a placeholder). */
  readonly state: SimState;
  /** The task table, packed: the bulk of a checkpoint. */
  readonly tasks: PackedTaskTable;
  /** How many entries of the action log the state has taken in. */
  readonly injected: number;
  /** Approximate heap bytes. */
  readonly bytes: number;
}

/** Heap bytes of a checkpoint, roughly: the packed tasks, the timers and run queues, and the rest. */
function checkpointBytes(s: SimState, tasks: PackedTaskTable): number {
  let queued = 0;
  for (const q of s.cpus.runqueue) queued += q.length;
  return 4096 + packedTaskBytes(tasks) + 64 * s.timers.heap.length + 64 * s.cpus.count + 8 * queued;
}

/** Events between checks of the byte budget when no checkpoint is taken. */
const BUDGET_CHECK_EVERY = 4096;

export class Engine {
  readonly world: World;
  /** Where the trace is kept, compact (trace/store.ts). */
  private readonly store = new TraceStore();
  /**
   * Every event computed so far; `trace[i]` is step i + 1. May run ahead of
   * `step` after a seek back. Read only: an array view of the compact store,
   * each read making the event's record anew.
   */
  readonly trace: SimEvent[] = traceView(this.store);
  private readonly k: Kernel;
  private readonly ctx: ScriptContext;
  private active: KGen | undefined;
  private checkpoints: Checkpoint[] = [];
  private actionLog: Action[] = [];
  /** Entries of the action log the current state has taken in. */
  private injected = 0;
  private every: number;
  private checkpointBytes = 0;
  private thinnings = 0;
  private memoryFull = false;
  private nextBudgetCheck = BUDGET_CHECK_EVERY;
  readonly byteBudget: number | undefined;
  /** A task table with no rows, the placeholder in a checkpoint's state. */
  private readonly noTasks;
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
    this.byteBudget = options.byteBudget;
    this.noTasks = createTaskTable(0, this.world.depthMax);
    if (this.keepCheckpoints) this.takeCheckpoint();
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
    if (this.memoryFull && this.k.s.steps >= this.store.length) return 'memory';
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
    // Past the budget nothing new is computed; what is computed can be replayed.
    if (this.memoryFull && k.s.steps >= this.store.length) return undefined;
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
          this.takeCheckpoint();
          if (this.byteBudget !== undefined && !this.withinBudget()) return undefined;
        } else if (this.byteBudget !== undefined && k.s.steps >= this.nextBudgetCheck && k.s.steps >= this.store.length) {
          this.nextBudgetCheck = k.s.steps + BUDGET_CHECK_EVERY;
          if (!this.withinBudget()) return undefined;
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
      if (e.step > this.store.length) {
        if (this.keepTrace) this.store.push(e);
        this.onNewEvent?.(e);
      }
      return e;
    }
  }

  /** Hands the shell the actions taken at or before the current step. */
  private injectActions(): void {
    const log = this.actionLog;
    for (let a = log[this.injected]; a !== undefined && a.step <= this.k.s.steps; a = log[this.injected]) {
      this.k.s.shell.actions.push(this.parseAction(a.text));
      this.injected++;
    }
  }

  private takeCheckpoint(): void {
    const s = this.k.s;
    const tasks = packTaskTable(s.tasks);
    const state = cloneState(s, this.noTasks);
    const bytes = checkpointBytes(s, tasks);
    this.checkpoints.push({ step: s.steps, state, tasks, injected: this.injected, bytes });
    this.checkpointBytes += bytes;
  }

  /** The state of a checkpoint, as a live state of its own. */
  private restore(cp: Checkpoint): void {
    this.k.s = cloneState(cp.state, unpackTaskTable(cp.tasks));
    this.k.reset();
    this.active = undefined;
    this.injected = cp.injected;
  }

  /**
   * Within the byte budget, thinning old checkpoints if need be: every second
   * one of the older half goes (never the first, at step 0), and new ones
   * are taken half as often. False, with `limit` 'memory', if even that
   * cannot bring the trace and checkpoints within it.
   */
  private withinBudget(): boolean {
    const budget = this.byteBudget;
    if (budget === undefined) return true;
    while (this.store.bytes + this.checkpointBytes > budget) {
      const cps = this.checkpoints;
      if (cps.length < 4) {
        this.memoryFull = true;
        return false;
      }
      const half = cps.length >> 1;
      const kept: Checkpoint[] = [];
      for (const [i, c] of cps.entries()) {
        if (i < half && i % 2 === 1) this.checkpointBytes -= c.bytes;
        else kept.push(c);
      }
      this.checkpoints = kept;
      this.every *= 2;
      this.thinnings++;
    }
    return true;
  }

  /** What the trace and checkpoints take now, and the budget they are held to. */
  get memory(): EngineMemory {
    const traceBytes = this.store.bytes;
    return {
      bytes: traceBytes + this.checkpointBytes,
      traceBytes,
      checkpointBytes: this.checkpointBytes,
      checkpoints: this.checkpoints.length,
      checkpointEvery: this.every,
      budget: this.byteBudget,
      thinnings: this.thinnings,
    };
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

  /** Discards what was computed beyond the current step (it is computed again when asked for). */
  forgetFuture(): void {
    this.truncateFuture(this.step);
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

  /**
   * Takes back the actions after the first `keep`, taken at `step` (an action
   * cancelled before it finished): the run is at `step` as it was before
   * them, with the events after it to be computed again (they are what they
   * were: the run is deterministic).
   */
  retract(keep: number, step: number): void {
    this.truncateFuture(step);
    this.actionLog = this.actionLog.slice(0, keep);
    this.injected = Math.min(this.injected, keep);
    // The live state may hold an action already handed to the shell: start from a checkpoint before it.
    this.restore(this.checkpointAtOrBefore(Math.max(0, step - 1)));
    while (this.step < step && this.stepForward() !== undefined);
  }

  private truncateFuture(step: number): void {
    this.store.truncate(step);
    this.checkpoints = this.checkpoints.filter((c) => c.step < step || c.step === 0);
    this.checkpointBytes = this.checkpoints.reduce((n, c) => n + c.bytes, 0);
    this.memoryFull = false;
    this.actionLog = this.actionLog.filter((a) => a.step <= step);
    this.injected = Math.min(this.injected, this.actionLog.length);
  }

  /** The last checkpoint at or before `step` (binary search: checkpoints are in step order). */
  private checkpointAtOrBefore(step: number): Checkpoint {
    const cps = this.checkpoints;
    let lo = 0;
    let hi = cps.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (must(cps[mid], 'checkpoint in the search range').step <= step) lo = mid;
      else hi = mid - 1;
    }
    return must(cps[lo], 'checkpoint', lo);
  }

  /**
   * Moves to the state after `step` events: back through a checkpoint;
   * forward by stepping, from the last checkpoint before `step` when that is
   * ahead (the events between are in the trace already: a far seek into the
   * computed trace costs what a seek back does).
   */
  seek(step: number): void {
    const target = Math.max(0, Math.floor(step));
    if (target < this.step) {
      if (!this.keepCheckpoints) throw new Error('this engine keeps no checkpoints: it cannot go back');
      this.restore(this.checkpointAtOrBefore(target));
    } else if (this.keepCheckpoints && this.keepTrace && target > this.step) {
      const cp = this.checkpointAtOrBefore(target);
      if (cp.step > this.step) this.restore(cp);
    }
    while (this.step < target && this.stepForward() !== undefined);
  }
}
