// The task grid's painter as a controller of its own (the way the timeline's
// zoom is one): created in an effect on the grid's elements, updated when the
// filters change, destroyed on unmount. It listens to the store, the
// scroller, the element's size, the colour scheme and the canvas's pointer,
// focus and keys, and paints in the canvas phase of the page's frame
// scheduler: at most once per animation frame, outside React. React hears
// only what it renders: the summary line, the tooltip and the cursor's words.
import { frameScheduler } from '../../app/frames.ts';
import type { FrameScheduler, FrameTask } from '../../app/frames.ts';
import type { AppState, AppStore } from '../../app/store.ts';
import type { TaskColumns } from '../../worker/protocol.ts';
import { describeTask, gridSummary, taskFacts } from './describe.ts';
import { drawGrid, readTheme } from './draw.ts';
import type { GridView, Theme } from './draw.ts';
import type { Detail } from './Legend.tsx';
import { CURSOR_KEYS, cellRect, layoutGrid, moveCursor, sameSelection, selectTasks, taskAt } from './layout.ts';
import type { CursorKey, Filters, GridLayout, TaskSelection } from './layout.ts';
import { enNumber } from '../../sim/format.ts';

/** The viewport assumed when the element has no box (jsdom, or not laid out yet). */
export const FALLBACK_SIZE = { width: 320, height: 240 } as const;

export interface GridInfo {
  readonly detail: Detail;
  /** "19 tasks" or "6 of 19 tasks". */
  readonly shown: string;
}

export interface Tip {
  readonly task: number;
  /** Cell position in the viewport, CSS px. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly flip: boolean;
}

/** The elements the controller paints and listens to, and what it tells React. */
export interface GridHost {
  readonly scroller: HTMLElement;
  readonly spacer: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  /** The summary line and the legend's level of detail changed. */
  onInfo(info: GridInfo): void;
  /** The tooltip moved, or went (null). */
  onTip(tip: Tip | null): void;
  /** Words for screen readers about the task under the keyboard cursor. */
  onAnnounce(text: string): void;
}

export interface GridController {
  update(o: { readonly filters: Filters }): void;
  /** Paints now, not at the next frame. */
  paint(): void;
  destroy(): void;
}

const filtering = (f: Filters): boolean => f.text.trim() !== '' || f.kind !== 'all' || f.state !== 'all';

const sameTip = (a: Tip | null, b: Tip | null): boolean => a === b || (a !== null && b !== null && a.task === b.task && a.x === b.x && a.y === b.y && a.flip === b.flip);

/** Focus that came from the keyboard (where the browser can tell). */
function focusVisible(el: Element): boolean {
  try {
    return el.matches(':focus-visible');
  } catch {
    return false;
  }
}

export function createGridController(host: GridHost, store: AppStore, initial: { readonly filters: Filters }, scheduler: FrameScheduler = frameScheduler): GridController {
  const { scroller, spacer, canvas } = host;
  let filters = initial.filters;
  let width: number = FALLBACK_SIZE.width;
  let height: number = FALLBACK_SIZE.height;
  let inputs: { tasks: TaskColumns; comms: unknown; filters: unknown; width: number; height: number } | null = null;
  let sel: TaskSelection | null = null;
  let layout: GridLayout | null = null;
  let theme: Theme | null = null;
  let ctx: CanvasRenderingContext2D | null | undefined;
  /** Task indices, -1 for none. */
  let hover = -1;
  let cursor = -1;
  let focused = false;
  /** The cursor shows (outline and tip) while the grid is used from the keyboard, not after a click. */
  let keyboard = false;
  let tip: Tip | null = null;
  let info: GridInfo | null = null;
  /** What the paint last wrote to the DOM, so that it writes only changes. */
  let label = '';
  let spacerHeight = -1;
  /** The height the grid needs at its largest cells, as last written to the view (--tg-natural). */
  let natural = -1;
  /**
   * The scroller's offset, as its scroll events and our own writes leave it:
   * a paint reads no layout (in an animation frame after a render, reading
   * scrollTop would lay the whole page out at once, before the frame's own layout).
   */
  let scrollTop = scroller.scrollTop;
  const scrollTo = (y: number) => {
    scroller.scrollTop = y;
    scrollTop = scroller.scrollTop;
  };

  const showTip = (next: Tip | null) => {
    if (sameTip(next, tip)) return;
    tip = next;
    host.onTip(next);
  };
  const tipFor = (task: number, top: number): Tip | null => {
    const l = layout;
    if (task < 0 || l === null) return null;
    const pos = l.slot[task] ?? -1;
    const r = pos < 0 ? undefined : cellRect(l, pos);
    if (r === undefined) return null;
    const y = r.y - top;
    if (y + r.size < 0 || y > height) return null;
    return { task, x: r.x, y, size: r.size, flip: r.x > width / 2 };
  };
  /** The tip follows the pointer, else the keyboard cursor while the grid has focus. */
  const refreshTip = (top = scrollTop) => showTip(tipFor(hover >= 0 ? hover : focused && keyboard ? cursor : -1, top));

  const relayout = (s: AppState): GridLayout | null => {
    const f = s.live ?? s.frame;
    if (f === null) return null;
    const i = inputs;
    if (layout !== null && i !== null && i.comms === s.comms && i.filters === filters && i.width === width && i.height === height && sameSelection(i.tasks, f.tasks, filters)) {
      i.tasks = f.tasks;
      return layout;
    }
    const c = ctx;
    if (c) c.font = `600 11px ${(theme ?? readTheme(canvas)).font}`;
    sel = selectTasks(f.tasks, s.comms, filters);
    const measure = c ? { measure: (t: string) => c.measureText(t).width } : {};
    layout = layoutGrid(sel, width, height, measure);
    // The height its tasks need at the largest cells: the panel takes no more
    // than that, and the column gives the rest to the other panels.
    const need = layoutGrid(sel, width, Infinity, measure).height;
    if (need !== natural) {
      natural = need;
      scroller.parentElement?.style.setProperty('--tg-natural', `${need + 2}px`);
    }
    inputs = { tasks: f.tasks, comms: s.comms, filters, width, height };
    return layout;
  };

  /** What the canvas shows. */
  let drawn: { readonly view: GridView; readonly theme: Theme } | null = null;
  const paint = () => {
    const top = scrollTop;
    const s = store.getState();
    const f = s.live ?? s.frame;
    if (ctx === undefined) ctx = canvas.getContext('2d');
    const l = relayout(s);
    const shownSel = sel;
    const nextLabel = f === null || l === null || shownSel === null ? 'Task grid: loading' : gridSummary(f.globals.counts, l.order.length, shownSel.exited, filtering(filters));
    if (nextLabel !== label) {
      label = nextLabel;
      canvas.setAttribute('aria-label', nextLabel);
    }
    if (f === null || l === null || shownSel === null) return;
    const filtered = filtering(filters);
    const tall = Math.max(l.height, height);
    if (tall !== spacerHeight) {
      spacerHeight = tall;
      spacer.style.height = `${tall}px`;
    }
    const alive = f.tasks.count - shownSel.exited;
    const next: GridInfo = {
      detail: l.metrics.markers ? 'full' : l.metrics.patterns ? 'no-markers' : 'colour',
      shown: filtered ? `${enNumber(l.order.length)} of ${enNumber(alive)} tasks` : `${enNumber(alive)} tasks`,
    };
    if (info === null || info.detail !== next.detail || info.shown !== next.shown) {
      info = next;
      host.onInfo(next);
    }
    refreshTip(top);
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    theme ??= readTheme(canvas);
    const at = (task: number) => (task >= 0 ? (l.slot[task] ?? -1) : -1);
    const view: GridView = {
      layout: l,
      tasks: f.tasks,
      top,
      width,
      height,
      dpr,
      selected: at(f.selected?.task ?? -1),
      cursor: focused && keyboard ? at(cursor) : -1,
      hover: at(hover),
    };
    // A frame that changed nothing the grid draws (the store keeps a step's unchanged task
    // columns, so a frame of computing ahead brings the same ones): the canvas already shows it.
    if (drawn !== null && drawn.theme === theme && sameView(drawn.view, view)) return;
    drawGrid(ctx, theme, view);
    drawn = { view, theme };
  };
  const redraw: FrameTask = { phase: 'canvas', run: paint };
  const schedule = () => scheduler.request(redraw);

  /** Reads the viewport's size; true when it changed. */
  const measure = (): boolean => {
    const w = scroller.clientWidth || FALLBACK_SIZE.width;
    const h = scroller.clientHeight || FALLBACK_SIZE.height;
    if (w === width && h === height) return false;
    width = w;
    height = h;
    return true;
  };

  /** The pointer's position in layout coordinates. */
  const point = (e: { clientX: number; clientY: number }): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top + scrollTop];
  };
  const select = (task: number | null) => store.getState().send({ type: 'select', task });

  const moveTo = (task: number) => {
    cursor = task;
    const s = store.getState();
    const f = s.live ?? s.frame;
    const facts = f === null ? undefined : taskFacts(f.tasks, s.comms, task);
    host.onAnnounce(facts === undefined ? '' : describeTask(facts));
    // Keep the cursor in view.
    const l = layout;
    const slot = l?.slot[task]; // none for no task (-1) or one the layout does not have yet
    const r = l === null || slot === undefined ? undefined : cellRect(l, slot);
    if (l !== null && r !== undefined) {
      if (r.y - l.pitch < scrollTop) scrollTo(Math.max(0, r.y - l.pitch - 16));
      else if (r.y + 2 * l.pitch > scrollTop + height) scrollTo(r.y + 2 * l.pitch - height);
    }
    refreshTip();
    schedule();
  };

  const onPointerMove = (e: PointerEvent) => {
    const task = layout === null ? -1 : taskAt(layout, ...point(e));
    if (task === hover) return;
    hover = task;
    refreshTip();
    schedule();
  };
  const onPointerDown = () => {
    keyboard = false;
  };
  const onPointerLeave = () => {
    hover = -1;
    refreshTip();
    schedule();
  };
  const onClick = (e: MouseEvent) => {
    const task = layout === null ? -1 : taskAt(layout, ...point(e));
    if (task < 0) return;
    select(task);
    moveTo(task);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (CURSOR_KEYS.includes(e.key)) {
      // The grid's own keys: keep them from the page's shortcuts and from scrolling.
      e.preventDefault();
      e.stopPropagation();
      keyboard = true;
      const l = layout;
      if (l === null) return;
      const pos = cursor >= 0 ? (l.slot[cursor] ?? -1) : -1;
      const next = moveCursor(l, pos, e.key as CursorKey, height);
      moveTo(next < 0 ? -1 : (l.order[next] ?? -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      if (cursor >= 0) select(cursor);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      select(null);
    }
  };
  const onFocus = () => {
    focused = true;
    keyboard = focusVisible(canvas);
    const l = layout;
    if (cursor < 0 && l !== null && l.order.length > 0) {
      const selected = store.getState().frame?.selected?.task ?? -1;
      cursor = selected >= 0 && (l.slot[selected] ?? -1) >= 0 ? selected : (l.order[0] ?? -1);
    }
    refreshTip();
    schedule();
  };
  const onBlur = () => {
    focused = false;
    refreshTip();
    schedule();
  };

  measure();
  paint();
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.live !== prev.live || s.frame !== prev.frame || s.comms !== prev.comms) schedule();
  });
  const onScroll = () => {
    scrollTop = scroller.scrollTop;
    schedule();
  };
  scroller.addEventListener('scroll', onScroll, { passive: true });
  const ro =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => {
          // It reports once as it starts observing, a size the grid was just painted at: no second painting then.
          if (measure()) schedule();
        })
      : null;
  ro?.observe(scroller);
  // The theme's colours change with the colour scheme; read them again then.
  const scheme = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const onScheme = () => {
    theme = null;
    inputs = null;
    schedule();
  };
  scheme?.addEventListener('change', onScheme);
  canvas.addEventListener('pointermove', onPointerMove);
  canvas.addEventListener('pointerdown', onPointerDown);
  canvas.addEventListener('pointerleave', onPointerLeave);
  canvas.addEventListener('click', onClick);
  canvas.addEventListener('keydown', onKeyDown);
  canvas.addEventListener('focus', onFocus);
  canvas.addEventListener('blur', onBlur);

  return {
    update(o) {
      if (o.filters === filters) return;
      filters = o.filters;
      schedule();
    },
    paint,
    destroy() {
      unsubscribe();
      scroller.removeEventListener('scroll', onScroll);
      ro?.disconnect();
      scheme?.removeEventListener('change', onScheme);
      canvas.removeEventListener('pointermove', onPointerMove);
      canvas.removeEventListener('pointerdown', onPointerDown);
      canvas.removeEventListener('pointerleave', onPointerLeave);
      canvas.removeEventListener('click', onClick);
      canvas.removeEventListener('keydown', onKeyDown);
      canvas.removeEventListener('focus', onFocus);
      canvas.removeEventListener('blur', onBlur);
      scheduler.cancel(redraw);
    },
  };
}

/** Whether two views draw the same (the same layout and task columns, by reference). */
function sameView(a: GridView, b: GridView): boolean {
  return a.layout === b.layout && a.tasks === b.tasks && a.top === b.top && a.width === b.width && a.height === b.height && a.dpr === b.dpr && a.selected === b.selected && a.cursor === b.cursor && a.hover === b.hover;
}
