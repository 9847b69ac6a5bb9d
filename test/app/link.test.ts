import { describe, expect, it } from 'vitest';
import { PANEL_IDS, linkFromApp, sourceFromLink, unknownPanelsMessage } from '../../src/app/link.ts';

describe('sourceFromLink', () => {
  it('opens a preset at the step the link gives', () => {
    expect(sourceFromLink({ version: 1, scenario: { preset: 'fork' }, actions: [{ step: 3, text: 'fork 1' }], step: 40, tour: 2 })).toEqual({
      preset: 'fork',
      actions: [{ step: 3, text: 'fork 1' }],
      step: 40,
      tour: 2,
    });
  });

  it('lets a tour stop decide where when the link gives no step', () => {
    expect(sourceFromLink({ version: 1, scenario: { preset: 'fork' }, actions: [], step: 0, tour: 3 })).toEqual({ preset: 'fork', actions: [], tour: 3 });
  });

  it('opens a whole document', () => {
    const doc = { format: 'klpscope/1' };
    expect(sourceFromLink({ version: 1, scenario: { doc }, actions: [], step: 0 })).toEqual({ scenario: doc, actions: [], step: 0 });
  });
});

describe('linkFromApp', () => {
  it('is null before anything loaded', () => {
    expect(linkFromApp({ meta: null, frame: null, embed: false, panels: null })).toBeNull();
  });
});

describe('unknownPanelsMessage', () => {
  it('is null when every panel of l= exists, or there is no l=', () => {
    expect(unknownPanelsMessage(null)).toBeNull();
    expect(unknownPanelsMessage([])).toBeNull();
    expect(unknownPanelsMessage([...PANEL_IDS])).toBeNull();
  });

  it('names each unknown panel id and lists the valid ones', () => {
    expect(unknownPanelsMessage(['tasks', 'grid'])).toBe(
      'This link\'s panel list (l=) names a panel that does not exist: "grid". Valid panel ids: narration, tasks, cpus, stacks, globals, inspector, timeline, log, code.',
    );
    const two = unknownPanelsMessage(['Timeline', 'stack'])!;
    expect(two).toContain('panels that do not exist: "Timeline", "stack".');
    for (const id of PANEL_IDS) expect(two).toContain(id);
  });
});
