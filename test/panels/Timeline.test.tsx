// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { options } from 'preact';
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Timeline } from '../../src/panels/Timeline.tsx';
import { flush, renderWithSim } from './harness.tsx';
import { nearestStep, scrubPoints } from '../../src/panels/timeline/nearest.ts';
import type { ScrubPoint } from '../../src/panels/timeline/nearest.ts';
import {
  DEFAULT_WIDTH,
  MIN_SPAN_US,
  countScale,
  decimate,
  heldSamples,
  layout,
  maxZoom,
  placeMarks,
  stackSamples,
  timeScale,
  timeTicks,
  traceEndTime,
} from '../../src/panels/timeline/scales.ts';
import { frameThrottle } from '../../src/panels/timeline/throttle.ts';
import { createFrameScheduler } from '../../src/app/frames.ts';
import { wheelDelta, zoomFilter } from '../../src/panels/timeline/zoom.ts';
import { isFault, isGivenUp, markLabel } from '../../src/panels/timeline/marks.ts';
import { countLabel } from '../../src/panels/timeline/parts.tsx';
import { FOCUS_MAX_SHARE, firstPassWindow } from '../../src/panels/timeline/focus.ts';
import { commandForKey } from '../../src/app/commands.ts';
import type { Milestone, Sample } from '../../src/worker/protocol.ts';
import signalsAndForce from '../scenarios/08-mainline-signals-and-force.json';

afterEach(cleanup);

const sample = (step: number, time: number, c: Partial<Sample> = {}): Sample => ({ step, time, undefined: 0, unpatched: 0, patched: 0, pending: 0, ...c });
const milestone = (step: number, time: number, kind: Milestone['kind'] = 'command', label = `m${step}`): Milestone => ({ step, time, kind, label });

describe('timeline scales', () => {
  it('lays out a plot between the margins and a height that fits under a 768 px screen', () => {
    const l = layout(1000);
    expect(l.width).toBe(1000);
    expect(l.plotLeft).toBeGreaterThan(0);
    expect(l.plotRight).toBeLessThan(1000);
    expect(l.areaBottom).toBeLessThan(l.milestoneY);
    expect(l.milestoneY).toBeLessThan(l.violationY);
    expect(l.height).toBeGreaterThanOrEqual(120);
    expect(l.height).toBeLessThanOrEqual(160);
    // Too narrow a panel still leaves a plot.
    expect(layout(0).plotRight - layout(0).plotLeft).toBeGreaterThan(0);
  });

  it('lays out a compact plot for a short window: the same parts in order, 134 px high, the axis title under its tick labels', () => {
    const full = layout(1000);
    const l = layout(1000, true);
    expect(l.height).toBe(134);
    expect(l.height).toBeLessThan(full.height);
    expect([l.areaTop, l.areaBottom, l.milestoneY, l.violationY, l.plotBottom, l.titleY, l.height]).toEqual([...[l.areaTop, l.areaBottom, l.milestoneY, l.violationY, l.plotBottom, l.titleY, l.height]].sort((a, b) => a - b));
    // Tick labels hang 6 px under the axis, 11 px type: the title's baseline is below them, inside the plot.
    expect(l.titleY - l.axisY).toBeGreaterThanOrEqual(6 + 11 + 7);
    expect(l.titleY).toBeLessThanOrEqual(l.height - 3);
    expect([l.plotLeft, l.plotRight]).toEqual([full.plotLeft, full.plotRight]);
  });

  it("writes large task counts short enough to clear the axis's name", () => {
    expect(countLabel(19)).toBe('19');
    expect(countLabel(10_129)).toBe('10,129');
    expect(countLabel(200_129)).toBe('200.1K');
    expect(countLabel(1_000_000)).toBe('1M');
  });

  it('maps 0 .. end of the trace (in seconds) onto the plot', () => {
    const l = layout(DEFAULT_WIDTH);
    const x = timeScale(4_000_000, l);
    expect(x.domain()).toEqual([0, 4]);
    expect(x(0)).toBe(l.plotLeft);
    expect(x(4)).toBe(l.plotRight);
    // A trace all at 0 s still gets an axis.
    expect(timeScale(0, l).domain()).toEqual([0, MIN_SPAN_US / 1e6]);
  });

  it('labels time ticks in seconds', () => {
    const l = layout(DEFAULT_WIDTH);
    const ticks = timeTicks(timeScale(4_000_000, l), l.plotRight - l.plotLeft);
    expect(ticks[0]!.value).toBe(0);
    expect(ticks[0]!.label).toMatch(/^0(\.0)? s$/);
    expect(ticks.at(-1)?.label).toBe('4 s');
    expect(ticks.every((t) => t.label.endsWith(' s'))).toBe(true);
    // Labels keep their distance: at most one per 75 px of plot.
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil((l.plotRight - l.plotLeft) / 75) + 1);
    expect(timeTicks(timeScale(0, l), l.plotRight - l.plotLeft, 0)).toEqual([{ value: 0, label: '0 s' }]);
  });

  it('takes the end of the trace from the series and the times it is given', () => {
    expect(traceEndTime([], [])).toBe(0);
    expect(traceEndTime([sample(0, 0), sample(5, 300)], [milestone(7, 500)], 200)).toBe(500);
    expect(traceEndTime([sample(0, 0)], [], 10, 900)).toBe(900);
  });

  it('holds the last sample until the end of the trace and stacks patched, unpatched, undefined', () => {
    const samples = [sample(0, 0, { undefined: 5 }), sample(3, 100, { unpatched: 2, patched: 3, pending: 2 })];
    const held = heldSamples(samples, 400);
    expect(held).toHaveLength(3);
    expect(held[2]).toMatchObject({ time: 400, unpatched: 2, patched: 3 });
    expect(heldSamples(samples, 100)).toBe(samples);
    const series = stackSamples(held);
    expect(series.map((s) => s.key)).toEqual(['patched', 'unpatched', 'undefined']);
    // At the second sample: patched 0..3, unpatched 3..5, undefined 5..5.
    expect([...series[0]![1]!]).toEqual([0, 3]);
    expect([...series[1]![1]!]).toEqual([3, 5]);
    expect([...series[2]![1]!]).toEqual([5, 5]);
    expect(countScale(samples, layout(DEFAULT_WIDTH)).domain()).toEqual([0, 5]);
  });

  it('keeps at most the first and last sample of each pixel column in view', () => {
    const x = (p: { time: number }) => p.time / 10; // 10 µs per px
    const many = Array.from({ length: 1000 }, (_, i) => sample(i, i, { patched: i })); // 0..999 µs: px 0..99.9
    const kept = decimate(many, x, 0, 100);
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept[0]).toBe(many[0]);
    expect(kept.at(-1)).toBe(many[999]);
    // Each column keeps its first and last sample, in order.
    expect(kept.slice(0, 4).map((k) => k.step)).toEqual([0, 9, 10, 19]);
    // Zoomed to px 50..60: the last sample before, the columns, and the first one after.
    const window = decimate(many, x, 50, 60);
    expect(window[0]!.step).toBe(500);
    expect(window.at(-1)!.step).toBe(601);
    expect(window.length).toBeLessThanOrEqual(2 * 12 + 1);
    const two = [sample(0, 0), sample(1, 5)];
    expect(decimate(two, x, 0, 100)).toBe(two);
  });

  it('sets marks at one time apart, in trace order, but never far from their time', () => {
    const x = (p: { time: number }) => p.time; // 1 px per µs
    const placed = placeMarks([milestone(1, 0), milestone(2, 0), milestone(3, 0), milestone(9, 100)], x, 10);
    expect(placed.map((p) => p.x)).toEqual([0, 10, 20, 100]);
    expect(placed.map((p) => p.at)).toEqual([0, 0, 0, 100]);
    const burst = placeMarks(
      Array.from({ length: 50 }, (_, i) => milestone(i, 0)),
      x,
      10,
      40,
    );
    expect(Math.max(...burst.map((p) => p.x))).toBe(40);
    // At the plot's end, the last marks move left so that they stay in view.
    const end = placeMarks([milestone(1, 0), milestone(5, 100), milestone(6, 100), milestone(7, 100)], x, 10, 120, 100);
    expect(end.map((p) => p.x)).toEqual([0, 80, 90, 100]);
    // Marks whose time is out of view (zoomed in) are left where they are.
    expect(placeMarks([milestone(1, 50), milestone(2, 300)], x, 10, 120, 100).map((p) => p.x)).toEqual([50, 300]);
  });

  it('limits zooming in to a window of a few microseconds', () => {
    expect(maxZoom(0)).toBeGreaterThan(1);
    expect(maxZoom(4_000_000)).toBe(200_000);
    expect(maxZoom(1e12)).toBe(1e6);
  });
});

describe('scrubbing: the nearest step', () => {
  const points: ScrubPoint[] = scrubPoints([sample(0, 0), sample(25, 3600), sample(924, 3_500_000)], [milestone(1, 0), milestone(3, 0), milestone(306, 1_000_000)], [{ time: 4_000_000, step: 1169 }]);

  it('merges samples, milestones and extra points in time then step order', () => {
    expect(points.map((p) => p.step)).toEqual([0, 1, 3, 25, 306, 924, 1169]);
  });

  it('picks the step nearest in time, the last one of several at that time', () => {
    expect(nearestStep([], 5)).toBeNull();
    expect(nearestStep(points, -100)).toBe(3);
    expect(nearestStep(points, 0)).toBe(3);
    expect(nearestStep(points, 1000)).toBe(3);
    expect(nearestStep(points, 3000)).toBe(25);
    expect(nearestStep(points, 900_000)).toBe(306);
    expect(nearestStep(points, 3_800_000)).toBe(1169);
    expect(nearestStep(points, 9e9)).toBe(1169);
  });
});

describe('frameThrottle', () => {
  it('emits the latest value once per frame and drops repeats until reset', () => {
    const frames: (() => void)[] = [];
    const out: number[] = [];
    const t = frameThrottle<number>(
      (v) => out.push(v),
      createFrameScheduler(
        (cb) => frames.push(cb),
        () => frames.pop(),
      ),
    );
    t.push(1);
    t.push(2);
    t.push(3);
    expect(out).toEqual([]);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(out).toEqual([3]);
    t.push(3);
    frames.shift()!();
    expect(out).toEqual([3]);
    t.reset();
    t.push(3);
    t.flush();
    expect(out).toEqual([3, 3]);
    t.push(4);
    t.cancel();
    frames.shift()?.();
    expect(out).toEqual([3, 3]);
  });
});

describe('zoom and marks', () => {
  it('zooms only with a modifier, so plain drags scrub and plain wheels scroll', () => {
    expect(zoomFilter({ type: 'wheel' })).toBe(false);
    expect(zoomFilter({ type: 'wheel', ctrlKey: true })).toBe(true);
    expect(zoomFilter({ type: 'wheel', metaKey: true })).toBe(true);
    expect(zoomFilter({ type: 'mousedown', button: 0 })).toBe(false);
    expect(zoomFilter({ type: 'mousedown', button: 0, shiftKey: true })).toBe(true);
    expect(zoomFilter({ type: 'touchstart', touches: { length: 1 } })).toBe(false);
    expect(zoomFilter({ type: 'touchstart', touches: { length: 2 } })).toBe(true);
    expect(zoomFilter({ type: 'dblclick' })).toBe(false);
  });

  it('zooms about ×1.4 per mouse wheel notch, in or out', () => {
    expect(2 ** wheelDelta({ deltaY: -100, deltaMode: 0 })).toBeCloseTo(Math.SQRT2, 5);
    expect(2 ** wheelDelta({ deltaY: 100, deltaMode: 0 })).toBeCloseTo(Math.SQRT1_2, 5);
    expect(2 ** wheelDelta({ deltaY: -3, deltaMode: 1 })).toBeCloseTo(2 ** 0.3, 5);
  });

  it('names a mark by what, when and which step', () => {
    expect(markLabel(milestone(412, 2_000_000, 'reverse', 'klp_reverse_transition'))).toBe('klp_reverse_transition at 2.000 s, step 412');
    const v = milestone(5, 0, 'violation', 'given up by force: x');
    expect(isFault(v)).toBe(true);
    expect(isGivenUp(v)).toBe(true);
    expect(isGivenUp(milestone(5, 0, 'violation', 'violated: x'))).toBe(false);
    expect(isFault(milestone(5, 0, 'oops', 'BUG: x'))).toBe(true);
    expect(isFault(milestone(5, 0, 'force', 'klp_force_transition'))).toBe(false);
  });
});

describe('<Timeline />', () => {
  it('is a region named Timeline with a legend in words and zoom buttons', async () => {
    await renderWithSim(<Timeline />);
    const region = screen.getByRole('region', { name: 'Timeline' });
    const legend = within(region).getByRole('list', { name: /legend/i });
    expect(within(legend).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['patched', 'unpatched', 'undefined (no transition)', 'pending (TIF_PATCH_PENDING)', 'now']);
    expect(within(region).getByRole('button', { name: 'Zoom in' })).toBeTruthy();
    expect(within(region).getByRole('button', { name: 'Zoom out' })).toBeTruthy();
    expect(within(region).getByRole('button', { name: 'Reset zoom' })).toBeTruthy();
    expect(within(region).getByText('Nothing computed yet: step forward or play.')).toBeTruthy();
    // The plot and the layer over it (the veil, the marks, the now line) are one size.
    const layers = [...within(region).getByRole('group', { name: /tasks by patch state/i }).querySelectorAll('svg')];
    expect(layers.map((l) => l.getAttribute('class'))).toEqual(['tl-svg', 'tl-svg-top']);
    for (const l of layers) expect(l.getAttribute('width')).toBe(String(DEFAULT_WIDTH));
  });

  it('after jumping to the end has marks for init, start and complete, and a mark seeks to its step', async () => {
    const { store, send } = await renderWithSim(<Timeline />);
    await send({ type: 'jump', to: 'end' });
    const end = store.getState().frame!.step;
    const init = screen.getByRole('button', { name: /^klp_init_transition at 0\.000 s, step \d+$/ });
    const start = screen.getByRole('button', { name: /^klp_start_transition at 0\.000 s, step \d+$/ });
    const complete = screen.getByRole('button', { name: /^klp_complete_transition at 4\.000 s, step \d+$/ });
    // The command run after completion, at the very end, is in view too.
    expect(screen.getByRole('button', { name: /^cat \/proc\/cmdline at 4\.000 s/ })).toBeTruthy();
    expect(init.getAttribute('tabindex')).toBe('0');
    const startStep = store.getState().milestones.find((m) => m.kind === 'start')!.step;
    expect(start.getAttribute('aria-label')).toBe(`klp_start_transition at 0.000 s, step ${startStep}`);

    fireEvent.click(start);
    await flush();
    expect(store.getState().frame!.step).toBe(startStep);

    // The rest of the computed trace is still drawn, dimmed, after the current point.
    const svg = screen.getByRole('group', { name: /tasks by patch state/i });
    expect(svg.querySelector('.tl-future')).not.toBeNull();
    expect(complete.getAttribute('class')).toContain('tl-mark-future');

    const completeStep = store.getState().milestones.find((m) => m.kind === 'complete')!.step;
    fireEvent.keyDown(complete, { key: 'Enter' });
    await flush();
    expect(store.getState().frame!.step).toBe(completeStep);
    expect(completeStep).toBeLessThanOrEqual(end);
  });

  it('draws the stacked states, the pending line and the current point', async () => {
    const { store, send } = await renderWithSim(<Timeline />);
    act(() => store.getState().setTimelineAxis('time'));
    await send({ type: 'jump', to: 'end' });
    const svg = screen.getByRole('group', { name: /tasks by patch state/i });
    for (const k of ['patched', 'unpatched', 'undefined']) expect(svg.querySelector(`.tl-area-${k}`)?.getAttribute('d')).toMatch(/^M/);
    expect(svg.querySelector('path.tl-pending')?.getAttribute('d')).toMatch(/^M/);
    const now = svg.querySelector('.tl-now-mark');
    expect(now).not.toBeNull();
    // At the end, the current point is at the right edge of the plot.
    const l = layout(DEFAULT_WIDTH);
    expect(now!.getAttribute('transform')).toBe(`translate(${l.plotRight},0)`);
    expect(svg.querySelector('.tl-future')).toBeNull();
    expect(screen.getAllByText(/^\d(\.\d)? s$/).length).toBeGreaterThan(2);
  });

  it('seeks to the nearest recorded step when dragged on the time axis', async () => {
    const { store, send } = await renderWithSim(<Timeline />);
    act(() => store.getState().setTimelineAxis('time'));
    await send({ type: 'jump', to: 'end' });
    const l = layout(DEFAULT_WIDTH);
    const x = timeScale(4_000_000, l);
    const scrub = screen.getByTestId('timeline-scrub');
    // Near 1.02 s: a step at least as near in time as the retry armed at 1 s
    // (task switches on the CPUs count too, not only milestones).
    const retry = store.getState().milestones.find((m) => m.kind === 'retry' && m.time === 1_000_000)!;
    fireEvent.pointerDown(scrub, { clientX: x(1.02), button: 0, pointerId: 1 });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await flush();
    const first = store.getState().frame!;
    expect(Math.abs(first.time - 1_020_000)).toBeLessThanOrEqual(Math.abs(retry.time - 1_020_000));
    expect(first.step).not.toBe(retry.step);
    // Dragging on to ~3.5 s lands at least as near as the sample where slowcat switched.
    const woke = store.getState().samples.find((s) => s.time > 3_500_000 && s.time < 3_600_000)!;
    fireEvent.pointerMove(scrub, { clientX: x(3.51), pointerId: 1 });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await flush();
    const second = store.getState().frame!;
    expect(Math.abs(second.time - 3_510_000)).toBeLessThanOrEqual(Math.abs(woke.time - 3_510_000));
    fireEvent.pointerUp(scrub, { pointerId: 1 });
    // A drag with Shift is d3-zoom's pan, not a scrub.
    fireEvent.pointerDown(scrub, { clientX: x(0.5), button: 0, shiftKey: true, pointerId: 2 });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    await flush();
    expect(store.getState().frame!.step).toBe(second.step);
  });

  it('zooms in and out with the buttons and resets', async () => {
    const { send } = await renderWithSim(<Timeline />);
    await send({ type: 'jump', to: 'end' });
    const zoomIn = screen.getByRole<HTMLButtonElement>('button', { name: 'Zoom in' });
    const zoomOut = screen.getByRole<HTMLButtonElement>('button', { name: 'Zoom out' });
    const reset = screen.getByRole<HTMLButtonElement>('button', { name: 'Reset zoom' });
    // d3-zoom comes after the first frame: Zoom in waits for it.
    await waitFor(() => expect(zoomIn.disabled).toBe(false));
    expect(zoomOut.disabled).toBe(true);
    expect(reset.disabled).toBe(true);
    const before = screen.getByRole('group', { name: /tasks by patch state/i }).querySelector('.tl-area-patched')!.getAttribute('d');
    fireEvent.click(zoomIn);
    fireEvent.click(zoomIn);
    expect(zoomOut.disabled).toBe(false);
    expect(reset.disabled).toBe(false);
    const zoomed = screen.getByRole('group', { name: /tasks by patch state/i }).querySelector('.tl-area-patched')!.getAttribute('d');
    expect(zoomed).not.toBe(before);
    // Zoomed in 4× on the current point (the end), the start of the trace is out of view.
    expect(screen.queryByText('0.0 s')).toBeNull();
    expect(screen.queryByRole('button', { name: /^klp_init_transition/ })).toBeNull();
    fireEvent.click(zoomOut);
    fireEvent.click(reset);
    expect(reset.disabled).toBe(true);
    expect(screen.getByRole('button', { name: /^klp_init_transition/ })).toBeTruthy();
  });

  it('puts given-up guarantees in the violations lane, apart from the milestones', async () => {
    const { store, send } = await renderWithSim(<Timeline />, signalsAndForce);
    await send({ type: 'jump', to: 'end' });
    const given = screen.getAllByRole('button', { name: /^given up by force: / });
    expect(given.length).toBe(store.getState().milestones.filter((m) => m.kind === 'violation').length);
    for (const g of given) expect(g.getAttribute('class')).toContain('tl-mark-givenup');
    const lanes = screen.getByRole('group', { name: /tasks by patch state/i }).querySelectorAll('.tl-lane');
    expect(lanes).toHaveLength(2);
    expect(lanes[1]!.contains(given[0]!)).toBe(true);
    expect(lanes[0]!.contains(screen.getAllByRole('button', { name: /^klp_force_transition/ })[0]!)).toBe(true);
  });

  it('follows the panel width reported by a ResizeObserver', async () => {
    let report: ((w: number) => void) | undefined;
    class FakeResizeObserver {
      constructor(private readonly cb: ResizeObserverCallback) {}
      observe() {
        report = (w) => this.cb([{ contentRect: { width: w, height: 150 } } as ResizeObserverEntry], this);
      }
      disconnect() {}
      unobserve() {}
    }
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
    try {
      await renderWithSim(<Timeline />);
      const widths = () => [...screen.getByRole('group', { name: /tasks by patch state/i }).querySelectorAll('svg')].map((l) => l.getAttribute('width'));
      expect(widths()).toEqual([String(DEFAULT_WIDTH), String(DEFAULT_WIDTH)]);
      act(() => report!(1234));
      expect(widths()).toEqual(['1234', '1234']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

/** The timeline alone, on a preset's run. */
const openPreset = async (preset: string) => {
  const r = await renderWithSim(<Timeline />);
  await act(async () => r.store.getState().load({ preset }));
  await flush();
  return r;
};

describe('<Timeline /> axes', () => {
  afterEach(cleanup);

  const plotGroup = () => screen.getByRole('group', { name: /^Tasks by patch state/ });
  const toggle = () => screen.getByRole('group', { name: 'Timeline axis' });

  it('offers simulated time and event # as a toggle with names and the x key; the first pass gets the event axis', async () => {
    const { store, send } = await openPreset('first-livepatch');
    await send({ type: 'jump', to: 'end' });
    const time = within(toggle()).getByRole('button', { name: 'simulated time (s)' });
    const events = within(toggle()).getByRole('button', { name: 'event #' });
    for (const b of [time, events]) expect(b.getAttribute('aria-keyshortcuts')).toBe('x');
    // 18 of 19 tasks switch within a few ms of a 4 s run: the default is the event axis.
    expect(events.getAttribute('aria-pressed')).toBe('true');
    expect(time.getAttribute('aria-pressed')).toBe('false');
    expect(plotGroup().getAttribute('data-axis')).toBe('event');
    expect(screen.getByTestId('timeline-axis-title').textContent).toBe('event #');
    expect(plotGroup().getAttribute('aria-label')).toBe('Tasks by patch state over the events in trace order, with milestones and violations');
    // The count axis reads the 19 tasks.
    const counts = [...plotGroup().querySelectorAll('.tl-axis text')].map((t) => t.textContent);
    expect(counts).toContain('19');
    fireEvent.click(time);
    expect(plotGroup().getAttribute('data-axis')).toBe('time');
    expect(screen.getByTestId('timeline-axis-title').textContent).toBe('simulated time (s)');
    expect(screen.getAllByText(/^\d(\.\d)? s$/).length).toBeGreaterThan(2);
    // The x key toggles back (the command the shortcut runs).
    const key = commandForKey({ key: 'x', ctrlKey: false, metaKey: false, altKey: false, target: document.body }, store.getState());
    expect(key?.id).toBe('timeline-axis');
    act(() => key!.run(store.getState()));
    expect(plotGroup().getAttribute('data-axis')).toBe('event');
    // A new scenario gets its own default again.
    fireEvent.click(time);
    await act(async () => store.getState().load({ preset: 'stacked-patches' }));
    await flush();
    expect(store.getState().timelineAxis).toBeNull();
  });

  it('draws a bug demo all at 0 s across the event axis, its milestones apart and in order', async () => {
    const { store, send } = await openPreset('bug-a-rfc');
    await send({ type: 'jump', to: 'end' });
    const f = store.getState().frame!;
    expect(f.time).toBe(0);
    expect(plotGroup().getAttribute('data-axis')).toBe('event');
    expect(screen.getByTestId('timeline-axis-title').textContent).toBe('event # (all at 0 s of simulated time)');
    expect(screen.queryByText(/computed events so far happened at 0 s/)).toBeNull();
    // Each mark sits at its own step: x grows with the step, at a known rate.
    const l = layout(DEFAULT_WIDTH);
    const perEvent = (l.plotRight - l.plotLeft) / f.computed;
    const marks = [...plotGroup().querySelectorAll('.tl-lane')[0]!.querySelectorAll('g.tl-mark')];
    expect(marks.length).toBeGreaterThan(3);
    const ms = store.getState().milestones;
    const xs = marks.map((m) => Number(/translate\(([-\d.]+),/.exec(m.getAttribute('transform')!)![1]));
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]!);
    // A mark left alone is drawn exactly at its step.
    const last = ms.filter((m) => !isFault(m)).at(-1)!;
    expect(xs.at(-1)! <= l.plotLeft + last.step * perEvent + 0.001).toBe(true);
    // On the time axis the same trace is one instant, and says so.
    fireEvent.click(within(toggle()).getByRole('button', { name: 'simulated time (s)' }));
    expect(screen.getByText(/All 18 computed events so far happened at 0 s/)).toBeTruthy();
  });

  it('scrubs the event axis to the very event under the pointer', async () => {
    const { store, send } = await openPreset('first-livepatch');
    await send({ type: 'jump', to: 'end' });
    const endStep = store.getState().frame!.computed;
    const l = layout(DEFAULT_WIDTH);
    const x = (step: number) => l.plotLeft + ((l.plotRight - l.plotLeft) * step) / endStep;
    const scrub = screen.getByTestId('timeline-scrub');
    for (const target of [1, 37, 38, 500]) {
      fireEvent.pointerDown(scrub, { clientX: x(target), button: 0, pointerId: target });
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      await flush();
      fireEvent.pointerUp(scrub, { pointerId: target });
      expect(store.getState().frame!.step).toBe(target);
    }
  });

  it('draws the pinned lanes on the axis chosen', async () => {
    const { store, send } = await openPreset('first-livepatch');
    const slowcat = store.getState().comms.indexOf('slowcat');
    await send({ type: 'pin', task: slowcat, on: true });
    await send({ type: 'jump', to: 'end' });
    const sw = store.getState().laneMarks.find((m) => m.task === slowcat && m.switchFrom !== undefined)!;
    const mark = () => screen.getByRole('button', { name: new RegExp(`switches from unpatched to patched at step ${sw.step}$`) });
    const l = layout(DEFAULT_WIDTH);
    const f = store.getState().frame!;
    const xAt = () => Number(/translate\(([-\d.]+),/.exec(mark().getAttribute('transform')!)![1]);
    expect(xAt()).toBeCloseTo(l.plotLeft + ((l.plotRight - l.plotLeft) * sw.step) / f.computed, 3);
    fireEvent.click(within(toggle()).getByRole('button', { name: 'simulated time (s)' }));
    expect(xAt()).toBeCloseTo(l.plotLeft + ((l.plotRight - l.plotLeft) * sw.time) / f.time, 3);
  });
});

describe('<Timeline /> framing the first pass', () => {
  afterEach(cleanup);
  const framing = () => screen.getByRole('group', { name: 'Timeline view' });
  const pressed = () => within(framing()).getByRole('button', { pressed: true }).textContent;
  /** The event numbers the axis labels. */
  const ticks = () => [...screen.getByRole('group', { name: /^Tasks by patch state/ }).querySelectorAll('.tl-axis text[dy="0.71em"]')].map((t) => Number((t.textContent ?? '').replace(/,/g, '')));
  /** The first pass's window, from a run computed to its end. */
  const firstPass = async () => {
    const { store, send } = await openPreset('first-livepatch');
    await send({ type: 'jump', to: 'end' });
    const f = store.getState().frame!;
    const w = firstPassWindow('event', store.getState().milestones.toArray(), { step: f.computed, time: f.time })!;
    cleanup();
    return w;
  };

  it('finds the first pass of first-livepatch: a small part of the run, from the enable to the retry it arms', async () => {
    const { store, send } = await openPreset('first-livepatch');
    await send({ type: 'jump', to: 'end' });
    const ms = store.getState().milestones.toArray();
    const end = { step: store.getState().frame!.computed, time: store.getState().frame!.time };
    const w = firstPassWindow('event', ms, end)!;
    const enable = ms.find((m) => m.kind === 'enable')!;
    const retry = ms.find((m) => m.kind === 'retry')!;
    expect(w.lo).toBeLessThanOrEqual(enable.step);
    expect(w.hi).toBeGreaterThanOrEqual(retry.step);
    // Every task switch of the first pass is inside, and the window is a small part of the run (1,174 events).
    const switched = store.getState().samples.toArray().filter((x) => x.step > enable.step && x.step <= retry.step);
    expect(switched.length).toBeGreaterThan(10);
    expect(w.hi - w.lo).toBeLessThan(end.step * FOCUS_MAX_SHARE);
    expect(w.hi - w.lo).toBeLessThan(60);
    // Not on the time axis, not before the pass is computed whole, not where the pass is most of the run.
    expect(firstPassWindow('time', ms, end)).toBeNull();
    expect(firstPassWindow('event', ms, { step: w.hi - 1, time: 0 })).toBeNull();
    expect(firstPassWindow('event', ms, { step: w.hi + 1, time: 0 })).toBeNull();
    expect(firstPassWindow('event', ms.filter((m) => m.kind !== 'retry' && m.kind !== 'complete'), end)).toBeNull();
  });

  it('offers the first pass and the whole run; a run first seen past the pass starts whole, and "First pass" frames it wherever the playhead is', async () => {
    const w = await firstPass();
    const { send } = await openPreset('first-livepatch');
    // End first (the app computes ahead in the background; here the playhead computes): the pass is known with the playhead past it.
    await send({ type: 'jump', to: 'end' });
    await send({ type: 'seek', step: 12 });
    expect(pressed()).toBe('Whole run');
    expect(Math.max(...ticks())).toBeGreaterThanOrEqual(1000);
    fireEvent.click(within(framing()).getByRole('button', { name: 'First pass' }));
    expect(pressed()).toBe('First pass');
    expect(Math.min(...ticks())).toBeGreaterThanOrEqual(w.lo);
    expect(Math.max(...ticks())).toBeLessThanOrEqual(w.hi);
    // The current point is on the plot, and stays framed when the playhead goes on.
    expect(screen.getByRole('group', { name: /^Tasks by patch state/ }).querySelector('.tl-now-mark')).not.toBeNull();
    await send({ type: 'seek', step: 600 });
    expect(pressed()).toBe('First pass');
    fireEvent.click(within(framing()).getByRole('button', { name: 'Whole run' }));
    expect(Math.max(...ticks())).toBeGreaterThanOrEqual(1000);
  });

  it('a step inside the framed pass moves the now line only: the axes, the framing toggle and the plot (its own layer) are not drawn again', async () => {
    const w = await firstPass();
    const { send } = await openPreset('first-livepatch');
    await send({ type: 'jump', to: 'end' });
    fireEvent.click(within(framing()).getByRole('button', { name: 'First pass' }));
    await send({ type: 'seek', step: w.lo + 2 });
    const plot = () => screen.getByRole('group', { name: /^Tasks by patch state/ });
    const nowAt = () => plot().querySelector('.tl-now-mark')?.getAttribute('transform');
    const before = nowAt();
    // Preact's hook before each component render (`options._render`, named `__r` in its build).
    const hooks = options as unknown as { __r?: (vnode: { type: unknown }) => void };
    const previous = hooks.__r;
    const rendered = new Map<string, number>();
    hooks.__r = (vnode) => {
      previous?.(vnode);
      const name = (vnode.type as { name?: string }).name ?? '?';
      rendered.set(name, (rendered.get(name) ?? 0) + 1);
    };
    // The plot's own <svg> (its layer) is not touched; the one over it is.
    const touched = (sel: string) => {
      const records: MutationRecord[] = [];
      const o = new MutationObserver((r) => records.push(...r));
      o.observe(plot().querySelector(sel)!, { subtree: true, attributes: true, childList: true, characterData: true });
      return () => {
        records.push(...o.takeRecords());
        o.disconnect();
        return records.length;
      };
    };
    const plotTouched = touched('svg.tl-svg');
    const topTouched = touched('svg.tl-svg-top');
    try {
      await send({ type: 'step', unit: 'event', direction: 1 });
    } finally {
      hooks.__r = previous;
    }
    expect(plotTouched()).toBe(0);
    expect(topTouched()).toBeGreaterThan(0);
    expect(pressed()).toBe('First pass');
    expect(nowAt()).not.toBe(before);
    expect(rendered.get('Timeline') ?? 0).toBeGreaterThan(0);
    for (const part of ['TimeAxisParts', 'CountAxisParts', 'FramingToggleParts']) expect(rendered.get(part) ?? 0, part).toBe(0);
  });
});

describe('the marks legend', () => {
  afterEach(cleanup);

  it('names every kind of mark, each with its own glyph', async () => {
    await renderWithSim(<Timeline />);
    const list = screen.getByRole('list', { name: 'Milestone marks' });
    const items = within(list).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(expect.arrayContaining(['shell command', 'transition started', 'transition reversed', 'transition complete', 'invariant violated']));
    const glyphs = [...list.querySelectorAll('path')].map((p) => `${p.parentElement?.getAttribute('class')}:${p.getAttribute('d')}`);
    const complete = glyphs.find((g) => g.startsWith('tl-mark-complete:'));
    const init = glyphs.find((g) => g.startsWith('tl-mark-init:'));
    expect(complete?.split(':')[1]).not.toBe(init?.split(':')[1]);
  });
});
