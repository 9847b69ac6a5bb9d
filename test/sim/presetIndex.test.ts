import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INDEX_PATH, presetIndexSource } from '../../scripts/preset-index.ts';
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
