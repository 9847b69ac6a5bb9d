// Step forward from the frame sent ahead (Frame.next, store.ts): the store
// shows the next step in the click's own task, before the worker answers;
// the worker's answer (the same frame) is taken after the next paint; and
// when anything was asked since that frame, the store waits for the answer.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../../src/app/store.ts';
import type { Frame } from '../../src/worker/protocol.ts';
import { queuedClient } from './queuedClient.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('store: Step forward from the frame sent ahead', () => {
  it('shows the next step at once, then takes the worker’s answer (the same step) after the paint', () => {
    const { client, deliver, queue } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'first-livepatch' });
    deliver();
    expect(store.getState().frame?.step).toBe(0);
    for (let i = 1; i <= 5; i++) {
      store.getState().send({ type: 'step', unit: 'event', direction: 1 });
      // Before any reply: the click's own task shows the step.
      expect(queue.some((r) => r.type === 'frame')).toBe(true);
      expect(store.getState().frame?.step).toBe(i);
      expect(store.getState().live?.step).toBe(i);
      const shown = store.getState().frame;
      deliver();
      // The answer waits for the paint...
      expect(store.getState().frame).toBe(shown);
      vi.runAllTimers();
      // ...then replaces it: the same step, with how far the run is computed now.
      expect(store.getState().frame).not.toBe(shown);
      expect(store.getState().frame?.step).toBe(i);
    }
    // The log has the lines of the steps shown.
    expect(store.getState().log.toArray().length).toBeGreaterThan(0);
  });

  it('waits for the worker when the unit differs from the one computed ahead, and on a step back', () => {
    const { client, deliver } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'first-livepatch' });
    deliver();
    store.getState().send({ type: 'select', task: 3 });
    deliver();
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.step).toBe(1);
    deliver();
    vi.runAllTimers();
    expect(store.getState().frame?.selected?.task).toBe(3);
    // Another unit than the one computed ahead: answered by the worker only.
    store.getState().send({ type: 'step', unit: 'switch', direction: 1 });
    expect(store.getState().frame?.step).toBe(1);
    deliver();
    const atSwitch = store.getState().frame?.step ?? 0;
    expect(atSwitch).toBeGreaterThan(1);
    // Now in that unit, and the selected task's view comes with the step shown ahead.
    store.getState().send({ type: 'step', unit: 'switch', direction: 1 });
    expect(store.getState().frame?.step).toBeGreaterThan(atSwitch);
    expect(store.getState().frame?.selected?.task).toBe(3);
    // Back is not computed ahead: it waits for the worker.
    const here = store.getState().frame?.step;
    deliver();
    vi.runAllTimers();
    store.getState().send({ type: 'step', unit: 'switch', direction: -1 });
    expect(store.getState().frame?.step).toBe(here);
    deliver();
    expect(store.getState().frame?.step).toBeLessThan(here ?? 0);
  });

  it('after an action (a branch of the tour’s run) and after seeking back, steps forward as the worker does', () => {
    const { client, deliver } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'first-livepatch' });
    deliver();
    store.getState().send({ type: 'seek', step: 40 });
    deliver();
    store.getState().act('kill 4', true);
    deliver();
    expect(store.getState().frame?.actions.map((a) => a.text)).toEqual(['kill 4']);
    const check = () => {
      const shownAhead = store.getState().frame?.step;
      deliver();
      vi.runAllTimers();
      expect(store.getState().frame?.step).toBe(shownAhead);
    };
    for (let i = 0; i < 3; i++) {
      const before = store.getState().frame?.step ?? 0;
      store.getState().send({ type: 'step', unit: 'event', direction: 1 });
      expect(store.getState().frame?.step).toBe(before + 1);
      check();
    }
    store.getState().send({ type: 'seek', step: 10 });
    deliver();
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.step).toBe(11);
    check();
    // Still on the branch.
    expect(store.getState().frame?.actions.map((a) => a.text)).toEqual(['kill 4']);
  });
});

describe('store: a step shown ahead while a selection is on its way', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows the step at once, never goes back to the older frames that answer the selection and pin, and ends on the step with the selection', () => {
    const { client, deliver } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'first-livepatch' });
    deliver();
    // The tour's spotlight selects and pins a task; the user clicks Step forward before their answers come.
    store.getState().send({ type: 'select', task: 5 });
    store.getState().send({ type: 'pin', task: 5, on: true });
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.step).toBe(1);
    const steps: number[] = [];
    const unsubscribe = store.subscribe((s) => steps.push(s.frame?.step ?? -1));
    deliver();
    vi.runAllTimers();
    unsubscribe();
    expect(steps.every((x) => x === 1)).toBe(true);
    expect(store.getState().frame?.step).toBe(1);
    expect(store.getState().frame?.selected?.task).toBe(5);
    expect(store.getState().frame?.lanes.pinned).toEqual([5]);
  });

  it('does not show a step ahead when a request that moves the view is on its way', () => {
    const { client, deliver } = queuedClient();
    const store = createAppStore(client);
    store.getState().load({ preset: 'first-livepatch' });
    deliver();
    store.getState().send({ type: 'seek', step: 30 });
    store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.step).toBe(0);
    deliver();
    expect(store.getState().frame?.step).toBe(31);
  });
});

describe('store: Step forward while the run is computed ahead in the background', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("frames of computing ahead that keep the step sent ahead ('kept'): the store still shows it at once, as far computed as they say, and it is the worker's answer", () => {
    const later: (() => void)[] = [];
    const { client, deliver, queue } = queuedClient(later);
    const store = createAppStore(client);
    store.getState().load({ preset: 'signals-force' });
    deliver();
    vi.runAllTimers();
    /** The frame without the series it brings and the step it sends ahead. */
    const shown = (f: Frame | null | undefined) => {
      if (f === null || f === undefined) return f;
      const { log: _log, samples: _samples, milestones: _milestones, comms: _comms, next: _next, lanes, ...rest } = f;
      return { ...rest, tasks: { ...f.tasks }, pinned: lanes.pinned };
    };
    let kept = 0;
    for (let i = 1; i <= 5; i++) {
      // Slices of computing ahead, their frames delivered: the view does not move.
      const at = store.getState().frame?.step ?? -1;
      for (let n = 0; n < i; n++) later.shift()?.();
      kept += queue.filter((r) => r.type === 'frame' && r.frame.next === 'kept').length;
      const progress = queue.flatMap((r) => (r.type === 'frame' ? [r.frame] : [])).at(-1);
      deliver();
      vi.runAllTimers();
      expect(store.getState().frame?.step).toBe(at);
      store.getState().send({ type: 'step', unit: 'event', direction: 1 });
      // Shown in the click's own task, as far computed as the last frame said.
      const ahead = store.getState().frame;
      expect(ahead?.step).toBe(at + 1);
      if (progress !== undefined) expect([ahead?.computed, ahead?.ahead, ahead?.end]).toEqual([progress.computed, progress.ahead, progress.end]);
      deliver();
      vi.runAllTimers();
      // The worker's answer is the frame shown.
      expect(shown(store.getState().frame)).toEqual(shown(ahead));
    }
    expect(kept).toBeGreaterThan(0);
  });
});
