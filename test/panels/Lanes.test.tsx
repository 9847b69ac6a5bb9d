// @vitest-environment jsdom
// The timeline's lanes: one per CPU, one per pinned task (pinned from the
// grid's own control, or automatically for a tour stop's spotlight tasks),
// each group collapsing and expanding; with 10,000 tasks only pinned lanes.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useSpotlightArrival } from '../../src/app/spotlight.ts';
import { StoreProvider } from '../../src/app/store.ts';
import type { AppStore } from '../../src/app/store.ts';
import { inProcessClient } from '../../src/app/inProcessClient.ts';
import { Lanes } from '../../src/panels/timeline/lanes/Lanes.tsx';
import { GridPinButton } from '../../src/panels/taskgrid/PinButton.tsx';
import { cpuLane } from '../../src/panels/timeline/lanes/geometry.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

/** The lanes on a plain time axis: 100 px per simulated second from x = 60. */
function LanesOnScale() {
  return <Lanes px={(p) => 60 + (p.time / 1e6) * 100} left={60} right={900} width={920} end={{ step: 1e9, time: 6_000_000 }} step={0} now={0} onSeek={() => undefined} />;
}

const cpuLanes = () => document.querySelectorAll('[data-testid="lanes"] .lane-cpu');
const taskLanes = () => [...document.querySelectorAll<SVGGElement>('[data-testid="lanes"] .lane-task')].map((g) => Number(g.getAttribute('data-task')));

describe('lanes', () => {
  it('draws one lane per CPU, one per pinned task, and each group collapses and expands', async () => {
    const { store, send } = await renderWithSim(
      <>
        <GridPinButton />
        <LanesOnScale />
      </>,
    );
    await send({ type: 'jump', to: 'end' });
    const ncpu = store.getState().frame!.cpus.length;
    expect(cpuLanes()).toHaveLength(ncpu);
    // The CPU lanes' stretches are on a canvas under the names (cpuLane's shapes, tested below).
    expect(document.querySelector('[data-testid="lanes"] canvas.lanes-canvas')).not.toBeNull();
    expect([...cpuLanes()].map((g) => g.textContent)).toEqual(Array.from({ length: ncpu }, (_, i) => `CPU ${i}`));
    expect(taskLanes()).toEqual([]);

    // The grid's pin control: disabled until a task is selected, then pins its lane.
    const noneSelected = screen.getByRole('button', { name: 'Pin the selected task (none selected)' });
    expect((noneSelected as HTMLButtonElement).disabled).toBe(true);
    const slowcat = store.getState().comms.indexOf('slowcat');
    await send({ type: 'select', task: slowcat });
    const pin = screen.getByRole('button', { name: `Pin the lane of slowcat (pid ${store.getState().frame!.tasks.pid[slowcat]})` });
    expect(pin.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(pin);
    await flush();
    expect(pin.getAttribute('aria-pressed')).toBe('true');
    expect(taskLanes()).toEqual([slowcat]);
    // Its lane has its switch mark, at the step of its switch.
    const history = store.getState().frame!.selected!.history.map((r) => r.step);
    const marks = [...document.querySelectorAll(`.lane-task[data-task="${slowcat}"] [data-step]`)].map((m) => Number(m.getAttribute('data-step')));
    expect(marks).toEqual(history);
    expect(history.length).toBeGreaterThan(0);

    // Collapse and expand, group by group.
    const cpus = screen.getByRole('button', { name: new RegExp(`CPU lanes \\(${ncpu}\\)`) });
    const tasks = screen.getByRole('button', { name: /Pinned tasks \(1\)/ });
    expect(cpus.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(cpus);
    expect(cpus.getAttribute('aria-expanded')).toBe('false');
    expect(cpuLanes()).toHaveLength(0);
    expect(taskLanes()).toEqual([slowcat]);
    fireEvent.click(tasks);
    expect(tasks.getAttribute('aria-expanded')).toBe('false');
    expect(taskLanes()).toEqual([]);
    fireEvent.click(cpus);
    fireEvent.click(tasks);
    expect(cpuLanes()).toHaveLength(ncpu);
    expect(taskLanes()).toEqual([slowcat]);

    // Unpinning from the grid (or the lane's own button) takes the lane away.
    fireEvent.click(pin);
    await flush();
    expect(taskLanes()).toEqual([]);
    await send({ type: 'pin', task: slowcat, on: true });
    fireEvent.click(screen.getByRole('button', { name: /^Unpin slowcat/ }));
    await flush();
    expect(taskLanes()).toEqual([]);
  });

  it('with 10,000 tasks draws no CPU lane, only the pinned ones', async () => {
    const doc = { format: 'klpscope/1', name: 'many', kernel: 'mainline', machine: { cpus: 8 }, tasks: [{ comm: 'w', count: 10_000, syscalls: ['getpid'] }], script: ['insmod test_klp_livepatch.ko'] };
    const { store, send } = await renderWithSim(<LanesOnScale />, doc);
    expect(store.getState().frame!.tasks.count).toBeGreaterThanOrEqual(10_000);
    expect(cpuLanes()).toHaveLength(0);
    expect(screen.getByText(/only pinned lanes are drawn/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: /CPU lanes/ }).disabled).toBe(true);
    await send({ type: 'pin', task: 42, on: true });
    await send({ type: 'pin', task: 4242, on: true });
    expect(taskLanes()).toEqual([42, 4242]);
  });
});

/** The page's hook that acts on arriving at a tour stop, beside the lanes. */
function TourLanes() {
  useSpotlightArrival();
  return <LanesOnScale />;
}

describe("a tour stop's spotlight", () => {
  it('pins its tasks, so their lanes appear', async () => {
    let store: AppStore | undefined;
    render(
      <StoreProvider client={inProcessClient} onStore={(s) => (store = s)}>
        <TourLanes />
      </StoreProvider>,
    );
    await flush();
    const s = store!;
    // Stop 1 of "Your first livepatch" spotlights slowcat.
    await act(async () => s.getState().load({ preset: 'first-livepatch', tour: 0 }));
    for (let i = 0; i < 4; i++) await flush();
    const slowcat = s.getState().comms.indexOf('slowcat');
    expect(s.getState().meta?.tour?.[0]?.spotlight?.tasks).toEqual(['slowcat']);
    expect(s.getState().frame!.lanes.pinned).toEqual([slowcat]);
    expect(taskLanes()).toEqual([slowcat]);
    // Stop 3 spotlights kauditd: pinned beside slowcat.
    await act(async () => s.getState().send({ type: 'tour', stop: 2 }));
    for (let i = 0; i < 4; i++) await flush();
    expect(s.getState().meta?.tour?.[2]?.spotlight?.tasks).toEqual(['kauditd']);
    const kauditd = s.getState().comms.indexOf('kauditd');
    expect(s.getState().frame!.lanes.pinned).toEqual([slowcat, kauditd]);
    expect(taskLanes()).toEqual([slowcat, kauditd]);
  });
});

describe('cpuLane (the CPU lanes canvas draws these)', () => {
  const w = { px: (p: { readonly time: number }) => 100 + (p.time / 1e6) * 100, left: 100, right: 1100, end: { step: 1e9, time: 10_000_000 } };
  // Kinds: 0 idle, 1 shell, 3 user; task 1 is a shell, tasks 2 and 3 user tasks, task 0 idle.
  const kinds = [0, 1, 3, 3];
  const run = (step: number, timeS: number, task: number) => ({ step, time: timeS * 1e6, cpu: 0, task });

  it('fills each stretch by the kind of its task, merges touching stretches of one kind, leaves idle empty, and ticks each switch', () => {
    const shape = cpuLane([run(0, 0, 0), run(1, 1, 2), run(2, 2, 3), run(3, 3, 1), run(4, 4, 0), run(5, 5, -1)], (t) => kinds[t] ?? 3, w);
    // Tasks 2 and 3 (both user) run 1 s..3 s: one stretch, 200..400 px.
    expect(shape.fills.user).toEqual([200, 400]);
    expect(shape.fills.shell).toEqual([400, 500]);
    // Offline from 5 s to the end of the trace (10 s).
    expect(shape.fills.offline).toEqual([600, 1100]);
    expect(shape.fills).not.toHaveProperty('idle');
    expect(shape.switches).toEqual([200, 300, 400, 500, 600]);
    // Every stretch of 100 px is wide enough to name its task.
    expect(shape.labels.map((l) => l.task)).toEqual([2, 3, 1]);
  });

  it('leaves out stretches under half a pixel and ticks at most once a pixel', () => {
    // A thousand switches within one pixel (10 ms), the last task running on to the end of the trace.
    const many = Array.from({ length: 1000 }, (_, i) => run(i, 2 + i * 1e-5, 2 + (i % 2)));
    const shape = cpuLane(many, (t) => kinds[t] ?? 3, w);
    expect(shape.switches).toHaveLength(1);
    expect(shape.fills.user).toHaveLength(2);
    expect(shape.fills.user?.[0]).toBeCloseTo(300.999, 3);
    expect(shape.fills.user?.[1]).toBe(1100);
    // Outside the window: nothing.
    const out = cpuLane(many, (t) => kinds[t] ?? 3, { ...w, left: 400, right: 500, end: { step: 1e9, time: 3e6 } });
    expect(out).toEqual({ fills: {}, switches: [], labels: [] });
  });
});
