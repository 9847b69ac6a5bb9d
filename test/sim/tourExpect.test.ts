// Honest tours: at the step where each stop of each preset lands, every
// claim it carries as data holds (task states, counts, log lines, globals),
// what its spotlight names exists, and its question is well formed. Also the
// checker itself, on one small run, in both directions.
import { describe, it, expect } from 'vitest';
import { PANEL_IDS } from '../../src/app/link.ts';
import { Engine } from '../../src/sim/engine.ts';
import { PRESETS } from '../../src/sim/scenario/presets.ts';
import { tourSteps } from '../../src/sim/scenario/tour.ts';
import { expectationFailure, stopFailures } from '../../src/sim/scenario/tourExpect.ts';

const boundOf = (id: string): number => (id === 'large-machine' ? 400_000 : 20_000);

describe.each(PRESETS.map((p) => [p.id, p] as const))('the tour of %s', (_id, p) => {
  it('makes only claims that hold where each stop lands, and names only what exists there', () => {
    const e = Engine.load(p.scenario);
    const steps = tourSteps(e, p.tour, { maxSteps: boundOf(p.id) });
    const failures: string[] = [];
    p.tour.forEach((stop, i) => {
      const at = steps[i];
      expect(at, `stop ${i + 1}`).toBeDefined();
      e.seek(at as number);
      for (const f of stopFailures(e, stop)) failures.push(`stop ${i + 1} (step ${at}): ${f}`);
    });
    expect(failures).toEqual([]);
  }, 120_000);

  it('carries at least one checked claim at every stop, and spotlights a known panel', () => {
    p.tour.forEach((stop, i) => {
      expect(stop.expect?.length ?? 0, `stop ${i + 1} of ${p.id}`).toBeGreaterThan(0);
      if (stop.spotlight?.panel !== undefined) expect(PANEL_IDS, `stop ${i + 1}`).toContain(stop.spotlight.panel);
    });
  });

  it('asks well-formed questions, never at the last stop (the next stop reveals the answer)', () => {
    p.tour.forEach((stop, i) => {
      const q = stop.question;
      if (q === undefined) return;
      expect(i, 'a question needs a next stop').toBeLessThan(p.tour.length - 1);
      expect(q.answers.length).toBeGreaterThanOrEqual(2);
      expect(q.answers.length).toBeLessThanOrEqual(4);
      expect(q.correct).toBeGreaterThanOrEqual(0);
      expect(q.correct).toBeLessThan(q.answers.length);
      expect(q.ask.trim().endsWith('?')).toBe(true);
      expect(q.why.length).toBeGreaterThan(20);
    });
  });
});

describe('predict, then reveal', () => {
  it('at least 8 presets ask a question', () => {
    expect(PRESETS.filter((p) => p.tour.some((s) => s.question !== undefined)).length).toBeGreaterThanOrEqual(8);
  });
});

describe('the checker', () => {
  const first = PRESETS[0]!;
  it('fails a false claim with a message that names what is wrong, and passes a true one', () => {
    const e = Engine.load(first.scenario);
    e.seek(0);
    expect(expectationFailure(e, { kind: 'counts', undefined: 19 })).toBeNull();
    expect(expectationFailure(e, { kind: 'counts', patched: 3 })).toBe('0 tasks patched, expected 3');
    expect(expectationFailure(e, { kind: 'task', comm: 'slowcat', patchState: -1 })).toBeNull();
    expect(expectationFailure(e, { kind: 'task', comm: 'slowcat', patchState: 1 })).toBe('slowcat (pid 15) is undefined, expected patched');
    expect(expectationFailure(e, { kind: 'task', comm: 'nobody' })).toBe('no live task nobody');
    expect(expectationFailure(e, { kind: 'task', pid: 15, pending: true })).toBe('pid 15 (pid 15) has no TIF_PATCH_PENDING');
    expect(expectationFailure(e, { kind: 'log', includes: 'patching complete', present: false })).toBeNull();
    expect(expectationFailure(e, { kind: 'log', includes: 'patching complete', present: true })).toBe('no line "patching complete" yet');
    expect(expectationFailure(e, { kind: 'global', name: 'klp_transition_patch', value: null })).toBeNull();
    expect(expectationFailure(e, { kind: 'global', name: 'klp_target_state', value: 1 })).toBe('klp_target_state is undefined, expected patched');
    e.run({ until: (ev) => ev.fn === 'klp_start_transition', maxSteps: 1000 });
    expect(expectationFailure(e, { kind: 'counts', unpatched: 19, pending: 19 })).toBeNull();
    expect(expectationFailure(e, { kind: 'global', name: 'klp_transition_patch', value: 'test_klp_livepatch' })).toBeNull();
    expect(expectationFailure(e, { kind: 'log', includes: 'starting patching transition', present: true })).toBeNull();
    expect(expectationFailure(e, { kind: 'log', includes: 'starting patching transition', present: false })).toBe('the line "starting patching transition" is already written');
  });

  it('checks that a spotlight names what exists at the stop', () => {
    const e = Engine.load(first.scenario);
    const stop = { text: 't', when: { kind: 'start' } as const, spotlight: { tasks: ['slowcat', 'ghost', 99], cpu: 9, function: 'cmdline_proc_show', logLine: 'patching complete' } };
    expect(stopFailures(e, stop)).toEqual([
      'spotlight: no live task ghost',
      'spotlight: no live task 99',
      'spotlight: no CPU 9',
      'spotlight: cmdline_proc_show has no func_stack here',
      'spotlight: no line "patching complete" yet',
    ]);
  });
});
