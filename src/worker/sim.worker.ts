// The simulation worker: a Session behind the message protocol.
import { Session } from './session.ts';
import type { Message } from './protocol.ts';

// Long computations run in slices, with the messages that came meanwhile read between them.
const session = new Session(
  (reply, transfer) => self.postMessage(reply, { transfer: transfer ?? [] }),
  undefined,
  {},
  (fn) => setTimeout(fn, 0),
);

self.addEventListener('message', (ev: MessageEvent<Message>) => {
  if (ev.data.type === 'crash') {
    // A real failure of the worker, outside any handler: the app must survive it.
    setTimeout(() => {
      throw new Error('the simulation worker crashed (on request)');
    });
    return;
  }
  if (ev.data.type === 'hang') {
    // A worker that never answers again: what the app's watchdog is for.
    for (;;) {
      // spin
    }
  }
  session.handle(ev.data);
});
