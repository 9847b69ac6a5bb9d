// The presets a Session can open, by id. The presets' documents and tours
// are about a sixth of the worker's code gzipped, and the first frame needs
// only the default one: the worker registers that one at start and the rest
// when a load first names another (sim.worker.ts). In Node (tests, the
// in-process client) all of them are registered up front.
import type { Preset } from '../sim/scenario/presets/preset.ts';

const known = new Map<string, Preset>();

export function registerPresets(presets: readonly Preset[]): void {
  for (const p of presets) known.set(p.id, p);
}

export function knownPreset(id: string): Preset | undefined {
  return known.get(id);
}
