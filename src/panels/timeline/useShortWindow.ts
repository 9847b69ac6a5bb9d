// Whether the window is short (a laptop, a projector at 720 or 768 px, an
// embedded slide, a phone held upright): the timeline then draws its compact
// plot, so that the plot with its tick labels fits the row it is given.
import { useSyncExternalStore } from 'react';

/** The same bound as the laptop layout of styles.css. */
export const SHORT_WINDOW = '(max-height: 899px)';

/** The query, made once: the store asks for its snapshot at every render of the timeline. */
let list: MediaQueryList | undefined;
function query(): MediaQueryList | null {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return null;
  list ??= window.matchMedia(SHORT_WINDOW);
  return list;
}

function subscribe(onChange: () => void): () => void {
  const q = query();
  q?.addEventListener('change', onChange);
  return () => q?.removeEventListener('change', onChange);
}

const isShort = (): boolean => query()?.matches === true;

export function useShortWindow(): boolean {
  return useSyncExternalStore(subscribe, isShort, () => false);
}
