// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FuncStacks } from '../../src/panels/FuncStacks.tsx';
import { renderWithSim } from './harness.tsx';
import stacked from '../scenarios/04-v412-stacked-patches.json';

afterEach(cleanup);

/** Each version of a function's stack, top first: its text and its task count. */
function versions(fn: string): { readonly text: string; readonly tasks: number }[] {
  const list = screen.getByRole('list', { name: fn });
  return within(list)
    .getAllByRole('listitem')
    .map((li) => ({ text: li.textContent ?? '', tasks: Number(within(li).getByText(/^\d[\d,]* tasks?$/).textContent?.replace(/[^\d]/g, '')) }));
}

describe('FuncStacks', () => {
  it('says that no function is patched before the insmod', async () => {
    await renderWithSim(<FuncStacks />);
    const region = screen.getByRole('region', { name: 'Function stacks' });
    expect(within(region).getByText('No function is patched')).toBeTruthy();
    expect(region.textContent).toMatch(/Load a livepatch module/);
  });

  it('draws cmdline_proc_show with the patch above the original and counts that add up to the live tasks', async () => {
    const { send, store } = await renderWithSim(<FuncStacks />);
    await send({ type: 'seek', step: 300 });
    const v = versions('cmdline_proc_show');
    expect(v).toHaveLength(2);
    expect(v[0]!.text).toMatch(/^test_klp_livepatch/);
    expect(v[0]!.text).toContain('patched 1');
    expect(v[0]!.text).toContain('transition 1');
    expect(v[1]!.text).toMatch(/^original/);
    const live = store.getState().frame!.globals.counts.live;
    expect(v[0]!.tasks + v[1]!.tasks).toBe(live);
    // The sleeper in the original holds part of the tasks below while the rest moved up.
    expect(v[0]!.tasks).toBeGreaterThan(0);
    expect(v[1]!.tasks).toBeGreaterThan(0);
  });

  it('puts every task on the top version once the transition is complete', async () => {
    const { send, store } = await renderWithSim(<FuncStacks />);
    await send({ type: 'jump', to: 'end' });
    const v = versions('cmdline_proc_show');
    expect(v[0]!.text).toContain('transition 0');
    expect(v[0]!.tasks).toBe(store.getState().frame!.globals.counts.live);
    expect(v[1]!.tasks).toBe(0);
    // Each version's bar is its share of the live tasks: all on the patch, none on the original.
    const bars = within(screen.getByRole('list', { name: 'cmdline_proc_show' })).getAllByRole('listitem').map((li) => li.querySelector<HTMLElement>('.fs-bar > span')?.style.transform);
    expect(bars).toEqual(['scaleX(1.0000)', 'scaleX(0.0000)']);
  });

  it('stacks two patches of one function, marking the immediate one', async () => {
    const { send, store } = await renderWithSim(<FuncStacks />, stacked);
    await send({ type: 'jump', to: 'end' });
    const v = versions('wait_for_data');
    expect(v.map((x) => x.text.split(/\s/)[0])).toEqual(['lp_two', 'lp_one', 'original']);
    expect(v[1]!.text).toContain('immediate');
    expect(v[0]!.text).not.toContain('immediate');
    expect(v.reduce((n, x) => n + x.tasks, 0)).toBe(store.getState().frame!.globals.counts.live);
  });
});
