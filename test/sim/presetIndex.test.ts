import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INDEX_PATH, PARSED_PATH, parsedDefaultSource, presetIndexSource } from '../../scripts/preset-index.ts';
import { Engine } from '../../src/sim/engine.ts';
import { parseScenario } from '../../src/sim/scenario/schema.ts';
import { DEFAULT_SCENARIO, FIRST_LIVEPATCH } from '../../src/sim/scenario/presets/first.ts';
import { PRESET_INDEX, presetEntry } from '../../src/sim/scenario/presetIndex.ts';
import { PRESETS } from '../../src/sim/scenario/presets.ts';

describe('the preset index the main chunk carries', () => {
  it('is what scripts/preset-index.ts writes from the presets (else: npm run gen:presets)', () => {
    expect(readFileSync(INDEX_PATH, 'utf8'), 'src/sim/scenario/presetIndex.ts is stale: run npm run gen:presets').toBe(presetIndexSource());
  });

  it('says of every preset, in order, what the gallery shows', () => {
    expect(PRESET_INDEX.map((e) => e.id)).toEqual(PRESETS.map((p) => p.id));
    for (const p of PRESETS) {
      expect(presetEntry(p.id)).toEqual({ id: p.id, title: p.title, question: p.question, kernel: p.kernel, stops: p.tour.length, ...(p.compare === undefined ? {} : { compare: p.compare }) });
    }
    expect(presetEntry('no-such-demo')).toBeUndefined();
  });
});

describe("the default demo's validated form, which the worker opens without validating", () => {
  it('is what scripts/preset-index.ts writes: parseScenario of its document (else: npm run gen:presets)', () => {
    expect(readFileSync(PARSED_PATH, 'utf8'), 'src/sim/scenario/presets/first.parsed.ts is stale: run npm run gen:presets').toBe(parsedDefaultSource());
    // Strictly: a key set to undefined in what parseScenario returns would be missing from the shipped form.
    expect(FIRST_LIVEPATCH.parsed).toStrictEqual(parseScenario(DEFAULT_SCENARIO));
    // Only the default demo ships one: the others are validated as they are opened.
    expect(PRESETS.filter((p) => p.parsed !== undefined).map((p) => p.id)).toEqual([FIRST_LIVEPATCH.id]);
  });

  it('runs the very trace its document does', () => {
    // Each event as the trace records it: its kind, arguments, time, task, log lines, switches and violations.
    const trace = (e: Engine): string[] => {
      const out: string[] = [];
      for (let ev = e.stepForward(); ev !== undefined && out.length < 3000; ev = e.stepForward()) out.push(JSON.stringify(ev));
      return out;
    };
    const shipped = trace(new Engine(structuredClone(FIRST_LIVEPATCH.parsed!)));
    const validated = trace(Engine.load(DEFAULT_SCENARIO));
    expect(shipped.length).toBeGreaterThan(1000);
    expect(shipped).toEqual(validated);
  });
});
