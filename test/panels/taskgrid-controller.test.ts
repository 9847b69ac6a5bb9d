// @vitest-environment jsdom
// The task grid's controller without React: the real store over the real
// Session, a hand-driven frame scheduler, and the painter replaced by a spy
// that records what each paint was asked to draw.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFrameScheduler } from '../../src/app/frames.ts';
import { inProcessClient } from '../../src/app/inProcessClient.ts';
import { createAppStore } from '../../src/app/store.ts';
import type { AppStore } from '../../src/app/store.ts';
import { createGridController, FALLBACK_SIZE } from '../../src/panels/taskgrid/controller.ts';
import type { GridController, GridInfo, Tip } from '../../src/panels/taskgrid/controller.ts';
import { drawGrid } from '../../src/panels/taskgrid/draw.ts';
import type { GridView } from '../../src/panels/taskgrid/draw.ts';
import { DEFAULT_FILTERS } from '../../src/panels/taskgrid/layout.ts';
import { DEFAULT_SCENARIO } from '../../src/sim/scenario/presets.ts';

vi.mock('../../src/panels/taskgrid/draw.ts', async (original) => ({ ...(await original<typeof import('../../src/panels/taskgrid/draw.ts')>()), drawGrid: vi.fn() }));
const painted = vi.mocked(drawGrid);
const lastView = (): GridView => {
  const call = painted.mock.calls.at(-1);
  if (call === undefined) throw new Error('never painted');
  return call[2];
};

/** Lets the in-process session's replies (microtasks) reach the store. */
const replies = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function manualFrames() {
  let waiting: (() => void) | null = null;
  const scheduler = createFrameScheduler(
    (cb) => {
      waiting = cb;
      return 1;
    },
    () => {
      waiting = null;
    },
  );
  return {
    scheduler,
    waiting: () => waiting !== null,
    tick: () => {
      const cb = waiting;
      waiting = null;
      cb?.();
    },
  };
}

interface Rig {
  store: AppStore;
  canvas: HTMLCanvasElement;
  controller: GridController;
  frames: ReturnType<typeof manualFrames>;
  infos: GridInfo[];
  tips: (Tip | null)[];
  said: string[];
}

async function rig(): Promise<Rig> {
  const store = createAppStore(inProcessClient());
  store.getState().load({ scenario: DEFAULT_SCENARIO });
  await replies();
  const scroller = document.body.appendChild(document.createElement('div'));
  const spacer = scroller.appendChild(document.createElement('div'));
  const canvas = spacer.appendChild(document.createElement('canvas'));
  canvas.tabIndex = 0;
  const frames = manualFrames();
  const infos: GridInfo[] = [];
  const tips: (Tip | null)[] = [];
  const said: string[] = [];
  const controller = createGridController(
    { scroller, spacer, canvas, onInfo: (i) => infos.push(i), onTip: (t) => tips.push(t), onAnnounce: (s) => said.push(s) },
    store,
    { filters: DEFAULT_FILTERS },
    frames.scheduler,
  );
  return { store, canvas, controller, frames, infos, tips, said };
}

beforeEach(() => {
  painted.mockClear();
  const ctx = { font: '', measureText: (t: string) => ({ width: t.length * 6 }) };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
});
afterEach(() => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

describe('createGridController', () => {
  it('paints at once when created, then at most once per frame however many frames arrive', async () => {
    const r = await rig();
    expect(painted).toHaveBeenCalledTimes(1);
    const tasks = r.store.getState().frame!.tasks.count;
    expect(r.canvas.getAttribute('aria-label')).toMatch(new RegExp(`^${tasks} tasks: `));
    expect(r.infos.at(-1)).toEqual({ detail: 'full', shown: `${tasks} tasks` });
    expect(lastView()).toMatchObject({ width: FALLBACK_SIZE.width, height: FALLBACK_SIZE.height, top: 0, cursor: -1, hover: -1 });

    for (let i = 0; i < 5; i++) r.store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    await replies();
    expect(r.store.getState().live?.step).toBe(5);
    // Five frames from the worker, one redraw waiting, none painted yet.
    expect(painted).toHaveBeenCalledTimes(1);
    expect(r.frames.waiting()).toBe(true);
    r.frames.tick();
    expect(painted).toHaveBeenCalledTimes(2);
    expect(lastView().tasks).toBe(r.store.getState().live?.tasks);
    r.frames.tick();
    expect(painted).toHaveBeenCalledTimes(2);
    r.controller.destroy();
  });

  it('filters on update and tells React what it shows', async () => {
    const r = await rig();
    const all = r.store.getState().frame!.tasks.count;
    const kthreads = { ...DEFAULT_FILTERS, kind: 'kthread' as const };
    r.controller.update({ filters: kthreads });
    r.frames.tick();
    const shown = lastView().layout.order.length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(all);
    expect(r.infos.at(-1)?.shown).toBe(`${shown} of ${all} tasks`);
    expect(r.canvas.getAttribute('aria-label')).toContain(`Showing ${shown} that match the filters.`);
    // The same filters again: nothing to redraw.
    r.controller.update({ filters: kthreads });
    expect(r.frames.waiting()).toBe(false);
    r.controller.destroy();
  });

  it('moves a keyboard cursor, says which task it is on, and selects it with Enter', async () => {
    const r = await rig();
    r.canvas.focus();
    r.canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true }));
    r.frames.tick();
    const view = lastView();
    expect(view.cursor).toBe(1);
    const task = view.layout.order[1]!;
    const comm = r.store.getState().comms[task];
    expect(r.said.at(-1)).toContain(comm);
    expect(r.tips.at(-1)?.task).toBe(task);
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    r.canvas.dispatchEvent(enter);
    expect(enter.defaultPrevented).toBe(true);
    await replies();
    expect(r.store.getState().frame?.selected?.task).toBe(task);
    r.frames.tick();
    expect(lastView().selected).toBe(1);
    r.canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await replies();
    expect(r.store.getState().frame?.selected).toBeNull();
    r.controller.destroy();
  });

  it('lets go of everything when destroyed', async () => {
    const r = await rig();
    r.store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    await replies();
    expect(r.frames.waiting()).toBe(true);
    r.controller.destroy();
    // The waiting redraw is cancelled, and nothing asks for another.
    expect(r.frames.waiting()).toBe(false);
    r.store.getState().send({ type: 'step', unit: 'event', direction: 1 });
    await replies();
    r.canvas.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    r.canvas.dispatchEvent(new Event('focus'));
    expect(r.frames.waiting()).toBe(false);
    expect(painted).toHaveBeenCalledTimes(1);
  });
});

describe('createGridController while tasks switch', () => {
  it('keeps its layout across frames that change only patch states, and lays out again when the filters read them', async () => {
    const r = await rig();
    // Into the transition, where each livepatch step switches tasks.
    for (let i = 0; i < 4; i++) r.store.getState().send({ type: 'step', unit: 'livepatch', direction: 1 });
    await replies();
    r.frames.tick();
    const before = lastView();
    r.store.getState().send({ type: 'step', unit: 'switch', direction: 1 });
    await replies();
    r.frames.tick();
    const after = lastView();
    expect(after.tasks).not.toBe(before.tasks);
    expect(Array.from(after.tasks.patchState)).not.toEqual(Array.from(before.tasks.patchState));
    // The same tasks in the same cells: the layout (and its order and slots) is kept.
    expect(after.layout).toBe(before.layout);

    // Grouped by state, the switched task moves to another group: laid out again.
    r.controller.update({ filters: { ...DEFAULT_FILTERS, group: 'state' } });
    r.frames.tick();
    const byState = lastView();
    r.store.getState().send({ type: 'step', unit: 'switch', direction: 1 });
    await replies();
    r.frames.tick();
    expect(lastView().layout).not.toBe(byState.layout);
    expect(lastView().layout.groups.map((g) => g.count)).not.toEqual(byState.layout.groups.map((g) => g.count));
    r.controller.destroy();
  });
});

describe('createGridController when its viewport is observed', () => {
  it('does not paint again for the size it was painted at (the observer reports once as it starts), and paints again at a new size', async () => {
    const observers: ResizeObserverCallback[] = [];
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(cb: ResizeObserverCallback) {
          observers.push(cb);
        }
        observe() {}
        disconnect() {}
      },
    );
    try {
      const size = { width: 400, height: 200 };
      vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(() => size.width);
      vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(() => size.height);
      const r = await rig();
      expect(painted).toHaveBeenCalledTimes(1);
      expect(lastView()).toMatchObject({ width: 400, height: 200 });
      const report = () => observers[0]?.([], {} as ResizeObserver);
      expect(observers).toHaveLength(1);
      report();
      expect(r.frames.waiting()).toBe(false);
      r.frames.tick();
      expect(painted).toHaveBeenCalledTimes(1);

      size.height = 150;
      report();
      expect(r.frames.waiting()).toBe(true);
      r.frames.tick();
      expect(painted).toHaveBeenCalledTimes(2);
      expect(lastView()).toMatchObject({ width: 400, height: 150 });
      r.controller.destroy();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('createGridController and frames that change nothing it draws', () => {
  it('leaves the canvas as it is for a frame with the same tasks (a task pinned to a lane), and paints a selection', async () => {
    const r = await rig();
    expect(painted).toHaveBeenCalledTimes(1);
    const before = r.store.getState().frame;
    r.store.getState().send({ type: 'pin', task: 1, on: true });
    await replies();
    const after = r.store.getState().frame;
    // A new frame, with the task columns it shares with the last one.
    expect(after).not.toBe(before);
    expect(after?.tasks).toBe(before?.tasks);
    expect(r.frames.waiting()).toBe(true);
    r.frames.tick();
    expect(painted).toHaveBeenCalledTimes(1);

    const task = after!.tasks.count - 1;
    r.store.getState().send({ type: 'select', task });
    await replies();
    r.frames.tick();
    expect(painted).toHaveBeenCalledTimes(2);
    expect(lastView().selected).toBe(lastView().layout.slot[task]);
    r.controller.destroy();
  });
});
