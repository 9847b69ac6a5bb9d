// The simulation worker: a Session behind the message protocol.
import { Session } from './session.ts';
import type { Request } from './protocol.ts';

const session = new Session((reply, transfer) => self.postMessage(reply, { transfer: transfer ?? [] }));

self.addEventListener('message', (ev: MessageEvent<Request>) => session.handle(ev.data));
