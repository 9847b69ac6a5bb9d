// The "what if" demos and the rfc-v2 demo with its order left open
// (src/sim/scenario/presets/whatif.ts): the seed's run breaks nothing; the
// search finds the guarantee each demo is about, shrunk to at most twice
// the changes of the shortest counterexample by hand, and its choices
// replay to the same violation; without the switch, the same bounds find
// nothing.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/sim/engine.ts';
import { WHATIF_DEMOS } from '../../../src/sim/scenario/presets/whatif.ts';
import { search } from '../../../src/sim/search/search.ts';
import type { Violation } from '../../../src/sim/types.ts';

/** The real violations of a run to its end (settled or overtime). */
function violationsOf(doc: unknown): Violation[] {
  const e = Engine.load(doc, { keepTrace: false });
  const out: Violation[] = [];
  for (let n = 0; n < 50_000 && !e.settled && !e.overtime; n++) {
    const ev = e.stepForward();
    if (ev === undefined) break;
    out.push(...ev.violations.filter((v) => v.givenUp === undefined));
  }
  return out;
}

describe.each(WHATIF_DEMOS.map((d) => [d.preset.id, d] as const))('the demo %s', (_id, demo) => {
  const doc = demo.preset.scenario;

  it('breaks nothing with its own seed', () => {
    expect(violationsOf(doc)).toEqual([]);
  });

  it('has a counterexample the search finds, shrinks and replays', () => {
    const r = search(doc, { maxDepth: demo.maxDepth, maxStates: 200_000 });
    expect(r.stop).toBe('violation');
    const f = r.found;
    expect(f?.violation.invariant).toBe(demo.invariant);
    expect(f?.choices.length).toBeGreaterThan(0);
    expect(f?.choices.length).toBeLessThanOrEqual(2 * demo.handMade);
    // The scenario with its choices, as `klpscope check --out` writes it, breaks the same guarantee.
    expect(violationsOf({ ...doc, choices: f?.choices }).map((v) => v.invariant)).toContain(demo.invariant);
    // The real kernel (v4.12 for the RFC's bug), explored as far as the search went: nothing.
    const real = doc.whatIf === undefined ? { ...doc, kernel: 'v4.12' } : { ...doc, whatIf: undefined };
    const fixed = search(real, { maxDepth: demo.maxDepth, maxStates: Math.max(r.states, 500) });
    expect(fixed.found).toBeUndefined();
    expect(fixed.stop === 'states' || fixed.stop === 'exhausted').toBe(true);
    expect(fixed.states).toBeGreaterThanOrEqual(Math.min(r.states, 500));
  }, 120_000);
});

describe('the search', () => {
  it('says what it covered when it finds nothing, exhausting a small bound', () => {
    const doc = { format: 'klpscope/1', machine: { cpus: 1 }, script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch'] };
    const r = search(doc, { maxDepth: 12, maxChanges: 2 });
    expect(r.found).toBeUndefined();
    expect(r.stop).toBe('exhausted');
    expect(r.depth).toBeLessThanOrEqual(12);
    expect(r.states).toBeGreaterThan(0);
  });

  it('visits a state once: a second exploration of the same bound counts the same states', () => {
    const doc = WHATIF_DEMOS[0]!.preset.scenario;
    const a = search({ ...doc, whatIf: undefined }, { maxDepth: 30, maxChanges: 1 });
    const b = search({ ...doc, whatIf: undefined }, { maxDepth: 30, maxChanges: 1 });
    expect(a.stop).toBe('exhausted');
    expect(b.states).toBe(a.states);
    expect(b.runs).toBe(a.runs);
  });

  it('finds the rfc-v2 bug with random walks too', () => {
    const demo = WHATIF_DEMOS.find((d) => d.preset.id === 'bug-order-open');
    const r = search(demo?.preset.scenario, { strategy: 'random', maxStates: 200_000, walkSeed: 3 });
    expect(r.found?.violation.invariant).toBe(11);
  }, 60_000);

  it('stops when asked to, and reports progress on the way', () => {
    const seen: number[] = [];
    const r = search({ ...WHATIF_DEMOS[1]!.preset.scenario, whatIf: undefined }, { progressEvery: 1, onProgress: (p) => seen.push(p.runs), shouldStop: () => seen.length >= 3 });
    expect(r.stop).toBe('cancelled');
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});
