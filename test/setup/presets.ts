// Sessions in tests know every preset, as the worker does once it has fetched them.
import { PRESETS } from '../../src/sim/scenario/presets.ts';
import { registerPresets } from '../../src/worker/presetRegistry.ts';

registerPresets(PRESETS);
