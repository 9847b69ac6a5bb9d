// A test client over an in-process Session whose replies wait for the test.
import type { SimClient } from '../../src/app/client.ts';
import { Session } from '../../src/worker/session.ts';
import type { Reply } from '../../src/worker/protocol.ts';

/**
 * A client over a Session that computes the next step ahead, whose replies
 * wait until the test delivers them. With `later`, it computes in slices,
 * each reading of the clock 100 ms later (every slice of computing ahead
 * sends a frame), which run when the test says.
 */
export function queuedClient(later: (() => void)[] | null = null) {
  const queue: Reply[] = [];
  let handler: (r: Reply) => void = () => {};
  let t = 0;
  const session = new Session((r) => queue.push(r), { clock: () => (later === null ? 0 : (t += 100)), defer: later === null ? null : (fn) => later.push(fn), prefetch: true });
  const client: SimClient = {
    send: (msg) => session.handle(msg),
    listen: (h) => {
      handler = h;
    },
    close: () => {},
  };
  const deliver = () => {
    for (const r of queue.splice(0)) handler(r);
  };
  return { client, deliver, queue };
}
