// The store's side of the protocol: replies name the request they answer and
// the load they are about, so that a late reply to an old load is never taken
// for the new one, whatever order replies arrive in.
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../src/app/store.ts';
import type { SimClient } from '../../src/app/client.ts';
import { Session } from '../../src/worker/session.ts';
import type { Reply } from '../../src/worker/protocol.ts';

/** A client over a real Session whose replies wait in a queue until the test delivers them. */
function queuedClient() {
  const queue: Reply[] = [];
  let handler: (r: Reply) => void = () => {};
  const session = new Session((r) => queue.push(r), () => 0);
  const client: SimClient = {
    send: (msg) => session.handle(msg),
    listen: (h) => {
      handler = h;
    },
    close: () => {},
  };
  const deliver = (pick: (r: Reply) => boolean) => {
    const now = queue.filter(pick);
    for (const r of now) queue.splice(queue.indexOf(r), 1);
    for (const r of now) handler(r);
  };
  return { client, queue, deliver };
}

describe('store: replies and the request they answer', () => {
  it('takes a late reply to an old load for nothing: the newest load wins, whatever the order', () => {
    const { client, deliver } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'fork' });
    store.getState().load({ preset: 'first-livepatch' });
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    // The second load's replies arrive first, then the first load's, late.
    deliver((r) => r.re >= 2);
    deliver(() => true);
    const s = store.getState();
    expect(s.meta?.preset).toBe('first-livepatch');
    expect(s.frame?.step).toBe(1);
    expect(s.source).toEqual({ preset: 'first-livepatch' });
    // The log is the second scenario's only: its first command.
    expect(s.log.at(0)?.text).toBe('% insmod test_klp_livepatch.ko');
  });

  it('when the newest load is refused, shows what the worker has open, in whichever order the replies come', () => {
    for (const order of ['worker', 'reversed'] as const) {
      const { client, deliver, queue } = queuedClient();
      const store = createAppStore(client);
      store.getState().load({ preset: 'fork' });
      deliver(() => true);
      store.getState().load({ preset: 'first-livepatch' });
      store.getState().load({ preset: 'no-such-demo' });
      if (order === 'reversed') queue.reverse();
      deliver(() => true);
      const s = store.getState();
      // In the worker's order (it answers in order), the refusal is said.
      if (order === 'worker') expect(s.invalid).toMatch(/no demo is called 'no-such-demo'/);
      // The worker opened the second load before it refused the third: that is what shows.
      expect(s.meta?.preset, order).toBe('first-livepatch');
      expect(s.source, order).toEqual({ preset: 'first-livepatch' });
      store.getState().send({ type: 'step', unit: 'event', direction: 1 });
      deliver(() => true);
      expect(store.getState().frame?.step, order).toBe(1);
    }
  });

  it('drops frames and exports about a load that is no longer shown', () => {
    const { client, deliver } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'fork' });
    store.getState().send({ type: 'jump', to: 'end' });
    store.getState().send({ type: 'export', what: 'log' });
    store.getState().load({ preset: 'first-livepatch' });
    deliver((r) => r.re === 4);
    deliver(() => true);
    const s = store.getState();
    expect(s.meta?.preset).toBe('first-livepatch');
    expect(s.frame?.step).toBe(0);
    expect(s.exported).toBeNull();
  });
});
