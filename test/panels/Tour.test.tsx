// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Tour } from '../../src/panels/Tour.tsx';
import { presetById } from '../../src/sim/scenario/presets.ts';
import type { AppStore } from '../../src/app/store.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

async function openPreset(store: AppStore, preset: string, tour = 0) {
  await act(async () => store.getState().load({ preset, tour }));
  await flush();
}

const region = () => screen.getByRole('region', { name: 'Guided tour' });
const button = (name: string) => within(region()).getByRole('button', { name }) as HTMLButtonElement;

describe('<Tour />', () => {
  it('is not shown for a scenario without a tour', async () => {
    const { store } = await renderWithSim(<Tour />);
    expect(store.getState().frame?.tour).toBeNull();
    expect(screen.queryByRole('region', { name: 'Guided tour' })).toBeNull();
  });

  it('shows the first stop: title, question, Stop 1 of M and its text; Previous is disabled', async () => {
    const { store } = await renderWithSim(<Tour />);
    await openPreset(store, 'reverse-stalled');
    const p = presetById('reverse-stalled')!;
    const r = region();
    expect(within(r).getByRole('heading', { name: p.title })).toBeTruthy();
    expect(within(r).getByText(p.question)).toBeTruthy();
    expect(r.textContent).toContain(`Stop 1 of ${p.tour.length}`);
    const text = within(r).getByText(p.tour[0].text);
    expect(text.getAttribute('aria-live')).toBe('polite');
    expect(button('Previous stop').disabled).toBe(true);
    expect(button('Next stop').disabled).toBe(false);
    expect(store.getState().frame?.step).toBe(store.getState().frame?.tour?.step);
  });

  it('Next and Previous move between stops, and the view goes to each stop’s step', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Tour />);
    await openPreset(store, 'reverse-stalled');
    const p = presetById('reverse-stalled')!;

    await user.click(button('Next stop'));
    await flush();
    let f = store.getState().frame!;
    expect(f.tour?.stop).toBe(1);
    expect(f.tour?.step).not.toBeNull();
    expect(f.step).toBe(f.tour?.step);
    expect(f.step).toBeGreaterThan(0);
    expect(region().textContent).toContain(`Stop 2 of ${p.tour.length}`);
    expect(within(region()).getByText(p.tour[1].text)).toBeTruthy();
    expect(button('Previous stop').disabled).toBe(false);

    const second = f.step;
    await user.click(button('Next stop'));
    await flush();
    f = store.getState().frame!;
    expect(f.tour?.stop).toBe(2);
    expect(f.step).toBe(f.tour?.step);
    expect(f.step).toBeGreaterThanOrEqual(second);

    await user.click(button('Previous stop'));
    await flush();
    f = store.getState().frame!;
    expect(f.tour?.stop).toBe(1);
    expect(f.step).toBe(second);
    expect(region().textContent).toContain(`Stop 2 of ${p.tour.length}`);

    await user.click(button('Previous stop'));
    await flush();
    expect(store.getState().frame?.tour?.stop).toBe(0);
    expect(store.getState().frame?.step).toBe(0);
    expect(button('Previous stop').disabled).toBe(true);
  });

  it('jumps to any stop; at the last one Next is disabled', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Tour />);
    await openPreset(store, 'sleeper-stalls');
    const p = presetById('sleeper-stalls')!;
    const m = p.tour.length;
    expect(button('Go to stop 1').getAttribute('aria-current')).toBe('step');
    await user.click(button(`Go to stop ${m}`));
    await flush();
    const f = store.getState().frame!;
    expect(f.tour?.stop).toBe(m - 1);
    expect(f.step).toBe(f.tour?.step);
    expect(region().textContent).toContain(`Stop ${m} of ${m}`);
    expect(within(region()).getByText(p.tour[m - 1].text)).toBeTruthy();
    expect(button('Next stop').disabled).toBe(true);
    expect(button('Previous stop').disabled).toBe(false);
    expect(button(`Go to stop ${m}`).getAttribute('aria-current')).toBe('step');
    expect(button('Go to stop 1').getAttribute('aria-current')).toBeNull();
  });

  it('after moving away from the stop offers a way back to it', async () => {
    const user = userEvent.setup();
    const { store, send } = await renderWithSim(<Tour />);
    await openPreset(store, 'sleeper-stalls', 1);
    expect(screen.queryByRole('button', { name: 'Back to stop 2' })).toBeNull();
    const at = store.getState().frame!.tour!.step!;
    await send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.step).toBe(at + 1);
    expect(region().textContent).toContain('You have moved on from this stop');
    await user.click(button('Back to stop 2'));
    await flush();
    expect(store.getState().frame?.step).toBe(at);
    expect(store.getState().frame?.tour?.stop).toBe(1);
    expect(screen.queryByText(/You have moved on/)).toBeNull();
  });

  it('says so when a stop cannot be reached', async () => {
    const { store } = await renderWithSim(<Tour />);
    await openPreset(store, 'sleeper-stalls', 2);
    const f = store.getState().frame!;
    // A stop the worker could not find (e.g. after actions changed the trace).
    act(() => store.setState({ frame: { ...f, tour: { ...f.tour!, step: null } } }));
    expect(region().textContent).toContain('This stop is never reached in this run');
    expect(screen.queryByRole('button', { name: /^Back to stop/ })).toBeNull();
  });

  it('loads the same script under the other kernel at the same stop, both ways', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Tour />);
    const bug = presetById('bug-a-rfc')!;
    await openPreset(store, bug.id, 2);
    expect(within(region()).queryByRole('button', { name: 'Same script under rfc-v2' })).toBeNull();
    await user.click(button('Same script under v4.12'));
    await flush();
    let s = store.getState();
    expect(s.meta?.preset).toBe(bug.compare);
    expect(s.meta?.kernel).toBe('v4.12');
    expect(s.frame?.tour?.stop).toBe(2);
    expect(s.frame?.step).toBe(s.frame?.tour?.step);

    await user.click(button('Same script under rfc-v2'));
    await flush();
    s = store.getState();
    expect(s.meta?.preset).toBe(bug.id);
    expect(s.frame?.tour?.stop).toBe(2);
  });

  it('offers no comparison for a preset without a twin', async () => {
    const { store } = await renderWithSim(<Tour />);
    await openPreset(store, 'sleeper-stalls');
    expect(within(region()).queryByRole('button', { name: /^Same script under/ })).toBeNull();
  });
});
