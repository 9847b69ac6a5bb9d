// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStore } from '../../src/app/store.ts';
import { Cpus } from '../../src/panels/Cpus.tsx';
import { renderWithSim } from './harness.tsx';

afterEach(cleanup);

function frameOf(store: AppStore) {
  const f = store.getState().frame;
  if (f === null) throw new Error('no frame');
  return f;
}

const STATE = { [-1]: 'undefined', 0: 'unpatched', 1: 'patched' } as Record<number, string>;

/** The table row of CPU `n` (plain DOM queries: role queries over 64 rows are slow in jsdom). */
function row(n: number): HTMLElement {
  const r = Array.from(document.querySelectorAll('tbody tr')).find((tr) => tr.querySelector('th')?.textContent === String(n));
  if (!(r instanceof HTMLElement)) throw new Error(`no row for CPU ${n}`);
  return r;
}

/** Each CPU's row says what the frame says about its idle task and its current task. */
function expectRowsMatch(store: AppStore) {
  const f = frameOf(store);
  expect(document.querySelectorAll('tbody tr')).toHaveLength(f.cpus.length);
  for (const c of f.cpus) {
    const text = row(c.cpu).textContent ?? '';
    expect(text).toContain(`swapper/${c.cpu}`);
    expect(text).toContain(`${STATE[c.idle.patchState]}${c.idle.pending ? ', pending' : ''}`);
    if (!c.idle.pending) expect(text).not.toContain('pending');
    if (!c.online) expect(text).toContain('offline');
    else if (c.curr !== null) expect(text).toContain(c.curr.name);
    else expect(text).toContain('idle');
    expect(Array.from(row(c.cpu).querySelectorAll('td')).at(-2)?.textContent).toBe(String(c.queued));
  }
}

describe('<CPUs>', () => {
  it('lists every CPU with what runs on it and its idle task in the patch state of the frame', async () => {
    const { store, send } = await renderWithSim(<Cpus />);
    const region = screen.getByRole('region', { name: 'CPUs' });
    expect(within(region).getByRole('table')).toBeTruthy();
    expect(frameOf(store).cpus).toHaveLength(4);
    expectRowsMatch(store);
    expect(row(1).textContent).toContain('undefined');

    // Into the transition: the idle tasks become unpatched with TIF_PATCH_PENDING set.
    for (let i = 0; i < 3; i++) await send({ type: 'step', unit: 'livepatch', direction: 1 });
    const idle = frameOf(store).cpus.map((c) => c.idle);
    expect(idle.some((t) => t.pending)).toBe(true);
    expectRowsMatch(store);
    expect(row(1).textContent).toContain('unpatched, pending');

    // Past the end, where klp_complete_transition has reset every task to undefined.
    await send({ type: 'jump', to: 'end' });
    expect(frameOf(store).cpus.every((c) => c.idle.patchState === -1 && !c.idle.pending)).toBe(true);
    expectRowsMatch(store);
    expect(row(1).textContent).not.toContain('pending');
  });

  it('takes a CPU offline and back online through the shell; CPU 0 cannot go', async () => {
    const { store } = await renderWithSim(<Cpus />);
    expect((screen.getByRole<HTMLButtonElement>('button', { name: 'Take CPU 0 offline' })).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Take CPU 2 offline' }));
    await waitFor(() => expect(frameOf(store).cpus[2]!.online).toBe(false));
    expect(frameOf(store).actions.map((a) => a.text)).toContain('echo 0 > /sys/devices/system/cpu/cpu2/online');
    expect(frameOf(store).cpus.filter((c) => c.online)).toHaveLength(3);
    expect(row(2).textContent).toContain('offline');
    expect(screen.getByText('3 of 4 online')).toBeTruthy();
    expectRowsMatch(store);

    // An action ends where its command does: the next one starts no new branch.
    expect(frameOf(store).computed).toBe(frameOf(store).step);
    fireEvent.click(screen.getByRole('button', { name: 'Bring CPU 2 online' }));
    expect(store.getState().pendingAct).toBeNull();
    await waitFor(() => expect(frameOf(store).cpus[2]!.online).toBe(true));
    expect(frameOf(store).actions.at(-1)?.text).toBe('echo 1 > /sys/devices/system/cpu/cpu2/online');
    expect(screen.getByRole('button', { name: 'Take CPU 2 offline' })).toBeTruthy();
  });

  it('fits a 64-CPU machine in one scrollable table', async () => {
    const scenario = {
      format: 'klpscope/1',
      name: 'many cpus',
      machine: { cpus: 64, offline: [5] },
      tasks: [{ comm: 'worker', count: 200 }],
    };
    const { store } = await renderWithSim(<Cpus />, scenario);
    expect(frameOf(store).cpus).toHaveLength(64);
    const labels = Array.from(document.querySelectorAll('tbody button'), (b) => b.getAttribute('aria-label'));
    expect(labels).toEqual(Array.from({ length: 64 }, (_, n) => (n === 5 ? 'Bring CPU 5 online' : `Take CPU ${n} offline`)));
    expect(screen.getByRole('button', { name: 'Bring CPU 5 online' })).toBeTruthy();
    expect(screen.getByText('63 of 64 online')).toBeTruthy();
    expectRowsMatch(store);
  });
});
