// The simulation worker: a Session behind the message protocol.
import { FIRST_LIVEPATCH } from '../sim/scenario/presets/first.ts';
import { knownPreset, registerPresets } from './presetRegistry.ts';
import { MEMORY_BUDGET_BYTES } from '../sim/limits.ts';
import { Session } from './session.ts';
import type { Message } from './protocol.ts';
import { firstRequest } from './bootRequest.ts';

// The default demo is here from the start; the others are a chunk of their own, fetched when a load first names one.
registerPresets([FIRST_LIVEPATCH]);
let allPresets: Promise<void> | null = null;
const loadPresets = (): Promise<void> =>
  (allPresets ??= import('../sim/scenario/presets.ts').then(
    (m) => registerPresets(m.PRESETS),
    () => {
      // The session then says that no demo has that name; a later load tries again.
      allPresets = null;
    },
  ));

// Long computations run in slices, with the messages that came meanwhile read between them.
// A slice follows the last through a MessageChannel, not a zero timeout: a chain of timeouts
// is held to 4 ms apiece after the fifth, which short background slices cannot afford.
const slices = new MessageChannel();
const later: (() => void)[] = [];
slices.port1.onmessage = () => later.shift()?.();
const defer = (fn: () => void) => {
  later.push(fn);
  slices.port2.postMessage(null);
};
// The trace and checkpoints stay within the app's memory budget (limit 'memory' past it);
// every frame carries the next step's frame, computed ahead (Frame.next).
const session = new Session((reply, transfer) => self.postMessage(reply, { transfer: transfer ?? [] }), { limits: { byteBudget: MEMORY_BUDGET_BYTES }, defer, prefetch: true });

let queue: Promise<void> = Promise.resolve();
let waiting = 0;

self.addEventListener('message', (ev: MessageEvent<Message>) => receive(ev.data));

function receive(msg: Message): void {
  if (msg.type === 'crash') {
    // A real failure of the worker, outside any handler: the app must survive it.
    setTimeout(() => {
      throw new Error('the simulation worker crashed (on request)');
    });
    return;
  }
  if (msg.type === 'hang') {
    // A worker that never answers again: what the app's watchdog is for.
    for (;;) {
      // spin
    }
  }
  const needsPresets = msg.type === 'load' && msg.source.preset !== undefined && knownPreset(msg.source.preset) === undefined;
  if (!needsPresets && waiting === 0) {
    session.handle(msg);
    return;
  }
  // In order: what arrives while the presets are fetched waits behind the load that asked for them.
  waiting++;
  queue = queue.then(async () => {
    try {
      if (needsPresets) await loadPresets();
      session.handle(msg);
    } catch (e) {
      // As if thrown by the message handler: the app's worker error path sees it, and the queue goes on.
      setTimeout(() => {
        throw e;
      });
    } finally {
      waiting--;
    }
  });
}

// The request the page started this worker with (the default demo's load, at boot): handled now, before any message.
// Its next step and the run are computed ahead once the page has drawn that first frame (it says so: `drawn`), not while it renders it.
const first = firstRequest(self.name);
if (first !== null) {
  session.holdAhead();
  receive(first);
}
