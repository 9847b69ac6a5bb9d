// For every preset: a link with actions taken along the way reopens the same
// moment, that is the same events up to the step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sourceFromLink } from '../../src/app/link.ts';
import { decodeLink, encodeLink } from '../../src/app/url.ts';
import type { LinkState } from '../../src/app/url.ts';
import { Engine } from '../../src/sim/engine.ts';
import { PRESETS, presetById } from '../../src/sim/scenario/presets.ts';

function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Opens a link the way the app does, and hashes the events up to its step. */
function replay(link: LinkState): { step: number; hash: number } {
  const source = sourceFromLink(link);
  const preset = source.preset === undefined ? undefined : presetById(source.preset);
  const engine = Engine.load(preset?.scenario ?? source.scenario);
  for (const a of source.actions ?? []) {
    engine.seek(a.step);
    engine.act(a.text);
  }
  engine.seek(source.step ?? 0);
  let h = 0x811c9dc5;
  for (const e of engine.trace.slice(0, engine.step)) h = fnv1a(JSON.stringify(e), h);
  return { step: engine.step, hash: h };
}

const COMMANDS = ['cat /proc/cmdline', 'fork 1', 'echo 0 > /sys/devices/system/cpu/cpu1/online', 'echo 1 > /sys/devices/system/cpu/cpu1/online', 'cat /proc/meminfo'];

describe('preset links', () => {
  for (const p of PRESETS) {
    it(`${p.id}: decode(encode(link)) replays to the same events`, () => {
      // The large machine is slow to replay: fewer and shorter runs.
      const big = p.id === 'large-machine';
      const cpus = (p.scenario as { machine?: { cpus?: number } }).machine?.cpus ?? 4;
      const commands = COMMANDS.filter((c) => cpus > 1 || !c.includes('cpu1'));
      fc.assert(
        fc.property(
          fc.array(fc.record({ at: fc.nat(big ? 40 : 300), text: fc.constantFrom(...commands) }), { maxLength: 4 }),
          fc.nat(big ? 60 : 600),
          fc.option(fc.nat(p.tour.length - 1), { nil: undefined }),
          (raw, step, tour) => {
            const actions = [...raw].sort((a, b) => a.at - b.at).map((a) => ({ step: a.at, text: a.text }));
            const link: LinkState = { version: 1, scenario: { preset: p.id }, actions, step: Math.max(step, actions.at(-1)?.step ?? 0), ...(tour === undefined ? {} : { tour }) };
            const back = decodeLink(encodeLink(link));
            if (!back.ok) throw new Error(back.error);
            expect(back.state).toStrictEqual(link);
            expect(replay(back.state)).toEqual(replay(link));
          },
        ),
        { numRuns: big ? 2 : 5 },
      );
    }, 60_000);
  }
});
