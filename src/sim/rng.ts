// The simulation's one source of randomness, and its one chooser.
//
// Every place where the model picks between possibilities asks `choose`:
// which waiting task a CPU runs next, when a sleeper wakes, which system
// call a task makes, the phase of a tick, the delay of a script line within
// its window, and the races the "what if" switches open. A point with one
// possibility is no choice and is not counted.
//
// Who decides, in order: the scenario's `choices` (pairs [POINT, VALUE]:
// choice point number POINT, counted from 0 in the order the run meets
// them, takes VALUE), then a strategy (the search), then the default: the
// seeded xoroshiro128+ for what the model draws at random, a fixed value
// for what it does not (the head of the run queue, a full slice, no race).
// A point decided by a pair draws nothing from the generator. So a run is
// the scenario plus its list of choices, and without one every trace is
// what the seeded generator made before.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { ScenarioError } from './scenario/types.ts';

export const CHOICE_KINDS = ['pick', 'wake', 'user', 'syscall', 'tick', 'delay', 'race'] as const;
/**
 * pick: which waiting task a CPU runs next (an index in its run queue);
 * wake: how long a sleep lasts (µs); user: how long a task stays in user
 * space (µs); syscall: which of its system calls a task makes (an index);
 * tick: when the first tick comes after a task gets a CPU (µs); delay: a
 * script `sleep MIN..MAX` (µs); race: whether a race a "what if" switch
 * opens happens (0 no, 1 yes).
 */
export type ChoiceKind = (typeof CHOICE_KINDS)[number];

/**
 * Decides a choice point the list does not cover: a value in [lo, hi], or
 * undefined to leave it to the default. `index` is the point's position in
 * the run's sequence of choices.
 */
export type Strategy = (kind: ChoiceKind, lo: number, hi: number, index: number) => number | undefined;

/** A scenario's `choices` entry: choice point number, value. */
export type ChoicePair = readonly [point: number, value: number];

/** What a run's choices come from; shared by every clone of the state. */
export interface ChoiceSource {
  /** Point number → [value, index of its entry in the scenario's `choices`]. */
  readonly fixed?: ReadonlyMap<number, readonly [number, number]>;
  strategy?: Strategy;
  /** When set, every choice made is appended (value), in order. */
  record?: number[];
}

const NO_CHOICES: ChoiceSource = {};

/** The source of a scenario's `choices` (pairs [POINT, VALUE]). */
export function choiceSource(pairs: readonly ChoicePair[] = []): ChoiceSource {
  return pairs.length === 0 ? NO_CHOICES : { fixed: new Map(pairs.map(([point, value], i) => [point, [value, i] as const])) };
}

export class Rng {
  private constructor(
    private readonly gen: RandomGenerator,
    readonly source: ChoiceSource,
    /** Choice points passed so far in this run. */
    private at: number,
  ) {}

  static seeded(seed: number, source: ChoiceSource = NO_CHOICES): Rng {
    return new Rng(xoroshiro128plus(seed | 0), source, 0);
  }

  /** An integer in [min, max], both included, from the seeded generator. */
  int(min: number, max: number): number {
    return min >= max ? min : uniformInt(this.gen, min, max);
  }

  /** The generator's internal state, as a key (the search hashes it with the kernel state). */
  stateKey(): string {
    return this.gen.getState().join(',');
  }

  /** Choice points passed so far. */
  get choicesMade(): number {
    return this.at;
  }

  /**
   * A choice point: a value in [lo, hi]. `fixed` is the default when the
   * model does not draw this at random; otherwise the seeded generator draws.
   * @throws ScenarioError naming the `choices` entry whose value does not fit.
   */
  choose(kind: ChoiceKind, lo: number, hi: number, fixed?: number): number {
    if (lo >= hi) return lo;
    const i = this.at++;
    const src = this.source;
    let v: number | undefined;
    const pair = src.fixed?.get(i);
    if (pair !== undefined) {
      v = pair[0];
      if (!Number.isInteger(v) || v < lo || v > hi) throw new ScenarioError(`choices[${pair[1]}]`, `expected a value from ${lo} to ${hi} for choice point ${i} (${kind}), got ${v}`);
    } else {
      v = src.strategy?.(kind, lo, hi, i);
      v ??= fixed ?? uniformInt(this.gen, lo, hi);
    }
    src.record?.push(v);
    return v;
  }

  clone(): Rng {
    return new Rng(this.gen.clone(), this.source, this.at);
  }
}
