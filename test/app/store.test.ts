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
  const session = new Session((r) => queue.push(r), { clock: () => 0 });
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

/** A client over a Session in slices (as in the worker): each reading of its clock is 250 ms later, so a slice ends at the computation's first yield, with its progress. */
function slicedClient() {
  const later: (() => void)[] = [];
  let handler: (r: Reply) => void = () => {};
  let t = 0;
  const session = new Session((r) => handler(r), { clock: () => (t += 250), defer: (fn) => later.push(fn) });
  const client: SimClient = {
    send: (msg) => session.handle(msg),
    listen: (h) => {
      handler = h;
    },
    close: () => {},
  };
  const runLater = (n = Infinity) => {
    for (let i = 0; i < n && later.length > 0; i++) later.shift()?.();
  };
  return { client, later, runLater };
}

/** Four tasks that never leave user space for long: a run with no end but the limits. */
const SPIN = { format: 'klpscope/1', name: 'spin', tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 1'] };

describe('store: a load or an action cancelled', () => {
  it('keeps the scenario on screen as it was, and answers keys on it', () => {
    const w = slicedClient();
    const store = createAppStore(w.client);
    store.getState().load({ preset: 'fork' });
    w.runLater();
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    const before = store.getState();
    expect(before.frame?.step).toBe(1);
    store.getState().load({ scenario: SPIN, step: 150_000 });
    w.runLater(5);
    expect(store.getState().computing).toMatchObject({ what: 'load', cancellable: true, target: 150_000 });
    store.getState().cancel();
    const s = store.getState();
    expect(s.computing).toBeNull();
    expect(s.meta).toBe(before.meta);
    expect(s.source).toEqual({ preset: 'fork' });
    expect(s.frame?.step).toBe(1);
    expect(s.log).toEqual(before.log);
    expect(s.invalid).toBeNull();
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    w.runLater();
    expect(store.getState().frame?.step).toBe(2);
    expect(store.getState().meta?.preset).toBe('fork');
  });

  it('opens the default scenario, with a notice, when the link that opened the page is cancelled', () => {
    const w = slicedClient();
    const store = createAppStore(w.client);
    store.getState().load({ scenario: SPIN, step: 150_000 });
    w.runLater(5);
    expect(store.getState().computing?.what).toBe('load');
    store.getState().cancel();
    w.runLater(1);
    const s = store.getState();
    expect(s.meta?.preset).toBe('first-livepatch');
    expect(s.linkNotice).toBe('Opening this link was cancelled. The default scenario is open instead.');
  });

  it('leaves the run as it was before an action: no branch, the playhead where it was, and no result for the command', () => {
    const w = slicedClient();
    const store = createAppStore(w.client);
    store.getState().load({ preset: 'first-livepatch' });
    w.runLater();
    store.getState().send({ type: 'seek', step: 1_100 });
    const before = store.getState();
    store.getState().act('cat /proc/cmdline');
    // The branch is computed from step 0 on a run of its own, in slices: past the first, it shows its progress.
    expect(w.later.length).toBeGreaterThan(0);
    expect(store.getState().computing).toMatchObject({ what: 'act', cancellable: true });
    store.getState().cancel();
    const s = store.getState();
    expect(s.computing).toBeNull();
    expect(s.frame?.step).toBe(1_100);
    expect(s.frame?.actions).toEqual([]);
    expect(s.frame?.tour?.offScript).toBeNull();
    expect(s.log).toEqual(before.log);
    // Neither run nor refused: the command field keeps its text.
    expect(s.actResult).toBeNull();
  });
});
