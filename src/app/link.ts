// Between the app and its link: what the hash says to open, and what the
// hash should say for the moment on screen. Inputs only: the scenario (a
// preset id or the document), the action log, the step, the tour stop.
import type { ScenarioSource } from '../worker/protocol.ts';
import type { AppState } from './store.ts';
import type { LinkState } from './url.ts';

/** The scenario a page with no (or a broken) link opens. */
export const DEFAULT_SOURCE: ScenarioSource = { preset: 'first-livepatch', tour: 0 };

/**
 * The panels of the page, in one place: their ids in links (`l=`) and tour
 * spotlights, and the title their heading shows (which names their region).
 */
export const PANEL_TITLES = {
  narration: 'Narration',
  tasks: 'Task grid',
  cpus: 'CPUs',
  stacks: 'Function stacks',
  globals: 'Globals',
  inspector: 'Task inspector',
  timeline: 'Timeline',
  log: 'Kernel log',
  code: 'Kernel code',
} as const;
export type PanelId = keyof typeof PANEL_TITLES;
export const PANEL_IDS = Object.keys(PANEL_TITLES) as readonly PanelId[];

/** The element of a panel on the page (its region), if it is shown. */
export function panelElement(id: PanelId): HTMLElement | null {
  const head = document.getElementById(`panel-${PANEL_TITLES[id].toLowerCase().replace(/\s+/g, '-')}`);
  return head?.closest<HTMLElement>('section.panel') ?? null;
}
/** What an embedded page shows when its link names no panels. */
export const EMBED_DEFAULT_PANELS: readonly PanelId[] = ['narration', 'tasks', 'timeline'];

export function sourceFromLink(link: LinkState): ScenarioSource {
  // A hand-written `t=3` with no step means "at stop 3": the stop decides where.
  const atStop = link.tour !== undefined && link.step === 0;
  const rest = { actions: link.actions, ...(atStop ? {} : { step: link.step }), ...(link.tour === undefined ? {} : { tour: link.tour }) };
  return 'preset' in link.scenario ? { preset: link.scenario.preset, ...rest } : { scenario: link.scenario.doc, ...rest };
}

/** The link of what is on screen, or null before anything loaded. */
export function linkFromApp(s: Pick<AppState, 'meta' | 'frame' | 'embed' | 'panels'> & { readonly compare?: string | null }): LinkState | null {
  const { meta, frame } = s;
  if (meta === null || frame === null) return null;
  return {
    version: 1,
    scenario: meta.preset !== null ? { preset: meta.preset } : { doc: JSON.parse(meta.json) as unknown },
    actions: frame.actions.map((a) => ({ step: a.step, text: a.text })),
    step: frame.step,
    ...(frame.tour === null || frame.tour.stop < 0 ? {} : { tour: frame.tour.stop }),
    ...(s.embed ? { embed: true } : {}),
    ...(s.panels === null ? {} : { panels: s.panels }),
    ...(s.compare === null || s.compare === undefined ? {} : { compare: s.compare }),
  };
}

export const isPanelId = (id: string): id is PanelId => (PANEL_IDS as readonly string[]).includes(id);

/**
 * What to say about a link's panel list (`l=`) that names panels the page
 * does not have: the unknown ids and the valid ones; null when all are known.
 */
export function unknownPanelsMessage(ids: readonly string[] | null): string | null {
  const unknown = (ids ?? []).filter((id) => !isPanelId(id));
  if (unknown.length === 0) return null;
  const quoted = unknown.map((id) => `"${id}"`).join(', ');
  return `This link's panel list (l=) names ${unknown.length === 1 ? 'a panel that does not exist' : 'panels that do not exist'}: ${quoted}. Valid panel ids: ${PANEL_IDS.join(', ')}.`;
}
