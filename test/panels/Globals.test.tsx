// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Globals } from '../../src/panels/Globals.tsx';
import { renderWithSim } from './harness.tsx';
import stacked from '../scenarios/04-v412-stacked-patches.json';

afterEach(cleanup);

/** The value a `dt` of the globals list shows. */
function value(name: string): string {
  const region = screen.getByRole('region', { name: 'Globals' });
  const dt = within(region).getByText(name, { selector: 'dt' });
  return dt.nextElementSibling?.textContent ?? '';
}

describe('Globals', () => {
  it('shows KLP_UNDEFINED and NULL before the insmod, then the patch in transition', async () => {
    const { send } = await renderWithSim(<Globals />);
    expect(screen.getByRole('region', { name: 'Globals' })).toBeTruthy();
    expect(value('kernel')).toBe('mainline');
    expect(value('klp_target_state')).toBe('KLP_UNDEFINED (-1)');
    expect(value('klp_transition_patch')).toBe('NULL');
    expect(value('klp_transition_work')).toBe('not armed');
    expect(screen.queryByRole('list', { name: 'Each patch in sysfs' })).toBeNull();

    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    expect(value('klp_transition_patch')).toBe('test_klp_livepatch');
    expect(value('klp_target_state')).toBe('KLP_PATCHED (1)');
  });

  it('shows the next retry relative to now, klp_signals_cnt and the sysfs files during the transition', async () => {
    const { send, store } = await renderWithSim(<Globals />);
    // Just before the first retry at 1 s (the default scenario is seeded: this is deterministic).
    await send({ type: 'seek', step: 300 });
    const f = store.getState().frame!;
    expect(f.globals.nextRetry).not.toBeNull();
    const inSeconds = ((f.globals.nextRetry! - f.time) / 1e6).toFixed(2);
    expect(value('klp_transition_work')).toContain(`next run at ${(f.globals.nextRetry! / 1e6).toFixed(6)} s`);
    expect(value('klp_transition_work')).toContain(`in ${inSeconds} s`);
    expect(value('klp_signals_cnt')).toMatch(new RegExp(`^${f.globals.signalsCnt}\\b`));

    const sysfs = screen.getByRole('list', { name: 'Each patch in sysfs' });
    expect(sysfs.textContent).toContain('/sys/kernel/livepatch/test_klp_livepatch/');
    const files = within(sysfs).getAllByRole('term').map((dt) => `${dt.textContent} ${dt.nextElementSibling?.textContent}`);
    expect(files).toEqual(['enabled 1', 'transition 1']);

    const region = screen.getByRole('region', { name: 'Globals' });
    const c = f.globals.counts;
    expect(region.textContent).toContain(`${c.live} live tasks:`);
    expect(region.textContent).toContain(`${c.unpatched} unpatched`);
    expect(region.textContent).toContain(`${c.patched} patched`);
    expect(region.textContent).toContain(`${c.pending} pending`);
  });

  it('reads transition 0 and KLP_UNDEFINED again once the patch is applied', async () => {
    const { send } = await renderWithSim(<Globals />);
    await send({ type: 'jump', to: 'end' });
    expect(value('klp_target_state')).toBe('KLP_UNDEFINED (-1)');
    expect(value('klp_transition_patch')).toBe('NULL');
    const sysfs = screen.getByRole('list', { name: 'Each patch in sysfs' });
    const files = within(sysfs).getAllByRole('term').map((dt) => `${dt.textContent} ${dt.nextElementSibling?.textContent}`);
    expect(files).toEqual(['enabled 1', 'transition 0']);
    expect(value('guarantees')).toBe('0 violations · 0 given up');
    expect(screen.getByText('0 given up').className).not.toContain('gl-alert');
  });

  it('has no klp_signals_cnt in v4.12 and highlights what immediate gave up', async () => {
    const { send } = await renderWithSim(<Globals />, stacked);
    expect(value('kernel')).toBe('v4.12');
    const region = screen.getByRole('region', { name: 'Globals' });
    expect(within(region).queryByText('klp_signals_cnt')).toBeNull();
    await send({ type: 'jump', to: 'end' });
    const givenUp = within(region).getByText(/given up$/);
    expect(givenUp.textContent).toMatch(/^[1-9]\d* given up$/);
    expect(givenUp.className).toContain('gl-alert');
    expect(within(region).getByText('lp_one', { selector: 'b' })).toBeTruthy();
    expect(within(region).getByText('lp_two', { selector: 'b' })).toBeTruthy();
  });
});
