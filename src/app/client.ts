// How the app talks to the simulation: a module Web Worker in the browser, or
// the same Session in-process for component tests.
import type { Reply, Request } from '../worker/protocol.ts';

export interface SimClient {
  send(req: Request): void;
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
    handler({ type: 'error', message: ev.message || 'the simulation worker stopped' });
  });
  worker.addEventListener('messageerror', () => handler({ type: 'error', message: 'a message from the simulation worker could not be read' }));
  return {
    send: (req) => worker.postMessage(req),
    listen: (h) => {
      handler = h;
    },
    close: () => worker.terminate(),
  };
}
