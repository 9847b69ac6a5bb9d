// @vitest-environment jsdom
// The hash follows the moment on screen without a write at every step: once
// the playhead rests, and at least every URL_MAX_WAIT_MS while it moves.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup } from '@testing-library/react';
import { URL_MAX_WAIT_MS, URL_SETTLE_MS, useUrlSync } from '../../src/app/useUrlSync.ts';
import { renderWithSim } from '../panels/harness.tsx';

function Sync() {
  useUrlSync();
  return null;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  cleanup();
  history.replaceState(null, '', '/');
});

const stepIn = (hash: string) => /[#&]s=(\d+)(&|$)/.exec(hash)?.[1];

describe('useUrlSync', () => {
  it('writes the hash once the playhead rests, and once a second while steps keep coming, not at every step', async () => {
    const { store, send } = await renderWithSim(<Sync />);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const replace = vi.spyOn(history, 'replaceState');
    // A key held down: a step every 50 ms for 1.5 s.
    for (let i = 0; i < 30; i++) {
      await send({ type: 'step', unit: 'event', direction: 1 });
      await act(async () => vi.advanceTimersByTime(50));
    }
    expect(store.getState().frame?.step).toBe(30);
    // Written once, URL_MAX_WAIT_MS into the moves; not 30 times, nor every 250 ms.
    expect(replace).toHaveBeenCalledTimes(Math.floor((30 * 50) / URL_MAX_WAIT_MS));
    expect(Number(stepIn(location.hash))).toBeLessThan(30);
    // The playhead rests: the hash says where, once.
    await act(async () => vi.advanceTimersByTime(URL_SETTLE_MS));
    expect(replace).toHaveBeenCalledTimes(2);
    expect(stepIn(location.hash)).toBe('30');
    await act(async () => vi.advanceTimersByTime(5 * URL_MAX_WAIT_MS));
    expect(replace).toHaveBeenCalledTimes(2);
  });

  it('writes a waiting position at once when the page is left, and into the old entry when the user opens another scenario', async () => {
    const { store, send } = await renderWithSim(<Sync />);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const replace = vi.spyOn(history, 'replaceState');
    const push = vi.spyOn(history, 'pushState');
    await send({ type: 'step', unit: 'event', direction: 1 });
    await send({ type: 'step', unit: 'event', direction: 1 });
    expect(replace).not.toHaveBeenCalled();
    // Leaving the page (a reload, a closed tab) does not wait for the playhead to rest.
    window.dispatchEvent(new Event('pagehide'));
    expect(replace).toHaveBeenCalledTimes(1);
    expect(stepIn(location.hash)).toBe('2');
    // Two more steps, then another demo before they are written: the old entry gets step 4, the new one its own.
    await send({ type: 'step', unit: 'event', direction: 1 });
    await send({ type: 'step', unit: 'event', direction: 1 });
    const left = location.hash;
    await act(async () => store.getState().load({ preset: 'stacked-patches' }));
    await act(async () => vi.advanceTimersByTime(URL_MAX_WAIT_MS));
    expect(replace).toHaveBeenCalledTimes(2);
    const old = String(replace.mock.calls[1]![2]);
    expect(stepIn(old.slice(old.indexOf('#')))).toBe('4');
    expect(old).not.toBe(`${location.pathname}${left}`);
    expect(push).toHaveBeenCalledTimes(1);
    expect(String(push.mock.calls[0]![2])).toContain('p=stacked-patches');
    expect(replace.mock.invocationCallOrder[1]!).toBeLessThan(push.mock.invocationCallOrder[0]!);
  });
});
