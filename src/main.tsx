import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { workerClient } from './app/client.ts';
import { StoreProvider } from './app/store.ts';
import { PanelBoundary } from './panels/Panel.tsx';
import type { AppStore } from './app/store.ts';
import './styles.css';

declare global {
  interface Window {
    /** The app's store (and compare mode's second run's, while open), for the browser tests, benchmarks and the curious. */
    klpscope?: { store: AppStore; compare?: AppStore };
  }
}

// What to open comes from the URL hash (useUrlSync); this only exposes the store.
const start = (store: AppStore) => {
  window.klpscope = { store };
};

const root = document.getElementById('root');
if (root === null) throw new Error("index.html has no element with id 'root' to render the app into");

createRoot(root).render(
  <StrictMode>
    <PanelBoundary name="page">
      <StoreProvider client={workerClient} onStore={start}>
        <App />
      </StoreProvider>
    </PanelBoundary>
  </StrictMode>,
);
