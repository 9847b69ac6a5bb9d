// The page's entry, kept small: the simulation worker starts (and, for the
// default demo, loads it) first, while the app's chunk is fetched and
// evaluated; the app then takes the worker over (boot.ts, mount.tsx).
import { bootWorker } from './app/boot.ts';

const booted = bootWorker();
const app = import('./app/mount.tsx');
// While the app's chunk is on its way: the number formatting the panels use
// sets up its locale data on first use (10-20 ms), not in the first render.
(0).toLocaleString('en');
app.then(
  (m) => m.mount(booted),
  (e: unknown) => {
    document.body.textContent = `klpscope could not load its code (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`;
  },
);
