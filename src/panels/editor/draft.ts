// The editor's draft lives in memory as long as the app's store (until the
// page reloads): closing the dialog, even with Escape, loses no work.
import type { AppStore } from '../../app/store.ts';

export interface Draft {
  /** The loaded scenario's JSON (`meta.json`) when the draft was started. */
  readonly base: string;
  /** The JSON text the draft started with. */
  readonly start: string;
  /** The JSON text being edited. */
  readonly text: string;
  /** It was applied: once another scenario is loaded, a fresh draft starts. */
  readonly applied: boolean;
}

const drafts = new WeakMap<AppStore, Draft>();

export function saveDraft(store: AppStore, draft: Draft): void {
  drafts.set(store, draft);
}

/**
 * The draft to open with the loaded scenario `json`: the kept one if it was
 * started from this scenario, or if it has unapplied changes (then `stale`:
 * the scenario changed under it); otherwise none.
 */
export function openDraft(store: AppStore, json: string): { readonly draft: Draft; readonly stale: boolean } | null {
  const d = drafts.get(store);
  if (d === undefined) return null;
  if (d.base === json) return { draft: d, stale: false };
  if (d.applied || d.text === d.start) return null;
  return { draft: d, stale: true };
}
