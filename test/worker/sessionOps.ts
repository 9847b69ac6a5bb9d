// What the session fuzz tests do to a page (a Session and its store): the
// operations, their arbitraries, and how each is sent, in one place for
// session.fuzz.test.ts and session-cancel.fuzz.test.ts.
import fc from 'fast-check';
import type { AppStore } from '../../src/app/store.ts';
import type { Session } from '../../src/worker/session.ts';
import type { ScenarioSource, StepUnit } from '../../src/worker/protocol.ts';
import type { SeriesBounds } from '../../src/worker/bounded.ts';

/** Bounds so small that the presets' series are thinned and their logs windowed. */
export const SMALL: SeriesBounds = { whole: 8, buckets: 8, runs: 24, logWindow: 10, logBefore: 4 };

export type Op =
  | { readonly op: 'load'; readonly source: ScenarioSource }
  | { readonly op: 'step'; readonly unit: StepUnit; readonly direction: 1 | -1 }
  | { readonly op: 'seek'; readonly at: number }
  | { readonly op: 'jump'; readonly to: 'start' | 'end' }
  | { readonly op: 'play'; readonly ticks: number }
  | { readonly op: 'speed'; readonly index: number }
  | { readonly op: 'act'; readonly command: string }
  | { readonly op: 'actBack'; readonly back: number; readonly command: string }
  /** A seek there; the action itself is the test's to send (session-cancel: to one page only). */
  | { readonly op: 'actAt'; readonly at: number; readonly command: string }
  | { readonly op: 'select'; readonly task: number | null }
  | { readonly op: 'pin'; readonly task: number; readonly on: boolean }
  | { readonly op: 'tour'; readonly stop: number }
  | { readonly op: 'tourBack' };

/** The arbitraries of the operations both tests draw, each test choosing its weights and ranges. */
export const ops = {
  step: fc.record({ unit: fc.constantFrom<StepUnit>('event', 'livepatch', 'switch', 'second'), direction: fc.constantFrom<1 | -1>(1, -1) }).map((r): Op => ({ op: 'step', ...r })),
  seek: (max: number) => fc.double({ min: 0, max, noNaN: true }).map((at): Op => ({ op: 'seek', at })),
  jump: fc.constantFrom<'start' | 'end'>('start', 'end').map((to): Op => ({ op: 'jump', to })),
  play: (max: number) => fc.integer({ min: 1, max }).map((ticks): Op => ({ op: 'play', ticks })),
  speed: fc.integer({ min: 0, max: 9 }).map((index): Op => ({ op: 'speed', index })),
  act: (commands: readonly string[]) => fc.constantFrom(...commands).map((command): Op => ({ op: 'act', command })),
  actBack: (commands: readonly string[], max: number) => fc.record({ back: fc.integer({ min: 1, max }), command: fc.constantFrom(...commands) }).map((r): Op => ({ op: 'actBack', ...r })),
  pin: fc.record({ task: fc.integer({ min: 0, max: 12 }), on: fc.boolean() }).map((r): Op => ({ op: 'pin', ...r })),
};

/** Sends `o` through the page's store as the panels would (a play runs `ticks` of the session's clock, then pauses). */
export function apply(session: Session, store: AppStore, o: Op): void {
  const s = store.getState();
  switch (o.op) {
    case 'load':
      s.load(o.source);
      return;
    case 'step':
      s.send({ type: 'step', unit: o.unit, direction: o.direction });
      return;
    case 'seek':
    case 'actAt':
      s.send({ type: 'seek', step: Math.floor(o.at * (s.frame?.computed ?? 0)) });
      return;
    case 'jump':
      s.send({ type: 'jump', to: o.to });
      return;
    case 'play':
      s.send({ type: 'play' });
      for (let i = 0; i < o.ticks; i++) session.tick();
      store.getState().send({ type: 'pause' });
      return;
    case 'speed':
      s.send({ type: 'speed', index: o.index });
      return;
    case 'act':
      s.act(o.command, true);
      return;
    case 'actBack':
      s.send({ type: 'seek', step: Math.max(0, (s.frame?.step ?? 0) - o.back) });
      store.getState().act(o.command, true);
      return;
    case 'select':
      s.send({ type: 'select', task: o.task });
      return;
    case 'pin':
      s.send({ type: 'pin', task: o.task, on: o.on });
      return;
    case 'tour':
      s.send({ type: 'tour', stop: o.stop });
      return;
    case 'tourBack':
      s.send({ type: 'tour-back' });
      return;
  }
}
