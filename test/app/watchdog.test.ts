// The app's watchdog over the simulation worker (client.ts) and the way back
// it offers (store.ts): a worker that owes a reply for WATCHDOG_MS, saying
// nothing meanwhile, is replaced, and the store offers the last good state.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { workerClient } from '../../src/app/client.ts';
import type { WorkerLike } from '../../src/app/client.ts';
import { createAppStore } from '../../src/app/store.ts';
import { Session } from '../../src/worker/session.ts';
import type { Reply, Request } from '../../src/worker/protocol.ts';

/** A worker that answers through a Session, until told to hang. */
class FakeWorker implements WorkerLike {
  hung = false;
  terminated = false;
  readonly received: Request[] = [];
  private onMessage: ((ev: MessageEvent<Reply>) => void) | undefined;
  private readonly session = new Session((reply) => {
    if (!this.terminated) queueMicrotask(() => this.onMessage?.({ data: reply } as MessageEvent<Reply>));
  });
  postMessage(message: unknown): void {
    const req = message as Request;
    this.received.push(req);
    if (req.type === 'hang') this.hung = true;
    if (!this.hung) this.session.handle(req);
  }
  addEventListener(type: string, listener: (ev: never) => void): void {
    if (type === 'message') this.onMessage = listener as (ev: MessageEvent<Reply>) => void;
  }
  terminate(): void {
    this.terminated = true;
  }
}

let now = 0;
let workers: FakeWorker[] = [];
const spawn = () => {
  const w = new FakeWorker();
  workers.push(w);
  return w;
};
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
/** Lets `ms` pass on the client's clock and its interval timer. */
const pass = async (ms: number) => {
  for (let t = 0; t < ms; t += 250) {
    now += 250;
    vi.advanceTimersByTime(250);
    await settle();
  }
};

beforeEach(() => {
  vi.useFakeTimers();
  now = 0;
  workers = [];
});
afterEach(() => vi.useRealTimers());

describe('the worker watchdog', () => {
  it('replaces a worker that stops answering, says why, and offers the last good state and the default demo', async () => {
    const client = workerClient(spawn, 4000, () => now);
    const store = createAppStore(client);
    store.getState().load({ preset: 'sleeper-stalls' });
    await settle();
    store.getState().send({ type: 'seek', step: 40 });
    await settle();
    expect(store.getState().live?.step).toBe(40);

    store.getState().send({ type: 'hang' });
    await pass(3000);
    expect(workers).toHaveLength(1);
    await pass(1500);
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    const s = store.getState();
    expect(s.restarted).toBe(true);
    expect(s.error).toMatch(/^the simulation did not answer for 4 s, so it was stopped and started afresh$/);
    expect(s.lastGood).toMatchObject({ preset: 'sleeper-stalls', step: 40, actions: [] });

    // Back to the last good state: the fresh worker opens it at step 40.
    s.recover('last');
    await settle();
    expect(workers[1]!.received.at(-1)).toMatchObject({ type: 'load', source: { preset: 'sleeper-stalls', step: 40 } });
    expect(store.getState().error).toBeNull();
    expect(store.getState().live?.step).toBe(40);

    // Or the default demo.
    workers[1]!.postMessage({ type: 'hang' });
    client.send({ type: 'pause', id: 99 });
    await pass(4500);
    expect(workers).toHaveLength(3);
    store.getState().recover('default');
    await settle();
    expect(workers[2]!.received.at(-1)).toMatchObject({ type: 'load', source: { preset: 'first-livepatch' } });
    client.close();
  });

  it('leaves alone a worker that answers, or that says it is busy', async () => {
    const replies: Reply[] = [];
    const client = workerClient(spawn, 4000, () => now);
    client.listen((r) => replies.push(r));
    client.send({ type: 'load', source: { preset: 'sleeper-stalls' }, id: 1 });
    await pass(10_000);
    expect(workers).toHaveLength(1);
    // A long computation: no reply yet, but a `busy` every second.
    workers[0]!.hung = true;
    client.send({ type: 'jump', to: 'end', id: 2 });
    for (let i = 0; i < 10; i++) {
      await pass(1000);
      (workers[0] as unknown as { onMessage: (ev: MessageEvent<Reply>) => void }).onMessage({ data: { type: 'busy', progress: { what: 'end', computed: i, target: null, cancellable: true }, re: 2, load: 1 } } as MessageEvent<Reply>);
    }
    expect(workers).toHaveLength(1);
    expect(replies.some((r) => r.type === 'restarted')).toBe(false);
    client.close();
  });
});
