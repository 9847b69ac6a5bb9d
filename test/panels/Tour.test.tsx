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
const button = (name: string) => within(region()).getByRole<HTMLButtonElement>('button', { name });

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
    const text = within(r).getByText(p.tour[0]!.text);
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
    expect(within(region()).getByText(p.tour[1]!.text)).toBeTruthy();
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
    expect(within(region()).getByText(p.tour[m - 1]!.text)).toBeTruthy();
    expect(button('Next stop').disabled).toBe(true);
    expect(button('Previous stop').disabled).toBe(false);
    expect(button(`Go to stop ${m}`).getAttribute('aria-current')).toBe('step');
    expect(button('Go to stop 1').getAttribute('aria-current')).toBeNull();
  });

  it('follows the playhead: after a stop it says so, Previous goes back to it, stepping onto the next stop shows that one', async () => {
    const user = userEvent.setup();
    const { store, send } = await renderWithSim(<Tour />);
    await openPreset(store, 'sleeper-stalls', 1);
    const p = presetById('sleeper-stalls')!;
    const at = store.getState().frame!.tour!.step!;
    expect(region().textContent).toContain(`Stop 2 of ${p.tour.length}`);
    await send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.step).toBe(at + 1);
    expect(region().textContent).toContain(`After stop 2 of ${p.tour.length}`);
    await user.click(button('Previous stop'));
    await flush();
    expect(store.getState().frame?.step).toBe(at);
    expect(store.getState().frame?.tour).toMatchObject({ stop: 1, at: true });
    // Step by step onto the next stop's step: the bar shows that stop.
    await send({ type: 'tour', stop: 2 });
    const next = store.getState().frame!.tour!.found[2]!;
    await send({ type: 'seek', step: next - 1 });
    expect(store.getState().frame?.tour?.stop).toBe(1);
    await send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.tour).toMatchObject({ stop: 2, at: true });
    expect(within(region()).getByText(p.tour[2]!.text)).toBeTruthy();
  });

  it('says so when a stop cannot be reached in this run', async () => {
    const { store } = await renderWithSim(<Tour />);
    await openPreset(store, 'sleeper-stalls', 2);
    const f = store.getState().frame!;
    act(() => store.setState({ frame: { ...f, tour: { ...f.tour!, unreached: 5 } } }));
    expect(region().textContent).toContain('Stop 6 is never reached in this run');
  });

  it('asks a question at a stop, keeps the answer in the page, and reveals it at the next stop', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Tour />);
    const p = presetById('first-livepatch')!;
    const i = p.tour.findIndex((s) => s.question !== undefined);
    const q = p.tour[i]!.question!;
    await openPreset(store, p.id, i);
    const wrong = q.answers.findIndex((_, k) => k !== q.correct);
    await user.click(within(region()).getByRole('button', { name: q.answers[wrong] }));
    expect(within(region()).getByRole('button', { name: q.answers[wrong] }).getAttribute('aria-pressed')).toBe('true');
    await user.click(button('Next stop'));
    await flush();
    const reveal = within(region()).getByRole('status');
    expect(reveal.textContent).toContain('Not quite');
    expect(reveal.textContent).toContain(q.answers[q.correct]);
    expect(reveal.textContent).toContain(q.why);
  });

  it('after an action says the run left the script, and Back to the tour’s run restores it', async () => {
    const user = userEvent.setup();
    const { store, send } = await renderWithSim(<Tour />);
    await openPreset(store, 'first-livepatch', 3);
    const at = store.getState().frame!.step;
    await act(async () => store.getState().act('echo 1 > /sys/kernel/livepatch/test_klp_livepatch/force'));
    await flush();
    expect(region().textContent).toContain(`left the tour’s script at step ${at}`);
    await user.click(button('Back to the tour’s run'));
    await flush();
    expect(store.getState().frame).toMatchObject({ step: at, actions: [] });
    expect(store.getState().frame?.tour?.offScript).toBeNull();
    await send({ type: 'tour', stop: 7 });
    expect(store.getState().frame?.tour).toMatchObject({ stop: 7, at: true });
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
