// Keeps the URL hash and the app in step: opening the page (or going Back)
// opens what the hash says; moving through time rewrites the hash in place
// (replaceState, once the playhead rests, so Back is not flooded and a run of
// steps does not pay for a URL each); opening another scenario adds a
// history entry (pushState).
import { useLayoutEffect } from 'react';
import { linkFromApp } from './link.ts';
import { useAppStore } from './store.ts';
import type { AppState, AppStore } from './store.ts';
import { encodeLink } from './url.ts';

/**
 * The hash is written once the moment on screen has held this long: a key
 * held down or a play writes it at the end, not at every step (a write, the
 * link's encoding and the browser's own history update, takes a few
 * milliseconds of the main thread, a step's frame's worth on a slow machine).
 */
export const URL_SETTLE_MS = 250;
/** While it keeps moving (a long play), the hash is written at least this often. */
export const URL_MAX_WAIT_MS = 1000;

/** The hash for the moment on screen, or null before anything loaded. */
export function currentHash(store: AppStore): string | null {
  return hashOf(store.getState());
}

/** The hash for the moment a state of the app shows, or null before anything loaded. */
function hashOf(state: AppState): string | null {
  const link = linkFromApp(state);
  if (link === null) return null;
  try {
    return encodeLink(link);
  } catch {
    return null;
  }
}

export function useUrlSync(): void {
  const store = useAppStore();
  // A layout effect: the page's own link is opened in the render that first shows the page. As a
  // passive effect (a frame late under Preact), a scenario opened in that first frame (a key, a
  // click, a script) was then replaced by the empty link's default demo.
  useLayoutEffect(() => {
    let written = location.hash.replace(/^#/, '');
    let push = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // When the moment on screen first moved since the last write, and last moved.
    let firstMove: number | null = null;
    let lastMove = 0;
    /** Writes the hash of `state`: in a new history entry (`asNew`), else in place of the one on screen; false if there was nothing to write. */
    const put = (state: AppState, asNew: boolean): boolean => {
      clearTimeout(timer);
      timer = undefined;
      firstMove = null;
      // The hash moved without us (a link followed, Back): hashchange opens it; do not write over it.
      if (location.hash.replace(/^#/, '') !== written) return false;
      const hash = hashOf(state);
      if (hash === null || hash === written) return false;
      written = hash;
      const url = `${location.pathname}${location.search}#${hash}`;
      if (asNew) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      return true;
    };
    /** Writes the moment on screen: a new entry after a user's new scenario, then in place. */
    const write = () => {
      if (put(store.getState(), push)) push = false;
    };
    /** A write still waiting for the playhead to rest, made now: the page is being left. */
    const flush = () => {
      if (timer !== undefined && !push) write();
    };
    const onPageHide = () => flush();
    const onHidden = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.meta !== prev.meta && s.meta !== null) {
        push = s.origin === 'user';
        // A scenario the user opens gets an entry of its own: the one being left keeps the moment it was left at,
        // not the last one written. (Opened from a link or Back, the entry on screen is already another one.)
        if (push && prev.meta !== null && timer !== undefined) put(prev, false);
      }
      // Compare mode opened or closed: the link says so too.
      if ((s.frame === prev.frame && s.compare === prev.compare) || s.frame === null) return;
      if (push) {
        write();
        return;
      }
      lastMove = performance.now();
      firstMove ??= lastMove;
      timer ??= setTimeout(settled, URL_SETTLE_MS);
    });
    // One timer for a run of moves: when it comes, either the moment has held (or moved for too
    // long) and the hash is written, or it waits again for what is left.
    const settled = () => {
      const t = performance.now();
      const left = Math.min(URL_SETTLE_MS - (t - lastMove), URL_MAX_WAIT_MS - (t - (firstMove ?? t)));
      if (left > 0) timer = setTimeout(settled, left);
      else write();
    };
    const onHashChange = () => {
      const hash = location.hash.replace(/^#/, '');
      if (hash === written) return;
      written = hash;
      store.getState().openLink(hash);
    };
    window.addEventListener('hashchange', onHashChange);
    window.addEventListener('pagehide', onPageHide);
    document.addEventListener('visibilitychange', onHidden);
    store.getState().openLink(location.hash);
    return () => {
      unsubscribe();
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('pagehide', onPageHide);
      document.removeEventListener('visibilitychange', onHidden);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [store]);
}
