// The Session in this thread instead of a worker: for component tests and
// other places without Worker. Replies arrive asynchronously, as a worker's do.
import { PRESETS } from '../sim/scenario/presets.ts';
import { registerPresets } from '../worker/presetRegistry.ts';
import { Session } from '../worker/session.ts';
import type { SimClient } from './client.ts';
import type { Reply } from '../worker/protocol.ts';

export function inProcessClient(): SimClient {
  registerPresets(PRESETS);
  let handler: (reply: Reply) => void = () => {};
  const session = new Session((reply) => queueMicrotask(() => handler(reply)));
  return {
    send: (msg) => session.handle(msg),
    listen: (h) => {
      handler = h;
    },
    close: () => session.handle({ type: 'pause' }),
  };
}
