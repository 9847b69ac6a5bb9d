// The page's boot (boot.ts, client.ts, store.ts): the worker is started, and
// the default demo asked for, before the app's code has loaded; the app's
// client takes the worker over with what it said meanwhile, and the store
// takes that load as the one the empty link asks for.
import { describe, expect, it, vi } from 'vitest';
import { bootWorker, bufferedWorker } from '../../src/app/boot.ts';
import { firstRequest, workerName } from '../../src/worker/bootRequest.ts';
import type { Booted } from '../../src/app/boot.ts';
import { workerClient } from '../../src/app/client.ts';
import { DEFAULT_SOURCE } from '../../src/app/link.ts';
import { createAppStore } from '../../src/app/store.ts';
import { Session } from '../../src/worker/session.ts';
import type { Message, Reply } from '../../src/worker/protocol.ts';

/**
 * A Worker's event target over a Session, answering at once (as if the worker
 * had been fast). Like sim.worker.ts, it first handles the request its name
 * carries, if any.
 */
class SessionWorker {
  readonly received: Message[] = [];
  private readonly listeners = new Map<string, ((ev: Event) => void)[]>();
  private readonly session = new Session((reply) => this.emit('message', Object.assign(new Event('message'), { data: reply })));
  constructor(name = workerName()) {
    const first = firstRequest(name);
    if (first !== null) this.postMessage(first);
  }
  postMessage(message: unknown): void {
    this.received.push(message as Message);
    this.session.handle(message as Message);
  }
  addEventListener(type: string, listener: (ev: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    // What the worker said before the page listened waits for it, as a browser's message queue does.
    for (const ev of this.unheard.splice(0)) this.emit(type, ev);
  }
  terminate(): void {}
  private readonly unheard: Event[] = [];
  emit(type: string, ev: Event): void {
    const ls = this.listeners.get(type) ?? [];
    if (ls.length === 0) this.unheard.push(ev);
    for (const l of ls) l(ev);
  }
}

/** What bootWorker does with no link in the URL, over a SessionWorker: the worker starts with the default demo's load. */
function boot(): { booted: Booted; raw: SessionWorker } {
  const load: Message = { type: 'load', source: DEFAULT_SOURCE, id: 1 };
  const raw = new SessionWorker(workerName(load));
  const worker = bufferedWorker(raw);
  return { booted: { worker, sent: [load], sentAt: 0 }, raw };
}

/** A stand-in for the browser's Worker that records how it was made and what it was sent. */
class RecordingWorker {
  static made: RecordingWorker[] = [];
  readonly posted: unknown[] = [];
  constructor(
    readonly url: URL | string,
    readonly options?: WorkerOptions,
  ) {
    RecordingWorker.made.push(this);
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  addEventListener(): void {}
  terminate(): void {}
}

describe('boot', () => {
  it('with no link, the worker is started with the default demo\'s load in its name and is posted nothing: it need not wait for the page to hand a message over', () => {
    RecordingWorker.made = [];
    vi.stubGlobal('Worker', RecordingWorker);
    try {
      const booted = bootWorker('');
      expect(booted.sent).toEqual([{ type: 'load', source: DEFAULT_SOURCE, id: 1 }]);
      const [w] = RecordingWorker.made;
      expect(w?.options?.type).toBe('module');
      expect(firstRequest(w?.options?.name ?? '')).toEqual(booted.sent[0]);
      expect(w?.posted).toEqual([]);
      // A link names its own scenario: the worker starts with no request, and the store asks.
      const linked = bootWorker('#v=1&p=fork');
      expect(linked.sent).toEqual([]);
      expect(firstRequest(RecordingWorker.made[1]?.options?.name ?? '')).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a worker's name carries its first request and reads back the same; a name with a malformed one is refused with what was expected", () => {
    const step: Message = { type: 'step', unit: 'event', direction: 1, id: 7 };
    expect(firstRequest(workerName(step))).toEqual(step);
    expect(firstRequest(workerName())).toBeNull();
    expect(firstRequest('some other worker')).toBeNull();
    expect(() => firstRequest(`${workerName()} {"type":"load"}`)).toThrow(/a request with a type and an id/);
  });

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
