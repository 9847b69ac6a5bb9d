// Compare mode's pure parts: the second run's variation (as links write it),
// the first divergence of two logs and their side-by-side diff, the `c=`
// link field, and the worker's script progress, which puts a second run at
// the same point of the same script.
import { describe, expect, it } from 'vitest';
import { compared, diffRows, firstDivergence } from '../../src/panels/compare/diff.ts';
import { applyVariation, encodeVariation, parseVariation, variationsFor } from '../../src/panels/compare/variation.ts';
import type { Variation } from '../../src/panels/compare/variation.ts';
import { decodeLink, encodeLink } from '../../src/app/url.ts';
import { presetById } from '../../src/sim/scenario/presets.ts';
import { parseScenario } from '../../src/sim/scenario/schema.ts';
import { Session } from '../../src/worker/session.ts';
import { usec } from '../../src/sim/types.ts';
import type { Frame, LogEntry, Reply, Request } from '../../src/worker/protocol.ts';

const line = (step: number, text: string, taskDebug = false): LogEntry => ({ step, time: usec(step), text, level: 'notice', ...(taskDebug ? { taskDebug } : {}) });

describe('variations', () => {
  it('round-trip through their link form, and a bad one says what was expected', () => {
    const all: Variation[] = [
      { kind: 'kernel', kernel: 'v4.12' },
      { kind: 'immediate', on: true },
      { kind: 'seed', seed: 42 },
      { kind: 'whatIf', id: 'skip-idle-tasks', on: true },
    ];
    for (const v of all) expect(parseVariation(encodeVariation(v))).toEqual(v);
    expect(parseVariation('kernel:v9')).toMatch(/expected kernel:rfc-v2\|v4.12\|mainline/);
    expect(parseVariation('whatif:nope:1')).toMatch(/expected whatif:ID:0\|1/);
  });

  it('change only what they say', () => {
    const doc = presetById('bug-a-rfc')?.scenario as unknown as Record<string, unknown>;
    const twin = presetById('bug-a-v412')?.scenario as unknown as Record<string, unknown>;
    const b = applyVariation(doc, { kind: 'kernel', kernel: 'v4.12' }) as Record<string, unknown>;
    // The rfc-v2 bug demo's v4.12 twin is its script on the other kernel.
    const { name: _n1, description: _d1, ...rest } = b;
    const { name: _n2, description: _d2, ...twinRest } = twin;
    expect(rest).toEqual(twinRest);
    const imm = applyVariation(doc, { kind: 'immediate', on: false }) as { modules: { livepatch?: { immediate: boolean } }[] };
    expect(imm.modules.filter((m) => m.livepatch !== undefined).every((m) => m.livepatch?.immediate === false)).toBe(true);
    expect(variationsFor(doc).map(encodeVariation)).toEqual(expect.arrayContaining(['kernel:v4.12', 'kernel:mainline', 'immediate:0', `seed:${(doc.seed as number) + 1}`]));
  });

  it('offers each "what if" switch the kernel has, from the scenario as the worker reports it', () => {
    // The menu reads the worker's normalised scenario (JSON.stringify of parseScenario).
    const doc = JSON.parse(JSON.stringify(parseScenario(presetById('first-livepatch')?.scenario))) as unknown;
    const offered = variationsFor(doc).map(encodeVariation);
    expect(offered).toEqual(expect.arrayContaining(['whatif:no-fork-inherit:1', 'whatif:skip-idle-tasks:1', 'whatif:no-init-wmb:1']));
  });
});

describe('log diff', () => {
  it('finds the first differing line, leaving out per-task debug lines', () => {
    const a = compared([line(1, 'x'), line(2, 'stall', true), line(3, 'unpatching'), line(4, 'z')]);
    const b = compared([line(1, 'x'), line(5, 'patching'), line(6, 'z')]);
    expect(firstDivergence(a, b, null)).toEqual({ line: 1, a: 3, b: 5, textA: 'unpatching', textB: 'patching' });
    expect(diffRows(a, b).map((r) => r.kind)).toEqual(['same', 'a', 'b', 'same']);
  });

  it('calls a longer log different only once both runs have ended', () => {
    const a = [line(1, 'x')];
    const b = [line(1, 'x'), line(9, 'more')];
    expect(firstDivergence(a, b, null)).toBeNull();
    expect(firstDivergence(a, b, { a: 4, b: 12 })).toEqual({ line: 1, a: 4, b: 9, textA: null, textB: 'more' });
    expect(firstDivergence(a, a, { a: 4, b: 4 })).toBeNull();
  });
});

describe('the c= link field', () => {
  it('round-trips, is optional, and a bad one is refused with a message', () => {
    const state = { version: 1 as const, scenario: { preset: 'bug-a-rfc' }, actions: [], step: 4, compare: 'kernel:v4.12' };
    const hash = encodeLink(state);
    expect(hash).toContain('c=kernel%3Av4.12');
    expect(decodeLink(hash)).toEqual({ ok: true, state });
    expect(decodeLink('v=1&s=4&p=bug-a-rfc')).toEqual({ ok: true, state: { version: 1, scenario: { preset: 'bug-a-rfc' }, actions: [], step: 4 } });
    expect(decodeLink('v=1&c=kernel&p=bug-a-rfc')).toEqual({ ok: false, error: 'the comparison in this link is "kernel" (expected what:value, e.g. c=kernel:v4.12)' });
  });
});

function session() {
  let frame: Frame | null = null;
  const s = new Session((r: Reply) => {
    if (r.type === 'frame') frame = r.frame;
  });
  return (req: Request): Frame => {
    s.handle(req);
    if (frame === null) throw new Error('no frame');
    return frame;
  };
}

describe('script progress', () => {
  it('puts the v4.12 twin where the rfc-v2 run is, until their first difference', () => {
    const a = session();
    const b = session();
    a({ type: 'load', source: { preset: 'bug-a-rfc' } });
    b({ type: 'load', source: { preset: 'bug-a-v412' } });
    const end = a({ type: 'jump', to: 'end' }).step;
    const texts = (f: Frame) => `${f.event?.kind}:${f.event?.task}`;
    for (let s = 0; s <= end; s++) {
      const fa = a({ type: 'seek', step: s });
      const fb = b({ type: 'progress', ...fa.progress });
      expect(fb.progress.command).toBe(fa.progress.command);
      expect(fb.progress.after).toBe(fa.progress.after);
      // Identical up to the immediate patch's enable: the same step, the same event.
      if (fa.progress.command < 2) {
        expect(fb.step).toBe(fa.step);
        expect(texts(fb)).toBe(texts(fa));
      }
    }
  });
});
