// @vitest-environment jsdom
// Compare mode: the rfc-v2 fresh-boot bug demo beside its script on v4.12.
// Both grids, both globals (the rows that differ marked) and the two logs
// side by side; the first divergence marked, and one click jumps both runs
// to it.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Compare } from '../../src/panels/compare/Compare.tsx';
import { presetById } from '../../src/sim/scenario/presets.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

describe('<Compare />', () => {
  it('shows both runs side by side, marks the first divergence and jumps there', async () => {
    const { store } = await renderWithSim(<Compare />, presetById('bug-a-rfc')?.scenario);
    await act(async () => store.getState().setCompare('kernel:v4.12'));
    const region = await screen.findByRole('region', { name: 'Compare two runs' });
    const cmp = within(region);
    // Both runs are computed to their end in the background; then the divergence is known.
    const jump = await waitFor(() => cmp.getByRole('button', { name: 'Jump to the first divergence' }), { timeout: 20_000 });
    const status = cmp.getByRole('status', { name: 'First divergence' }).textContent ?? '';
    const m = /log line (\d+), step ([\d,]+) \(A\) \/ ([\d,]+) \(B\)/.exec(status);
    expect(m).not.toBeNull();
    const [line, a, b] = [Number(m![1]), Number(m![2]!.replace(/,/g, '')), Number(m![3]!.replace(/,/g, ''))];
    expect(line).toBeGreaterThan(0);

    // Both grids, one per run, and the globals of both.
    expect(cmp.getByRole('region', { name: /^Run A: / }).querySelector('canvas')).not.toBeNull();
    expect(cmp.getByRole('region', { name: /^Run B: .*\(v4\.12\)/ }).querySelector('canvas')).not.toBeNull();
    const globals = cmp.getByRole('region', { name: 'Globals compared' });
    expect(within(globals).getByRole('row', { name: /^kernel ?\(differs\) rfc-v2 v4\.12$/ })).toBeTruthy();
    expect(globals.querySelector('tr.is-diff th')?.textContent).toContain('(differs)');

    fireEvent.click(jump);
    await waitFor(() => expect(store.getState().frame?.step).toBe(a));
    await waitFor(() => expect(region.querySelector('.cmp-slider output')?.textContent).toContain(`B ${b.toLocaleString('en')}`));
    for (let i = 0; i < 4; i++) await flush();

    // At the divergence the log diff shows the first differing line, marked, with the lines only one run printed.
    const diff = cmp.getByRole('table', { name: 'Log diff' });
    const first = diff.querySelectorAll('.cmp-row.is-first');
    expect(first.length).toBeGreaterThan(0);
    expect(first[0]!.getAttribute('aria-label')).toMatch(/^only in [AB]$/);
    const rows = within(diff).getAllByRole('row');
    // The rows before the first difference are the same in both runs.
    const firstIndex = rows.indexOf(first[0] as HTMLElement);
    // The status counts lines from 1.
    expect(firstIndex).toBe(line - 1);
    for (const r of rows.slice(0, firstIndex)) expect(r.className).toContain('cmp-row-same');
    expect(rows.filter((r) => r.getAttribute('aria-label') === 'only in A').length + rows.filter((r) => r.getAttribute('aria-label') === 'only in B').length).toBeGreaterThan(0);
    expect(cmp.getByText(/lines? only one run printed \(marked\)/)).toBeTruthy();
  });

  it('says what is wrong with a bad comparison in a link', async () => {
    const { store } = await renderWithSim(<Compare />);
    await act(async () => store.getState().setCompare('kernel:v9'));
    expect(screen.getByRole('alert').textContent).toMatch(/expected kernel:rfc-v2\|v4\.12\|mainline/);
  });

  it('closes', async () => {
    const { store } = await renderWithSim(<Compare />);
    await act(async () => store.getState().setCompare('seed:8'));
    fireEvent.click(screen.getByRole('button', { name: 'Close compare' }));
    expect(store.getState().compare).toBeNull();
    expect(screen.queryByRole('region', { name: 'Compare two runs' })).toBeNull();
  });
});
