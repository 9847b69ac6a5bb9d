// How the app talks to the simulation: a module Web Worker in the browser, or
// the same Session in-process for component tests. The worker is watched: one
// that has owed a reply for WATCHDOG_MS is replaced by a fresh one, and the
// app is told (a `restarted` reply), so that the page stays alive and the
// user can go back to the last good state or the default demo.
import type { Message, Reply } from '../worker/protocol.ts';
import { simWorker } from './boot.ts';
import type { Booted } from './boot.ts';

export interface SimClient {
  /** Sends a request, numbered by the store: its replies carry the id in `re`. */
  send(msg: Message): void;
  /** Registers the one reply handler. */
  listen(onReply: (reply: Reply) => void): void;
  close(): void;
  /** Requests sent before the store was made (at boot, numbered from 1): the store numbers its own after them, and answers to them are its own. */
  readonly sent?: readonly Message[];
}

/** A worker that owes a reply this long (and says nothing meanwhile) is taken as hung. */
export const WATCHDOG_MS = 4000;

/** What the watchdog needs of a worker (a Worker, or a fake one in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<Reply>) => void): void;
  addEventListener(type: 'error' | 'messageerror', listener: (ev: ErrorEvent | MessageEvent) => void): void;
  terminate(): void;
}

/**
 * A client over a worker made by `spawn`, with a watchdog: every request
 * gets at least one reply (a frame at least), so a request unanswered for
 * `timeoutMs`, with no message at all meanwhile, means the worker is stuck.
 * With `booted`, its first worker is the one started at boot (boot.ts), with
 * the requests sent to it then. Replies that come before `listen` are kept
 * for it.
 */
export function workerClient(spawn: () => WorkerLike = simWorker, timeoutMs = WATCHDOG_MS, now: () => number = () => performance.now(), booted?: Booted): SimClient {
  const early: Reply[] = [];
  let handler: (reply: Reply) => void = (reply) => early.push(reply);
  let worker: WorkerLike;
  /** When the oldest unanswered request was sent (null: none owed). */
  let owedSince: number | null = booted !== undefined && booted.sent.length > 0 ? booted.sentAt : null;
  let lastHeard = now();
  let first = booted?.worker;
  const start = () => {
    const w = first ?? spawn();
    first = undefined;
    // Before listening: a booted worker hands over what it said so far at once.
    worker = w;
    w.addEventListener('message', (ev: MessageEvent<Reply>) => {
      if (w !== worker) return;
      lastHeard = now();
      owedSince = null;
      handler(ev.data);
    });
    w.addEventListener('error', (ev) => {
      if (w !== worker) return;
      ev.preventDefault();
      owedSince = null;
      handler({ type: 'error', message: ('message' in ev && typeof ev.message === 'string' && ev.message) || 'the simulation worker stopped', re: -1, load: -1 });
    });
    w.addEventListener('messageerror', () => handler({ type: 'error', message: 'a message from the simulation worker could not be read', re: -1, load: -1 }));
  };
  start();
  const watch = setInterval(
    () => {
      if (owedSince === null) return;
      const t = now();
      const silent = t - Math.max(owedSince, lastHeard);
      if (silent < timeoutMs) return;
      worker.terminate();
      owedSince = null;
      lastHeard = t;
      start();
      handler({ type: 'restarted', message: `the simulation did not answer for ${Math.round(silent / 1000)} s, so it was stopped and started afresh`, re: -1, load: -1 });
    },
    Math.min(500, timeoutMs / 4),
  );
  return {
    ...(booted === undefined ? {} : { sent: booted.sent }),
    send: (msg) => {
      owedSince ??= now();
      worker.postMessage(msg);
    },
    listen: (h) => {
      handler = h;
      for (const reply of early.splice(0)) h(reply);
    },
    close: () => {
      clearInterval(watch);
      worker.terminate();
    },
  };
}
