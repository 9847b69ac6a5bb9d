// The first thing the page runs (main.tsx): starts the simulation worker and,
// when the URL names nothing (the default demo), starts it with that demo's
// load. The worker then starts, and loads the demo, while the app's own code
// is fetched, evaluated and rendered; the app's client takes the worker over
// with what it said meanwhile (client.ts), and the store takes the load as
// the one its link asked for (store.ts). Kept small: it is all the page runs
// before the app's chunk arrives.
import type { Message } from '../worker/protocol.ts';
import type { WorkerLike } from './client.ts';
import { DEFAULT_SOURCE } from './link.ts';
import { workerName } from '../worker/bootRequest.ts';

/**
 * The simulation worker, a module worker of its own chunk; with `first`, a
 * request it handles as soon as it has started, before any message
 * (carried in its name: see bootRequest.ts).
 */
export const simWorker = (first?: Message): Worker => new Worker(new URL('../worker/sim.worker.ts', import.meta.url), { type: 'module', name: workerName(first) });

/** A worker started before the app, and the requests sent to it then (numbered from 1). */
export interface Booted {
  readonly worker: WorkerLike;
  readonly sent: readonly Message[];
  /** When they were sent (performance.now()), for the watchdog. */
  readonly sentAt: number;
}

type Listener = (ev: never) => void;

/**
 * `w` as a WorkerLike that keeps the events it gets before anyone listens,
 * and hands them, in order, to the first listener of their type.
 */
export function bufferedWorker(w: Pick<Worker, 'postMessage' | 'addEventListener' | 'terminate'>): WorkerLike {
  const kept = new Map<string, Event[]>();
  const listeners = new Map<string, Listener[]>();
  for (const type of ['message', 'error', 'messageerror']) {
    w.addEventListener(type, (ev: Event) => {
      const ls = listeners.get(type);
      if (ls === undefined) {
        if (type === 'error') ev.preventDefault();
        kept.set(type, [...(kept.get(type) ?? []), ev]);
      } else for (const l of ls) l(ev as never);
    });
  }
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => w.postMessage(message, transfer ?? []),
    addEventListener: (type: string, listener: Listener) => {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
      const evs = kept.get(type) ?? [];
      kept.delete(type);
      for (const ev of evs) listener(ev as never);
    },
    terminate: () => w.terminate(),
  };
}

/**
 * Starts the worker; with no link in the URL, it starts with the default
 * demo's load (request 1), which it handles without waiting for the page.
 */
export function bootWorker(hash: string = location.hash): Booted {
  const sent: Message[] = hash.replace(/^#/, '') === '' ? [{ type: 'load', source: DEFAULT_SOURCE, id: 1 }] : [];
  const worker = bufferedWorker(simWorker(sent[0]));
  return { worker, sent, sentAt: performance.now() };
}
