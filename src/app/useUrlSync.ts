// Keeps the URL hash and the app in step: opening the page (or going Back)
// opens what the hash says; moving through time rewrites the hash in place
// (replaceState, throttled, so Back is not flooded); opening another
// scenario adds a history entry (pushState).
import { useLayoutEffect } from 'react';
import { linkFromApp } from './link.ts';
import { useAppStore } from './store.ts';
import type { AppStore } from './store.ts';
import { encodeLink } from './url.ts';

const THROTTLE_MS = 250;

/** The hash for the moment on screen, or null before anything loaded. */
export function currentHash(store: AppStore): string | null {
  const link = linkFromApp(store.getState());
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
    const write = () => {
      timer = undefined;
      // The hash moved without us (a link followed, Back): hashchange opens it; do not write over it.
      if (location.hash.replace(/^#/, '') !== written) return;
      const hash = currentHash(store);
      if (hash === null || hash === written) return;
      written = hash;
      const url = `${location.pathname}${location.search}#${hash}`;
      if (push) history.pushState(null, '', url);
      else history.replaceState(null, '', url);
      push = false;
    };
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.meta !== prev.meta && s.meta !== null) push = s.origin === 'user';
      // Compare mode opened or closed: the link says so too.
      if ((s.frame === prev.frame && s.compare === prev.compare) || s.frame === null) return;
      if (push) write();
      else timer ??= setTimeout(write, THROTTLE_MS);
    });
    const onHashChange = () => {
      const hash = location.hash.replace(/^#/, '');
      if (hash === written) return;
      written = hash;
      store.getState().openLink(hash);
    };
    window.addEventListener('hashchange', onHashChange);
    store.getState().openLink(location.hash);
    return () => {
      unsubscribe();
      window.removeEventListener('hashchange', onHashChange);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [store]);
}
