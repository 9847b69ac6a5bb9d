// The simulation's one source of randomness: a seeded xoroshiro128+ held in the state.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class Rng {
  private constructor(private readonly gen: RandomGenerator) {}

  static seeded(seed: number): Rng {
    return new Rng(xoroshiro128plus(seed | 0));
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min >= max ? min : uniformInt(this.gen, min, max);
  }

  clone(): Rng {
    return new Rng(this.gen.clone());
  }
}
