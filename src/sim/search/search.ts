// Bounded search for counterexamples: runs a scenario again and again with
// different choices (rng.ts), checking every invariant at every event, and
// stops at the first broken guarantee, or when its bounds are spent.
//
// - `dfs`: depth-first over the choice points, bounded by the number of
//   choices that differ from what the seed would choose (iteratively: the
//   seed's own run, then every run with one changed choice, then two, ...).
//   A run is the scenario with a few choice points set ([POINT, VALUE]
//   pairs, as a scenario's `choices`), the seed deciding the rest; below
//   each run, the search tries each later point at its other alternatives. Between operations the kernel state and the
//   generator's state are hashed (hash.ts): a run that reaches a state
//   already explored with as many changes left stops there, so equal
//   states are explored once.
// - `random`: random walks, each choice point taking a random alternative.
//
// Depth is counted in operations (a command, a timer's handler) from boot.
// A result with no violation means exactly: none in N states to depth D.
// Pure and deterministic: time comes in through `clock`, never read here.
import { Engine } from '../engine.ts';
import { parseScenario } from '../scenario/schema.ts';
import type { Scenario } from '../scenario/types.ts';
import { CHOICE_KINDS, Rng } from '../rng.ts';
import type { ChoiceKind, ChoicePair, Strategy } from '../rng.ts';
import type { SimEvent, Violation } from '../types.ts';
import { stateKey } from './hash.ts';
import { must } from '../must.ts';

export type SearchStrategy = 'dfs' | 'random';

/** Kinds the search explores unless told otherwise: every kind but the tick's phase. */
export const DEFAULT_EXPLORE: readonly ChoiceKind[] = CHOICE_KINDS.filter((k) => k !== 'tick');

export interface SearchOptions {
  readonly strategy?: SearchStrategy;
  /** Distinct states to visit at most (default 100,000). */
  readonly maxStates?: number;
  /** Operations from boot a run goes to at most (default 400). */
  readonly maxDepth?: number;
  /** `dfs`: choices changed from the seed's, at most (default 3). */
  readonly maxChanges?: number;
  /** Choice kinds explored; the others are left to the seed and the fixed defaults. */
  readonly explore?: readonly ChoiceKind[];
  /** The random walks' own seed. */
  readonly walkSeed?: number;
  /** Milliseconds since some origin, for the time bound and the rate; the search reads no clock itself. */
  readonly clock?: () => number;
  /** Wall-clock bound in ms (needs `clock`). */
  readonly timeLimitMs?: number;
  /** Called every `progressEvery` runs (default 16) and at the end. */
  readonly onProgress?: (p: SearchProgress) => void;
  readonly progressEvery?: number;
  /** Polled with progress: true cancels. */
  readonly shouldStop?: () => boolean;
  /** Shrink a counterexample to the fewest changed choices that still show it (default true). */
  readonly shrink?: boolean;
}

export interface SearchProgress {
  /** Distinct states visited (kernel and generator state between operations). */
  readonly states: number;
  /** Deepest run so far, in operations. */
  readonly depth: number;
  /** Runs started. */
  readonly runs: number;
  readonly elapsedMs: number;
}

export interface Counterexample {
  /** The scenario's `choices` that replay it: with them the run breaks `violation.invariant`. */
  readonly choices: readonly ChoicePair[];
  /** Changed choices of the run as found, before shrinking. */
  readonly foundLength: number;
  /** Where the replay of `choices` (as `klpscope run` runs it) breaks it. */
  readonly step: number;
  readonly time: number;
  readonly fn: string;
  readonly violation: Violation;
}

export type SearchStop = 'violation' | 'exhausted' | 'states' | 'time' | 'cancelled';

export interface SearchResult extends SearchProgress {
  readonly stop: SearchStop;
  readonly maxDepth: number;
  /** `dfs`: changed choices the runs had at most. */
  readonly maxChanges?: number;
  readonly found?: Counterexample;
}

/**
 * The order in which the points of a run are changed: the races a "what if"
 * switch opens and the script's windows first (few, and what the scenario
 * asks about), then which call, which task, and last the many durations.
 */
const RANK: Readonly<Record<ChoiceKind, number>> = { race: 0, delay: 1, syscall: 2, pick: 3, wake: 4, user: 5, tick: 6 };

/** The alternatives the search tries at a choice point: every index (up to 4), or a range's ends (and a window's middle). */
export function alternatives(kind: ChoiceKind, lo: number, hi: number): number[] {
  switch (kind) {
    case 'pick':
    case 'syscall':
    case 'race': {
      const out: number[] = [];
      for (let v = lo; v <= hi && out.length < 4; v++) out.push(v);
      return out;
    }
    case 'delay':
      return hi - lo >= 2 ? [lo, Math.round((lo + hi) / 2), hi] : [lo, hi];
    default:
      return [lo, hi];
  }
}

class Pruned extends Error {}

/** A choice point of a run: what it chose between, and what the run took. */
interface Point {
  readonly kind: ChoiceKind;
  readonly lo: number;
  readonly hi: number;
  value: number;
}

interface RunOutcome {
  readonly violation?: { readonly event: SimEvent; readonly v: Violation };
  readonly depth: number;
  readonly points: readonly Point[];
}

const isError = (v: Violation): boolean => v.givenUp === undefined;

/**
 * A run to its end (settled, overtime, or `maxDepth` operations), stopping
 * at the first violation. `decide` sets a point (undefined: the seed);
 * `betweenOps` sees each state between operations.
 */
function runOnce(scenario: Scenario, decide: Strategy, maxDepth: number, betweenOps?: (ops: number, made: number, key: () => string) => void): RunOutcome {
  const points: Point[] = [];
  const record: number[] = [];
  const strategy: Strategy = (kind, lo, hi, index) => {
    points.push({ kind, lo, hi, value: -1 });
    return decide(kind, lo, hi, index);
  };
  const engine = new Engine(scenario, {
    keepTrace: false,
    keepCheckpoints: false,
    choices: { strategy, record },
    betweenOps: betweenOps === undefined ? undefined : (k) => betweenOps(k.s.ops, k.s.rng.choicesMade, () => `${stateKey(k.s)}/${k.s.rng.stateKey()}`),
  });
  let depth = 0;
  let violation: RunOutcome['violation'];
  try {
    while (!engine.settled && !engine.overtime && engine.state.ops < maxDepth) {
      const e = engine.stepForward();
      if (e === undefined) break;
      depth = Math.max(depth, engine.state.ops);
      const v = e.violations.find(isError);
      if (v !== undefined) {
        violation = { event: e, v };
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof Pruned)) throw err;
  }
  points.length = record.length;
  points.forEach((p, i) => (p.value = must(record[i], 'choice', i)));
  return { depth: Math.max(depth, engine.state.ops), points, ...(violation ? { violation } : {}) };
}

/** A run on the depth-first stack, and the next change to try below it. */
interface Node {
  /** The choices this run set, in point order. */
  readonly changes: readonly ChoicePair[];
  readonly points: readonly Point[];
  /** The points it may change, in the order they are tried (`RANK`, then position). */
  readonly order: readonly number[];
  /** The entry of `order` to change next, and which of its other alternatives. */
  i: number;
  alt: number;
}

/**
 * Searches the scenario's choices for a broken guarantee.
 * @throws ScenarioError when the scenario is invalid
 */
export function search(input: unknown, options: SearchOptions = {}): SearchResult {
  const scenario = parseScenario(input);
  const base: Scenario = { ...scenario, choices: undefined };
  const maxStates = options.maxStates ?? 100_000;
  const maxDepth = options.maxDepth ?? 400;
  const maxChanges = options.maxChanges ?? 3;
  const explore = new Set<ChoiceKind>(options.explore ?? DEFAULT_EXPLORE);
  const clock = options.clock;
  const t0 = clock?.() ?? 0;
  const every = options.progressEvery ?? 16;
  const visited = new Map<string, number>();
  let states = 0;
  let depth = 0;
  let runs = 0;
  const progress = (): SearchProgress => ({ states, depth, runs, elapsedMs: (clock?.() ?? t0) - t0 });
  const finish = (stop: SearchStop, found?: Counterexample): SearchResult => {
    const p = progress();
    options.onProgress?.(p);
    return { ...p, stop, maxDepth, ...(options.strategy === 'random' ? {} : { maxChanges }), ...(found ? { found } : {}) };
  };
  const report = (o: RunOutcome, changes: readonly ChoicePair[]): Counterexample | undefined => {
    const f = o.violation;
    if (f === undefined) return undefined;
    const choices = options.shrink === false ? changes : shrink(base, changes, f.v.invariant, f.event.step);
    const step = replayStep(base, choices, f.v.invariant, Math.max(1000, 2 * f.event.step));
    return { choices, foundLength: changes.length, step: step >= 0 ? step : f.event.step, time: f.event.time, fn: f.event.fn, violation: f.v };
  };
  /** After a run: progress, cancel, bounds. */
  const tick = (): SearchStop | undefined => {
    runs++;
    if (runs % every === 0) {
      options.onProgress?.(progress());
      if (options.shouldStop?.()) return 'cancelled';
    }
    if (states >= maxStates) return 'states';
    if (options.timeLimitMs !== undefined && clock !== undefined && clock() - t0 >= options.timeLimitMs) return 'time';
    return undefined;
  };

  if (options.strategy === 'random') {
    const walk = Rng.seeded(options.walkSeed ?? 1);
    for (;;) {
      // Each point: the seed's value, or one of the alternatives.
      const changes: ChoicePair[] = [];
      const decide: Strategy = (kind, lo, hi, index) => {
        if (!explore.has(kind)) return undefined;
        const alts = alternatives(kind, lo, hi);
        // One past the last alternative keeps the seed's value.
        const alt = alts[walk.int(0, alts.length)];
        if (alt === undefined) return undefined;
        changes.push([index, alt]);
        return alt;
      };
      const o = runOnce(base, decide, maxDepth, (ops, _made, key) => {
        const k = key();
        if (!visited.has(k)) {
          visited.set(k, ops);
          states++;
        }
      });
      depth = Math.max(depth, o.depth);
      const found = report(o, changes);
      if (found) return finish('violation', found);
      const stop = tick();
      if (stop) return finish(stop);
    }
  }

  for (let bound = 0; ; bound++) {
    visited.clear();
    const r = depthFirst(bound);
    if (r !== 'exhausted' || bound >= maxChanges) return typeof r === 'string' ? finish(r) : finish('violation', r);
  }

  /** The run with these choices set; states after point `from` are hashed with `left` changes to go. */
  function runWith(changes: readonly ChoicePair[], from: number, left: number): RunOutcome {
    const set = new Map(changes);
    return runOnce(base, (_kind, _lo, _hi, index) => set.get(index), maxDepth, (ops, made, key) => {
      // States before the changed point were explored by the runs before.
      if (made <= from) return;
      const k = `${key()}/${left}`;
      const seen = visited.get(k);
      if (seen !== undefined && seen <= ops) throw new Pruned();
      visited.set(k, ops);
      states++;
      if (states >= maxStates) throw new Pruned();
    });
  }

  /** A run's node: the points after `from` that the search explores, in the order they are tried. */
  function node(changes: readonly ChoicePair[], points: readonly Point[], from: number): Node {
    const ranked: { readonly at: number; readonly rank: number }[] = [];
    points.forEach((p, at) => {
      if (at > from && explore.has(p.kind)) ranked.push({ at, rank: RANK[p.kind] });
    });
    ranked.sort((a, b) => a.rank - b.rank || a.at - b.at);
    return { changes, points, order: ranked.map((r) => r.at), i: 0, alt: 0 };
  }

  /**
   * Depth-first over the sets of changed choices, at most `bound` of them:
   * the seed's run first; below a run, each run that also changes one of
   * its later choice points to another alternative.
   */
  function depthFirst(bound: number): SearchStop | Counterexample {
    const root = runWith([], -1, bound);
    depth = Math.max(depth, root.depth);
    const found = report(root, []);
    if (found) return found;
    const stop = tick();
    if (stop) return stop;
    if (bound === 0) return 'exhausted';
    const stack: Node[] = [node([], root.points, -1)];
    for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
      // The node's next untried change: at point `q` (an index into its points), the value `alt`.
      let q: number | undefined;
      let alt: number | undefined;
      for (q = top.order[top.i]; q !== undefined; q = top.order[top.i]) {
        const p = must(top.points[q], 'choice point', q);
        alt = alternatives(p.kind, p.lo, p.hi).filter((a) => a !== p.value)[top.alt];
        if (alt !== undefined) break;
        top.i++;
        top.alt = 0;
      }
      if (q === undefined || alt === undefined) {
        stack.pop();
        continue;
      }
      top.alt++;
      const changes: ChoicePair[] = [...top.changes, [q, alt]];
      const left = bound - changes.length;
      const child = runWith(changes, q, left);
      depth = Math.max(depth, child.depth);
      const f = report(child, changes);
      if (f) return f;
      const st = tick();
      if (st) return st;
      if (left > 0) stack.push(node(changes, child.points, q));
    }
    return 'exhausted';
  }
}

/** The step at which the scenario with these `choices` breaks invariant `inv` (as `klpscope run` runs it), or -1 if not within `maxStep` events. */
export function replayStep(scenario: Scenario, choices: readonly ChoicePair[], inv: number, maxStep: number): number {
  const engine = new Engine({ ...scenario, choices }, { keepTrace: false, keepCheckpoints: false });
  try {
    while (engine.step < maxStep && !engine.settled && !engine.overtime) {
      const e = engine.stepForward();
      if (e === undefined) return -1;
      if (e.violations.some((v) => isError(v) && v.invariant === inv)) return e.step;
    }
  } catch {
    return -1;
  }
  return -1;
}

export const replayShows = (scenario: Scenario, choices: readonly ChoicePair[], inv: number, maxStep: number): boolean => replayStep(scenario, choices, inv, maxStep) >= 0;

/**
 * The fewest of these changed choices that still break the same invariant
 * (within twice the steps the run as found took, and at least 1,000): drops
 * one change at a time while the rest still show it.
 */
export function shrink(scenario: Scenario, choices: readonly ChoicePair[], inv: number, step: number): ChoicePair[] {
  const maxStep = Math.max(1000, 2 * step);
  let best = choices.slice();
  for (let i = best.length - 1; i >= 0; i--) {
    const fewer = [...best.slice(0, i), ...best.slice(i + 1)];
    if (replayShows(scenario, fewer, inv, maxStep)) best = fewer;
  }
  return best;
}
