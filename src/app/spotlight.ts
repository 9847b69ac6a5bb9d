// What the tour stop on screen is about (its spotlight, as data in the
// preset), and what arriving at it does: select the task in the inspector and
// scroll the named panel into view. The panels read the spotlight themselves
// to highlight a CPU row, a func_stack or a log line.
import { useEffect } from 'react';
import { TaskKind } from '../sim/machine/tasks.ts';
import type { StopSpotlight } from '../sim/scenario/tour.ts';
import { isPanelId, panelElement } from './link.ts';
import { useApp, useAppStore } from './store.ts';
import type { AppState } from './store.ts';

const NONE: StopSpotlight = {};

/** The spotlight of the stop the view is on (not after it), or an empty one. */
export function spotlightOf(s: Pick<AppState, 'frame' | 'meta'>): StopSpotlight {
  const tour = s.frame?.tour;
  const stops = s.meta?.tour;
  if (tour == null || stops == null || tour.stop < 0 || !tour.at) return NONE;
  return stops[tour.stop]?.spotlight ?? NONE;
}

export function useSpotlight(): StopSpotlight {
  return useApp(spotlightOf);
}

/** The task index of a spotlight's task: by pid (a number) or comm, among the tasks shown. */
export function spotTask(s: Pick<AppState, 'frame' | 'comms'>, who: string | number): number | null {
  const f = s.frame;
  if (f === null) return null;
  for (let t = 0; t < f.tasks.count; t++) {
    // Idle tasks all have pid 0 (kind 0): a number names a real pid.
    if (typeof who === 'number' ? f.tasks.pid[t] === who && f.tasks.kind[t] !== TaskKind.Idle : s.comms[t] === who) return t;
  }
  return null;
}

/**
 * Arriving at a stop: its first task is selected, every task it names is
 * pinned (so the timeline shows their lanes), and its panel scrolled into view.
 */
export function useSpotlightArrival(): void {
  const store = useAppStore();
  const preset = useApp((s) => s.frame?.tour?.preset ?? null);
  const stop = useApp((s) => (s.frame?.tour?.at === true ? s.frame.tour.stop : -1));
  useEffect(() => {
    if (preset === null || stop < 0) return;
    const s = store.getState();
    const spot = spotlightOf(s);
    const who = spot.tasks?.[0];
    if (who !== undefined) {
      const task = spotTask(s, who);
      if (task !== null && s.frame?.selected?.task !== task) s.send({ type: 'select', task });
    }
    const pinned = s.frame?.lanes.pinned ?? [];
    for (const name of spot.tasks ?? []) {
      const task = spotTask(s, name);
      if (task !== null && !pinned.includes(task)) s.send({ type: 'pin', task, on: true });
    }
    const panel = spot.panel;
    // On a phone the panels stack below the tour: scrolling one into view would take the tour away.
    const phone = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 700px)').matches;
    if (panel !== undefined && isPanelId(panel) && !phone) {
      // After the panels have drawn this frame (presenter mode may have just shown the panel).
      requestAnimationFrame(() => panelElement(panel)?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' }));
    }
  }, [store, preset, stop]);
}
