// The page's boot (boot.ts, client.ts, store.ts): the worker is started, and
// the default demo asked for, before the app's code has loaded; the app's
// client takes the worker over with what it said meanwhile, and the store
// takes that load as the one the empty link asks for.
import { describe, expect, it, vi } from 'vitest';
import { bufferedWorker } from '../../src/app/boot.ts';
import type { Booted } from '../../src/app/boot.ts';
import { workerClient } from '../../src/app/client.ts';
import { DEFAULT_SOURCE } from '../../src/app/link.ts';
import { createAppStore } from '../../src/app/store.ts';
import { Session } from '../../src/worker/session.ts';
import type { Message, Reply } from '../../src/worker/protocol.ts';

/** A Worker's event target over a Session, answering at once (as if the worker had been fast). */
class SessionWorker {
  readonly received: Message[] = [];
  private readonly listeners = new Map<string, ((ev: Event) => void)[]>();
  private readonly session = new Session((reply) => this.emit('message', Object.assign(new Event('message'), { data: reply })));
  postMessage(message: unknown): void {
    this.received.push(message as Message);
    this.session.handle(message as Message);
  }
  addEventListener(type: string, listener: (ev: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void {}
  emit(type: string, ev: Event): void {
    for (const l of this.listeners.get(type) ?? []) l(ev);
  }
}

/** What bootWorker does with no link in the URL, over a SessionWorker. */
function boot(): { booted: Booted; raw: SessionWorker } {
  const raw = new SessionWorker();
  const worker = bufferedWorker(raw);
  const load: Message = { type: 'load', source: DEFAULT_SOURCE, id: 1 };
  worker.postMessage(load);
  return { booted: { worker, sent: [load], sentAt: 0 }, raw };
}

describe('boot', () => {
  it('keeps what the worker says before anyone listens and hands it, in order, to the first listener', () => {
    const raw = new SessionWorker();
    const w = bufferedWorker(raw);
    raw.emit('message', Object.assign(new Event('message'), { data: 'a' }));
    raw.emit('message', Object.assign(new Event('message'), { data: 'b' }));
    const got: string[] = [];
    w.addEventListener('message', (ev: MessageEvent<Reply>) => got.push(ev.data as unknown as string));
    expect(got).toEqual(['a', 'b']);
    raw.emit('message', Object.assign(new Event('message'), { data: 'c' }));
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('the client takes the booted worker over: replies sent before the store listens reach it, and the store numbers its requests after the boot load', () => {
    vi.useFakeTimers();
    try {
      const { booted, raw } = boot();
      const spawn = vi.fn();
      const client = workerClient(spawn, 4000, () => 0, booted);
      expect(spawn).not.toHaveBeenCalled();
      expect(client.sent).toEqual(booted.sent);
      // The worker has answered the load already: the store, made now, shows it from the start.
      const store = createAppStore(client);
      expect(store.getState().meta?.preset).toBe('first-livepatch');
      expect(store.getState().frame?.step).toBe(0);
      expect(store.getState().source).toBe(DEFAULT_SOURCE);
      // The page's empty link asks for nothing more: that load was sent at boot.
      store.getState().openLink('');
      expect(raw.received.map((m) => m.type)).toEqual(['load']);
      store.getState().send({ type: 'step', unit: 'event', direction: 1 });
      expect(raw.received.at(-1)?.id).toBe(2);
      expect(store.getState().frame?.step).toBe(1);
      // A later empty link (Back to the bare page) loads the default demo again.
      store.getState().openLink('');
      expect(raw.received.map((m) => [m.type, m.id])).toEqual([
        ['load', 1],
        ['step', 2],
        ['load', 3],
      ]);
      client.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a link in the URL after all (the hash changed before the app ran) replaces the boot load, whose late replies are not shown', () => {
    const queue: Reply[] = [];
    const session = new Session((r) => queue.push(r));
    const sent: Message[] = [{ type: 'load', source: DEFAULT_SOURCE, id: 1 }];
    session.handle(sent[0]!);
    let handler: (r: Reply) => void = () => {};
    const store = createAppStore({ send: (m) => session.handle(m), listen: (h) => (handler = h), close: () => {}, sent });
    store.getState().openLink('#v=1&p=fork');
    // The boot load's replies come late, after the link's was sent.
    for (const r of queue.splice(0)) handler(r);
    expect(store.getState().meta?.preset).toBe('fork');
  });
});
