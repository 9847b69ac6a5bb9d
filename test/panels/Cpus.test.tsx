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

/** Each CPU's row drawn says what the frame says about its idle task and its current task (all rows, unless only some are drawn). */
function expectRowsMatch(store: AppStore, some = false) {
  const f = frameOf(store);
  const drawn = document.querySelectorAll('tbody tr:not(.cpu-spacer)');
  if (!some) expect(drawn).toHaveLength(f.cpus.length);
  for (const tr of drawn) {
    const c = f.cpus[Number(tr.querySelector('th')?.textContent)];
    if (c === undefined) throw new Error('a row for no CPU');
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

  it('fits a 64-CPU machine in one scrollable table, every row reached by scrolling', async () => {
    const scenario = {
      format: 'klpscope/1',
      name: 'many cpus',
      machine: { cpus: 64, offline: [5] },
      tasks: [{ comm: 'worker', count: 200 }],
    };
    const { store } = await renderWithSim(<Cpus />, scenario);
    expect(frameOf(store).cpus).toHaveLength(64);
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('65');
    const body = screen.getByRole('table').closest('.panel-body');
    if (!(body instanceof HTMLElement)) throw new Error('no panel body');
    const labels = new Map<number, string | null>();
    for (let top = 0; top <= 64 * 27; top += 200) {
      body.scrollTop = top;
      fireEvent.scroll(body);
      expectRowsMatch(store, true);
      for (const b of document.querySelectorAll('tbody button')) labels.set(Number(b.closest('tr')?.querySelector('th')?.textContent), b.getAttribute('aria-label'));
    }
    expect([...labels].sort((a, b) => a[0] - b[0]).map(([, l]) => l)).toEqual(Array.from({ length: 64 }, (_, n) => (n === 5 ? 'Bring CPU 5 online' : `Take CPU ${n} offline`)));
    expect(screen.getByText('63 of 64 online')).toBeTruthy();
  });
});

describe('<CPUs> on a machine of more than 16 CPUs', () => {
  const scenario = { format: 'klpscope/1', name: 'big machine', machine: { cpus: 256 }, tasks: [{ comm: 'worker', count: 300 }] };
  const drawn = () => Array.from(document.querySelectorAll('tbody tr:not(.cpu-spacer)'), (tr) => Number(tr.querySelector('th')?.textContent));

  it('draws only the rows in view, tells screen readers where they are in the whole table, and follows the scroll', async () => {
    const { store } = await renderWithSim(<Cpus />, scenario);
    expect(frameOf(store).cpus).toHaveLength(256);
    const table = screen.getByRole('table');
    expect(table.getAttribute('aria-rowcount')).toBe('257');
    const first = drawn();
    expect(first[0]).toBe(0);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(40);
    expect(first).toEqual(Array.from({ length: first.length }, (_, i) => i));
    // Each drawn row is as complete as in a small table, and knows its place.
    expect(row(3).getAttribute('aria-rowindex')).toBe('5');
    expect(row(3).textContent).toContain('swapper/3');
    expect(screen.getByText('256 of 256 online')).toBeTruthy();
    // What stands in for the rows not drawn is hidden from screen readers.
    const spacers = document.querySelectorAll('tbody tr.cpu-spacer');
    expect(spacers).toHaveLength(1);
    expect(spacers[0]!.getAttribute('aria-hidden')).toBe('true');

    // Scrolled down the panel's body: the rows there are drawn, the first ones are not.
    const body = table.closest('.panel-body');
    if (!(body instanceof HTMLElement)) throw new Error('no panel body');
    body.scrollTop = 200 * 27;
    fireEvent.scroll(body);
    await waitFor(() => expect(drawn()).toContain(200));
    expect(drawn()).not.toContain(0);
    expect(row(200).getAttribute('aria-rowindex')).toBe('202');
    expect(screen.getByRole('button', { name: 'Take CPU 200 offline' })).toBeTruthy();
    expect(document.querySelectorAll('tbody tr.cpu-spacer')).toHaveLength(2);
  });
});
