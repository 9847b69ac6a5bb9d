// Scenarios the app ships. The default one opens at start: a small machine
// with one patch, where within the first minute one sees tasks switch at
// their return to user space, by stack checks, in the idle loop, and a
// sleeper in the patched function hold the transition up until it is woken.
//
// PRESETS is the gallery: one scenario per question a student asks about the
// consistency model, each with a guided tour (tour.ts). The presets live in
// ./presets/, grouped by theme; the first one is the default scenario.
import type { Preset } from './presets/preset.ts';
import { FIRST_LIVEPATCH } from './presets/first.ts';
import { FORK, GETPID_STORM, KTHREADS_IDLE, LARGE_MACHINE } from './presets/machines.ts';
import { BUG_PRESETS } from './presets/seed-bug.ts';
import { REVERSE_STALLED, SIGNALS_FORCE, SLEEPER_STALLS, UNRELIABLE_STACK } from './presets/stalls.ts';
import { IMMEDIATE_MIX, STACKED_PATCHES } from './presets/v412.ts';
import { WHATIF_PRESETS } from './presets/whatif.ts';

export type { Preset, ScenarioDocument } from './presets/preset.ts';

export { DEFAULT_SCENARIO } from './presets/first.ts';

/** The gallery, in the order a course would take it: simplest first, the large machine last. */
export const PRESETS: readonly Preset[] = [
  FIRST_LIVEPATCH,
  SLEEPER_STALLS,
  REVERSE_STALLED,
  KTHREADS_IDLE,
  UNRELIABLE_STACK,
  FORK,
  GETPID_STORM,
  STACKED_PATCHES,
  SIGNALS_FORCE,
  IMMEDIATE_MIX,
  ...BUG_PRESETS,
  LARGE_MACHINE,
  ...WHATIF_PRESETS,
];

/** The preset with this id, if any. */
export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
