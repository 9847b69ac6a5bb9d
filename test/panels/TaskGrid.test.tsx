// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStore } from '../../src/app/store.ts';
import { useShortcuts } from '../../src/app/useShortcuts.ts';
import { TaskGrid } from '../../src/panels/TaskGrid.tsx';
import { FALLBACK_SIZE } from '../../src/panels/taskgrid/controller.ts';
import { cellAt, cellRect, DEFAULT_FILTERS, layoutGrid, MAX_CELL, MIN_CELL, moveCursor, selectTasks, taskAt } from '../../src/panels/taskgrid/layout.ts';
import type { Filters, GridLayout } from '../../src/panels/taskgrid/layout.ts';
import type { TaskColumns } from '../../src/worker/protocol.ts';
import { renderWithSim } from './harness.tsx';

// ---------------------------------------------------------------------------
// The pure layout: which tasks are drawn, where, and what is under a point.

interface Row {
  readonly comm: string;
  readonly kind: number;
  readonly ps?: number;
  readonly tif?: number;
  readonly run?: number;
}

function table(rows: readonly Row[]): { tasks: TaskColumns; comms: string[] } {
  const n = rows.length;
  const tasks: TaskColumns = {
    count: n,
    pid: Int32Array.from(rows, (_, i) => 100 + i),
    patchState: Int8Array.from(rows, (r) => r.ps ?? -1),
    tif: Uint8Array.from(rows, (r) => r.tif ?? 0),
    run: Uint8Array.from(rows, (r) => r.run ?? 3),
    kind: Uint8Array.from(rows, (r) => r.kind),
    cpu: Int16Array.from(rows, (_, i) => i % 2),
  };
  return { tasks, comms: rows.map((r) => r.comm) };
}

// 0 idle, 1 shell, 2 kworker, 3 user, 4 kthread; run 4 = exited.
const MACHINE = table([
  { comm: 'swapper/0', kind: 0, ps: 1 },
  { comm: 'swapper/1', kind: 0, ps: 0, tif: 1 },
  { comm: 'sh', kind: 1, ps: 1, run: 0 },
  { comm: 'kworker/0:1', kind: 2, ps: 0, tif: 1 },
  { comm: 'bash', kind: 3, ps: 1, run: 1 },
  { comm: 'kworker/1:1', kind: 2, ps: 1 },
  { comm: 'bash', kind: 3, ps: 0, tif: 1, run: 2 },
  { comm: 'bash', kind: 3, ps: 1, run: 4 },
  { comm: 'kauditd', kind: 4, ps: -1 },
]);

const filters = (f: Partial<Filters>): Filters => ({ ...DEFAULT_FILTERS, group: 'none', ...f });
const select = (f: Partial<Filters>) => selectTasks(MACHINE.tasks, MACHINE.comms, filters(f));

/** Every drawn cell as [task index, x, y]. */
const cells = (l: GridLayout) => Array.from(l.order, (task, pos) => [task, cellRect(l, pos)!.x, cellRect(l, pos)!.y]);

describe('selectTasks', () => {
  it('draws every live task in task order, never an exited one', () => {
    const sel = select({});
    expect(Array.from(sel.order)).toEqual([0, 1, 2, 3, 4, 5, 6, 8]);
    expect(sel.exited).toBe(1);
    expect(sel.slot[7]).toBe(-1);
    expect(sel.slot[8]).toBe(7);
    expect(sel.groups).toEqual([{ label: null, start: 0, count: 8 }]);
  });

  it('filters by kind, by state and by name or pid', () => {
    expect(Array.from(select({ kind: 'user' }).order)).toEqual([4, 6]);
    expect(Array.from(select({ kind: 'kworker' }).order)).toEqual([3, 5]);
    expect(Array.from(select({ state: 'patched' }).order)).toEqual([0, 2, 4, 5]);
    expect(Array.from(select({ state: 'unpatched' }).order)).toEqual([1, 3, 6]);
    expect(Array.from(select({ state: 'undefined' }).order)).toEqual([8]);
    expect(Array.from(select({ state: 'pending' }).order)).toEqual([1, 3, 6]);
    expect(Array.from(select({ text: 'BASH' }).order)).toEqual([4, 6]);
    expect(Array.from(select({ text: 'worker/1' }).order)).toEqual([5]);
    expect(Array.from(select({ text: '102' }).order)).toEqual([2]);
    expect(Array.from(select({ text: 'bash', state: 'pending' }).order)).toEqual([6]);
    expect(select({ text: 'nothing-like-it' }).order.length).toBe(0);
  });

  it('groups by name (the comm before any "/"), in order of first appearance', () => {
    const sel = select({ group: 'name' });
    expect(sel.groups.map((g) => [g.label, g.count])).toEqual([
      ['swapper', 2],
      ['sh', 1],
      ['kworker', 2],
      ['bash', 2],
      ['kauditd', 1],
    ]);
    expect(Array.from(sel.order)).toEqual([0, 1, 2, 3, 5, 4, 6, 8]);
  });

  it('groups by kind and by state, pending tasks before settled ones', () => {
    expect(select({ group: 'kind' }).groups.map((g) => g.label)).toEqual(['idle', 'shell', 'kworker', 'user', 'kthread']);
    const byState = select({ group: 'state' });
    expect(byState.groups.map((g) => [g.label, g.count])).toEqual([
      ['undefined', 1],
      ['unpatched, pending', 3],
      ['patched', 4],
    ]);
    expect(Array.from(byState.order)).toEqual([8, 1, 3, 6, 0, 2, 4, 5]);
  });
});

describe('layoutGrid', () => {
  it('puts cells row by row at the biggest size that fits', () => {
    // 18 px cells, a 6 px gap and 5 px of padding: four columns in 100 px.
    const l = layoutGrid(select({}), 100, 200);
    expect(l.cell).toBe(MAX_CELL);
    expect(l.pitch).toBe(24);
    expect(cells(l)).toEqual([
      [0, 5, 5],
      [1, 29, 5],
      [2, 53, 5],
      [3, 77, 5],
      [4, 5, 29],
      [5, 29, 29],
      [6, 53, 29],
      [8, 77, 29],
    ]);
    expect(l.height).toBeLessThanOrEqual(200);
  });

  it('shrinks the cells to fit the viewport, and to 2 px (scrolling) for 100,000 tasks', () => {
    const many = (n: number) => table(Array.from({ length: n }, (_, i) => ({ comm: 'worker', kind: 3, ps: i % 3 === 0 ? 1 : 0 })));
    const short = layoutGrid(select({}), 100, 40);
    expect(short.cell).toBeLessThan(MAX_CELL);
    expect(short.height).toBeLessThanOrEqual(40);

    const ten = many(10_000);
    const l10 = layoutGrid(selectTasks(ten.tasks, ten.comms, filters({})), 480, 400);
    expect(l10.height).toBeLessThanOrEqual(400);
    expect(l10.cell).toBeGreaterThanOrEqual(MIN_CELL);
    expect(l10.cell).toBeLessThanOrEqual(4);
    expect(l10.metrics.markers).toBe(false);

    const hundred = many(100_000);
    const l100 = layoutGrid(selectTasks(hundred.tasks, hundred.comms, filters({})), 480, 400);
    expect(l100.cell).toBe(MIN_CELL);
    expect(l100.order.length).toBe(100_000);
    expect(l100.height).toBeGreaterThan(400);
    const last = cellRect(l100, 99_999)!;
    expect(last.y + last.size).toBeLessThanOrEqual(l100.height);
  });

  it('sets small groups side by side under their captions, big ones on rows of their own', () => {
    const l = layoutGrid(select({ group: 'name' }), 320, 240);
    const [swapper, sh, kworker] = l.groups;
    expect(swapper!.caption).toBe('swapper  2');
    expect(sh!.labelY).toBe(swapper!.labelY);
    expect(sh!.x).toBeGreaterThan(swapper!.x + 2 * l.pitch - l.metrics.gap);
    expect(kworker!.top).toBeGreaterThan(kworker!.labelY);
    // No two cells overlap.
    const seen = new Set(cells(l).map(([, x, y]) => `${x},${y}`));
    expect(seen.size).toBe(l.order.length);

    const big = table(Array.from({ length: 30 }, (_, i) => ({ comm: i < 25 ? 'worker' : 'cron', kind: 3 })));
    const lb = layoutGrid(selectTasks(big.tasks, big.comms, filters({ group: 'name' })), 150, 1000);
    expect(lb.groups[0]!.rows).toBeGreaterThan(1);
    expect(lb.groups[1]!.labelY).toBeGreaterThanOrEqual(lb.groups[0]!.top + lb.groups[0]!.rows * lb.pitch);
  });

  it('hit-tests a point to the task drawn there', () => {
    for (const group of ['none', 'name', 'state'] as const) {
      const l = layoutGrid(select({ group }), 320, 240);
      l.order.forEach((task, pos) => {
        const r = cellRect(l, pos)!;
        expect(taskAt(l, r.x + r.size / 2, r.y + r.size / 2)).toBe(task);
        expect(cellAt(l, r.x, r.y)).toBe(pos);
      });
    }
    const l = layoutGrid(select({ group: 'name' }), 320, 240);
    expect(taskAt(l, l.groups[0]!.x + 2, l.groups[0]!.labelY + 4)).toBe(-1);
    expect(taskAt(l, 310, 230)).toBe(-1);
    expect(taskAt(l, -5, -5)).toBe(-1);
  });
});

describe('moveCursor', () => {
  it('moves along the drawing order with Left/Right/Home/End and between drawn rows with Up/Down', () => {
    const l = layoutGrid(select({}), 100, 200); // 4 columns, 2 rows
    expect(moveCursor(l, -1, 'ArrowRight')).toBe(0);
    expect(moveCursor(l, 3, 'ArrowRight')).toBe(4);
    expect(moveCursor(l, 7, 'ArrowRight')).toBe(7);
    expect(moveCursor(l, 0, 'ArrowLeft')).toBe(0);
    expect(moveCursor(l, 1, 'ArrowDown')).toBe(5);
    expect(moveCursor(l, 6, 'ArrowUp')).toBe(2);
    expect(moveCursor(l, 2, 'ArrowUp')).toBe(2);
    expect(moveCursor(l, 5, 'Home')).toBe(0);
    expect(moveCursor(l, 0, 'End')).toBe(7);
  });

  it('goes down into the group drawn below, at the nearest column', () => {
    const l = layoutGrid(select({ group: 'name' }), 140, 400);
    const from = 0;
    const to = moveCursor(l, from, 'ArrowDown');
    expect(cellRect(l, to)!.y).toBeGreaterThan(cellRect(l, from)!.y);
    expect(moveCursor(l, to, 'ArrowUp')).toBe(from);
  });
});

// ---------------------------------------------------------------------------
// The panel with the real simulation.

beforeEach(() => {
  // What jsdom does anyway (no canvas package), without its console error.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function WithShortcuts(props: { readonly children: ReactNode }) {
  useShortcuts();
  return <>{props.children}</>;
}

const grid = () => screen.getByRole('application', { name: /tasks:/ });
/** The grid once it has painted the first frame. */
const painted = () => screen.findByRole('application', { name: /tasks:/ });

function frameOf(store: AppStore) {
  const f = store.getState().frame;
  if (f === null) throw new Error('no frame');
  return f;
}

/** The layout the panel draws now, at the size it assumes in jsdom. */
function layoutOf(store: AppStore, f: Partial<Filters> = {}): GridLayout {
  const s = store.getState();
  return layoutGrid(selectTasks(frameOf(store).tasks, s.comms, { ...DEFAULT_FILTERS, ...f }), FALLBACK_SIZE.width, FALLBACK_SIZE.height);
}

describe('<TaskGrid>', () => {
  it('is a named region with a focusable grid and a legend in words', async () => {
    await renderWithSim(<TaskGrid />);
    await painted();
    const region = screen.getByRole('region', { name: 'Task grid' });
    expect(within(region).getByRole('application').tagName).toBe('CANVAS');
    expect(grid().tabIndex).toBe(0);
    const legend = within(region).getByRole('list', { name: /patch state/ });
    expect(legend.textContent).toMatch(/undefined.*hollow/);
    expect(legend.textContent).toMatch(/unpatched.*hatched/);
    expect(legend.textContent).toMatch(/patched.*solid/);
    const markers = within(region).getByRole('list', { name: /run state/ }).textContent;
    expect(markers).toMatch(/ring.*TIF_PATCH_PENDING/);
    for (const word of ['running', 'runnable', 'sleeping', 'in user space']) expect(markers).toContain(word);
  });

  it("names the grid with the frame's counts, and follows them as time moves", async () => {
    const { store, send } = await renderWithSim(<TaskGrid />);
    const expectCounts = async () => {
      const f = frameOf(store);
      const c = f.globals.counts;
      // The same counts, from the task columns the grid draws.
      let live = 0;
      const by = [0, 0, 0];
      let pending = 0;
      for (let i = 0; i < f.tasks.count; i++) {
        if (f.tasks.run[i] === 4) continue;
        live++;
        by[f.tasks.patchState[i]! + 1]!++;
        pending += f.tasks.tif[i]!;
      }
      expect([live, ...by, pending]).toEqual([c.live, c.undefined, c.unpatched, c.patched, c.pending]);
      await waitFor(() => expect(grid().getAttribute('aria-label')).toContain(`${c.live} tasks: ${c.undefined} undefined, ${c.unpatched} unpatched, ${c.patched} patched, ${c.pending} pending.`));
      return c;
    };
    expect((await expectCounts()).undefined).toBe(19);
    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    expect((await expectCounts()).pending).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) await send({ type: 'step', unit: 'switch', direction: 1 });
    expect((await expectCounts()).patched).toBeGreaterThan(0);
  });

  it('filters by kind, state and name, and says how many it shows', async () => {
    const { store } = await renderWithSim(<TaskGrid />);
    const users = layoutOf(store, { kind: 'user' }).order.length;
    expect(users).toBe(9);
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'user' } });
    await waitFor(() => expect(grid().getAttribute('aria-label')).toContain(`Showing ${users} that match the filters.`));
    expect(screen.getByText(`${users} of 19 tasks`)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'all' } });
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'kworker' } });
    await waitFor(() => expect(screen.getByText('4 of 19 tasks')).toBeTruthy());
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'patched' } });
    await waitFor(() => expect(screen.getByText('0 of 19 tasks')).toBeTruthy());
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'all' } });
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: '' } });
    await waitFor(() => expect(screen.getByText('19 tasks')).toBeTruthy());
    expect(grid().getAttribute('aria-label')).not.toContain('Showing');
  });

  it('selects the task under a click', async () => {
    const { store } = await renderWithSim(<TaskGrid />);
    await painted();
    const f = frameOf(store);
    const slowcat = store.getState().comms.indexOf('slowcat');
    const l = layoutOf(store);
    const r = cellRect(l, l.slot[slowcat]!)!;
    fireEvent.click(grid(), { clientX: r.x + r.size / 2, clientY: r.y + r.size / 2 });
    await waitFor(() => expect(frameOf(store).selected?.pid).toBe(f.tasks.pid[slowcat]));
    expect(frameOf(store).selected?.comm).toBe('slowcat');
    // A click between groups selects nothing new.
    fireEvent.click(grid(), { clientX: FALLBACK_SIZE.width - 2, clientY: FALLBACK_SIZE.height - 2 });
    await act(async () => {});
    expect(frameOf(store).selected?.comm).toBe('slowcat');
  });

  it('shows the task under the pointer in a tooltip', async () => {
    const { store } = await renderWithSim(<TaskGrid />);
    await painted();
    const l = layoutOf(store);
    const sh = store.getState().comms.indexOf('sh');
    const r = cellRect(l, l.slot[sh]!)!;
    fireEvent.pointerMove(grid(), { clientX: r.x + 3, clientY: r.y + 3 });
    const tip = await screen.findByRole('tooltip');
    expect(tip.textContent).toContain(`sh:${frameOf(store).tasks.pid[sh]}`);
    expect(tip.textContent).toContain('shell · undefined');
    expect(tip.textContent).toMatch(/CPU 0/);
    fireEvent.pointerLeave(grid());
    await waitFor(() => expect(screen.queryByRole('tooltip')).toBeNull());
  });

  it('moves a cursor with the arrow keys, selects with Enter, and keeps those keys from the page shortcuts', async () => {
    const { store } = await renderWithSim(
      <WithShortcuts>
        <TaskGrid />
      </WithShortcuts>,
    );
    const canvas = await painted();
    act(() => canvas.focus());
    const l = layoutOf(store);
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    fireEvent.keyDown(canvas, { key: 'ArrowDown' });
    const at = moveCursor(l, moveCursor(l, moveCursor(l, 0, 'ArrowRight'), 'ArrowRight'), 'ArrowDown');
    const task = l.order[at]!;
    const pid = frameOf(store).tasks.pid[task];
    await waitFor(() => expect(document.getElementById(canvas.getAttribute('aria-describedby')!)?.textContent).toContain(`${store.getState().comms[task]}:${pid}`));
    fireEvent.keyDown(canvas, { key: 'Enter' });
    await waitFor(() => expect(frameOf(store).selected?.pid).toBe(pid));
    // The arrows did not step time: the global shortcut never saw them.
    expect(frameOf(store).step).toBe(0);
    // Elsewhere, the same key still steps.
    act(() => canvas.blur());
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    await waitFor(() => expect(frameOf(store).step).toBeGreaterThan(0));
    // Escape on the grid clears the selection.
    act(() => canvas.focus());
    fireEvent.keyDown(canvas, { key: 'Escape' });
    await waitFor(() => expect(frameOf(store).selected).toBeNull());
  });

  it('draws grouped by name by default and regroups on request', async () => {
    await renderWithSim(<TaskGrid />);
    const group = screen.getByLabelText<HTMLSelectElement>('Group by');
    expect(group.value).toBe('name');
    fireEvent.change(group, { target: { value: 'state' } });
    expect(group.value).toBe('state');
    // Regrouping does not hide anything.
    await waitFor(() => expect(screen.getByText('19 tasks')).toBeTruthy());
  });
});
