// The page's entry, kept small: the simulation worker starts (and, for the
// default demo, loads it) first, while the app's chunk is fetched and
// evaluated; the app then takes the worker over (boot.ts, mount.tsx).
import { bootWorker } from './app/boot.ts';

const booted = bootWorker();
// Nothing more in this task: Chromium starts the worker's thread only after
// the task that created it has ended (as its traces show).
const app = import('./app/mount.tsx');
app.then(
  (m) => m.mount(booted),
  (e: unknown) => {
    document.body.textContent = `klpscope could not load its code (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`;
  },
);
