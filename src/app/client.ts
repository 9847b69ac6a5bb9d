// How the app talks to the simulation: a module Web Worker in the browser, or
// the same Session in-process for component tests.
import type { Message, Reply } from '../worker/protocol.ts';

export interface SimClient {
  /** Sends a request, numbered by the store: its replies carry the id in `re`. */
  send(msg: Message): void;
  /** Registers the one reply handler. */
  listen(onReply: (reply: Reply) => void): void;
  close(): void;
}

export function workerClient(): SimClient {
  const worker = new Worker(new URL('../worker/sim.worker.ts', import.meta.url), { type: 'module' });
  let handler: (reply: Reply) => void = () => {};
  worker.addEventListener('message', (ev: MessageEvent<Reply>) => handler(ev.data));
  worker.addEventListener('error', (ev) => {
    ev.preventDefault();
    handler({ type: 'error', message: ev.message || 'the simulation worker stopped', re: -1, load: -1 });
  });
  worker.addEventListener('messageerror', () => handler({ type: 'error', message: 'a message from the simulation worker could not be read', re: -1, load: -1 }));
  return {
    send: (msg) => worker.postMessage(msg),
    listen: (h) => {
      handler = h;
    },
    close: () => worker.terminate(),
  };
}
