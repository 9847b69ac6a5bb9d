// The app on the page: the store (over the worker started at boot) and the
// panels. Loaded by main.tsx after it has started the worker.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { workerClient, WATCHDOG_MS } from './client.ts';
import type { Booted } from './boot.ts';
import type { Message } from '../worker/protocol.ts';
import { simWorker } from './boot.ts';
import { createAppStore, StoreProvider } from './store.ts';
import { PanelBoundary } from '../panels/Panel.tsx';
import type { AppStore } from './store.ts';
import '../styles.css';

declare global {
  interface Window {
    /** The app's store (and compare mode's second run's, while open), for the browser tests, benchmarks and the curious. */
    klpscope?: { store: AppStore; compare?: AppStore };
  }
}

/**
 * How long the page waits for the default demo's first frame (asked for at
 * boot) before it draws the panels without it. The frame is usually there
 * within tens of milliseconds: drawn once, with it, the page does not lay out
 * empty panels first and then again.
 */
const FIRST_FRAME_WAIT_MS = 1000;

/** Resolves once `store` has a frame, a refusal or an error to show, or after `ms`. */
function firstFrame(store: AppStore, ms: number): Promise<void> {
  const ready = () => {
    const s = store.getState();
    return s.frame !== null || s.error !== null || s.invalid !== null || s.linkNotice !== null;
  };
  return new Promise((resolve) => {
    if (ready()) return resolve();
    const timer = setTimeout(done, ms);
    const unsubscribe = store.subscribe(() => {
      if (ready()) done();
    });
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

export function mount(booted: Booted): void {
  // The first client takes over the worker started at boot; later ones (compare mode's second run) start their own.
  let first: Booted | undefined = booted;
  const client = () => {
    const b = first;
    first = undefined;
    return workerClient(simWorker, WATCHDOG_MS, () => performance.now(), b);
  };
  const store = createAppStore(client());
  // What to open comes from the URL hash (useUrlSync); this only exposes the store.
  window.klpscope = { store };
  const root = document.getElementById('root');
  if (root === null) throw new Error("index.html has no element with id 'root' to render the app into");
  const render = () =>
    createRoot(root).render(
      <StrictMode>
        <PanelBoundary name="page">
          <StoreProvider client={client} store={store}>
            <App />
          </StoreProvider>
        </PanelBoundary>
      </StrictMode>,
    );
  if (booted.sent.length === 0) render();
  else void firstFrame(store, FIRST_FRAME_WAIT_MS).then(() => {
    render();
    // Once that frame is painted (a task after the animation frame that paints it), the booted worker sends the next
    // step and computes the run ahead (Session.holdAhead). Posted to that worker itself, not through the client: it
    // owes no answer when not holding, and the client's watchdog would wait for one; a worker the watchdog replaced
    // never held.
    requestAnimationFrame(() => setTimeout(() => booted.worker.postMessage({ type: 'drawn', id: 0 } satisfies Message)));
  });
}
