import { describe, expect, it } from 'vitest';
import { linkFromApp, sourceFromLink } from '../../src/app/link.ts';

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
