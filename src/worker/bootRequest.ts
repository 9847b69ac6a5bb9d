// A request the simulation worker handles first, carried in the worker's
// name (the `name` option of `new Worker`). A message posted to a worker
// that has not started yet waits in the page until the worker's script has
// run, and is then handed over by a task of the page's main thread: while the
// page is busy (evaluating or drawing the app), the worker would sit idle.
// Read from its own name, the request is handled as soon as the worker's
// script has run, whatever the page is doing.
import type { Message } from './protocol.ts';

const PREFIX = 'klpscope-sim ';

/** The worker's name: its label, and `first` (if any) for the worker to handle before any message. */
export function workerName(first?: Message): string {
  return first === undefined ? PREFIX.trim() : PREFIX + JSON.stringify(first);
}

/** The request a worker named by `workerName` handles first, or null if it names none. */
export function firstRequest(name: string): Message | null {
  if (!name.startsWith(PREFIX)) return null;
  const m: unknown = JSON.parse(name.slice(PREFIX.length));
  if (typeof m !== 'object' || m === null || !('type' in m) || typeof m.type !== 'string' || !('id' in m) || typeof m.id !== 'number') {
    throw new Error(`the simulation worker's name should carry a request with a type and an id after '${PREFIX}', not ${name.slice(PREFIX.length, PREFIX.length + 80)}`);
  }
  return m as Message;
}
