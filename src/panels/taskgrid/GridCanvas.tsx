// The grid itself: a canvas the size of its viewport, inside a scroller whose
// spacer is as tall as the layout. Frames reach it through store.subscribe
// and are painted at most once per animation frame; React renders only when
// the filters, the hovered cell or the cursor change. What React does not
// render (the canvas bitmap, its accessible name, the spacer's height) is
// written in the paint, which runs outside React.
import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useApp, useAppStore } from '../../app/store.ts';
import type { AppState } from '../../app/store.ts';
import { describeTask, gridSummary, taskFacts } from './describe.ts';
import { drawGrid, readTheme } from './draw.ts';
import type { Theme } from './draw.ts';
import type { Detail } from './Legend.tsx';
import { CURSOR_KEYS, cellRect, layoutGrid, moveCursor, selectTasks, taskAt } from './layout.ts';
import type { CursorKey, Filters, GridLayout, TaskSelection } from './layout.ts';

/** The viewport assumed when the element has no box (jsdom, or not laid out yet). */
export const FALLBACK_SIZE = { width: 320, height: 240 } as const;

export interface GridInfo {
  readonly detail: Detail;
  /** "19 tasks" or "6 of 19 tasks". */
  readonly shown: string;
}

interface Tip {
  readonly task: number;
  /** Cell position in the viewport, CSS px. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly flip: boolean;
}

interface Live {
  filters: Filters;
  width: number;
  height: number;
  inputs: { tasks: unknown; comms: unknown; filters: unknown; width: number; height: number } | null;
  sel: TaskSelection | null;
  layout: GridLayout | null;
  theme: Theme | null;
  ctx: CanvasRenderingContext2D | null | undefined;
  raf: number;
  /** Task indices, -1 for none. */
  hover: number;
  cursor: number;
  focused: boolean;
  /** The cursor shows (outline and tip) while the grid is used from the keyboard, not after a click. */
  keyboard: boolean;
  tip: Tip | null;
  info: GridInfo | null;
  /** What the paint last wrote to the DOM, so that it writes only changes. */
  label: string;
  spacer: number;
}

const filtering = (f: Filters): boolean => f.text.trim() !== '' || f.kind !== 'all' || f.state !== 'all';

export function GridCanvas(props: { readonly filters: Filters; readonly onInfo: (info: GridInfo) => void }) {
  const store = useAppStore();
  const scrollRef = useRef<HTMLDivElement>(null);
  const spacerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const [announce, setAnnounce] = useState('');
  const cursorId = useId();
  const live = useRef<Live>({
    filters: props.filters,
    width: FALLBACK_SIZE.width,
    height: FALLBACK_SIZE.height,
    inputs: null,
    sel: null,
    layout: null,
    theme: null,
    ctx: undefined,
    raf: 0,
    hover: -1,
    cursor: -1,
    focused: false,
    keyboard: false,
    tip: null,
    info: null,
    label: '',
    spacer: -1,
  });
  const onInfo = useRef(props.onInfo);
  // Stable for the effects below; what they call reads `live` and the refs when it runs.
  const [painter] = useState(() => {
    const showTip = (next: Tip | null) => {
      const st = live.current;
      const same = next === st.tip || (next !== null && st.tip !== null && next.task === st.tip.task && next.x === st.tip.x && next.y === st.tip.y && next.flip === st.tip.flip);
      if (same) return;
      st.tip = next;
      setTip(next);
    };
    const tipFor = (task: number, top: number): Tip | null => {
      const st = live.current;
      const l = st.layout;
      if (task < 0 || l === null) return null;
      const pos = task < l.slot.length ? l.slot[task] : -1;
      const r = pos < 0 ? undefined : cellRect(l, pos);
      if (r === undefined) return null;
      const y = r.y - top;
      if (y + r.size < 0 || y > st.height) return null;
      return { task, x: r.x, y, size: r.size, flip: r.x > st.width / 2 };
    };
    /** The tip follows the pointer, else the keyboard cursor while the grid has focus. */
    const refreshTip = (top = scrollRef.current?.scrollTop ?? 0) => {
      const st = live.current;
      showTip(tipFor(st.hover >= 0 ? st.hover : st.focused && st.keyboard ? st.cursor : -1, top));
    };

    const relayout = (s: AppState): GridLayout | null => {
      const st = live.current;
      const f = s.live ?? s.frame;
      const canvas = canvasRef.current;
      if (f === null || canvas === null) return null;
      const i = st.inputs;
      if (st.layout !== null && i !== null && i.tasks === f.tasks && i.comms === s.comms && i.filters === st.filters && i.width === st.width && i.height === st.height) return st.layout;
      const ctx = st.ctx;
      if (ctx) ctx.font = `600 11px ${(st.theme ?? readTheme(canvas)).font}`;
      st.sel = selectTasks(f.tasks, s.comms, st.filters);
      st.layout = layoutGrid(st.sel, st.width, st.height, ctx ? { measure: (t) => ctx.measureText(t).width } : {});
      st.inputs = { tasks: f.tasks, comms: s.comms, filters: st.filters, width: st.width, height: st.height };
      return st.layout;
    };

    const paint = () => {
      const st = live.current;
      const canvas = canvasRef.current;
      const spacer = spacerRef.current;
      const scroller = scrollRef.current;
      if (canvas === null || spacer === null || scroller === null) return;
      // Read the scroll offset before writing anything, so that no write forces a layout.
      const top = scroller.scrollTop;
      const s = store.getState();
      const f = s.live ?? s.frame;
      if (st.ctx === undefined) st.ctx = canvas.getContext('2d');
      const l = relayout(s);
      const label = f === null || l === null || st.sel === null ? 'Task grid: loading' : gridSummary(f.globals.counts, l.order.length, st.sel.exited, filtering(st.filters));
      if (label !== st.label) {
        st.label = label;
        canvas.setAttribute('aria-label', label);
      }
      if (f === null || l === null || st.sel === null) return;
      const filtered = filtering(st.filters);
      const tall = Math.max(l.height, st.height);
      if (tall !== st.spacer) {
        st.spacer = tall;
        spacer.style.height = `${tall}px`;
      }
      const alive = f.tasks.count - st.sel.exited;
      const info: GridInfo = {
        detail: l.metrics.markers ? 'full' : l.metrics.patterns ? 'no-markers' : 'colour',
        shown: filtered ? `${l.order.length.toLocaleString('en')} of ${alive.toLocaleString('en')} tasks` : `${alive.toLocaleString('en')} tasks`,
      };
      if (st.info === null || st.info.detail !== info.detail || st.info.shown !== info.shown) {
        st.info = info;
        onInfo.current(info);
      }
      refreshTip(top);
      const ctx = st.ctx;
      if (!ctx) return;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(st.width * dpr);
      const h = Math.round(st.height * dpr);
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
        canvas.style.width = `${st.width}px`;
        canvas.style.height = `${st.height}px`;
      }
      st.theme ??= readTheme(canvas);
      const at = (task: number) => (task >= 0 && task < l.slot.length ? l.slot[task] : -1);
      drawGrid(ctx, st.theme, {
        layout: l,
        tasks: f.tasks,
        top,
        width: st.width,
        height: st.height,
        dpr,
        selected: at(f.selected?.task ?? -1),
        cursor: st.focused && st.keyboard ? at(st.cursor) : -1,
        hover: at(st.hover),
      });
    };

    const schedule = () => {
      const st = live.current;
      if (st.raf !== 0) return;
      const run = () => {
        st.raf = 0;
        paint();
      };
      st.raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : (setTimeout(run, 16) as unknown as number);
    };
    const cancel = () => {
      const st = live.current;
      if (st.raf === 0) return;
      if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(st.raf);
      else clearTimeout(st.raf);
      st.raf = 0;
    };
    return { paint, schedule, cancel, refreshTip };
  });

  useEffect(() => {
    onInfo.current = props.onInfo;
  }, [props.onInfo]);

  useEffect(() => {
    live.current.filters = props.filters;
    painter.schedule();
  }, [props.filters, painter]);

  useEffect(() => {
    const st = live.current;
    const scroller = scrollRef.current;
    if (scroller === null) return;
    const measure = () => {
      st.width = scroller.clientWidth || FALLBACK_SIZE.width;
      st.height = scroller.clientHeight || FALLBACK_SIZE.height;
    };
    measure();
    painter.paint();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.live !== prev.live || s.frame !== prev.frame || s.comms !== prev.comms) painter.schedule();
    });
    const onScroll = () => painter.schedule();
    scroller.addEventListener('scroll', onScroll, { passive: true });
    const ro =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => {
            measure();
            painter.schedule();
          })
        : null;
    ro?.observe(scroller);
    // The theme's colours change with the colour scheme; read them again then.
    const scheme = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    const onScheme = () => {
      st.theme = null;
      st.inputs = null;
      painter.schedule();
    };
    scheme?.addEventListener('change', onScheme);
    return () => {
      unsubscribe();
      scroller.removeEventListener('scroll', onScroll);
      ro?.disconnect();
      scheme?.removeEventListener('change', onScheme);
      painter.cancel();
    };
  }, [store, painter]);

  /** The pointer's position in layout coordinates. */
  const point = (e: { clientX: number; clientY: number }): [number, number] => {
    const canvas = canvasRef.current!;
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top + (scrollRef.current?.scrollTop ?? 0)];
  };

  const moveTo = (task: number) => {
    const st = live.current;
    st.cursor = task;
    const s = store.getState();
    const f = s.live ?? s.frame;
    const facts = f === null ? undefined : taskFacts(f.tasks, s.comms, task);
    setAnnounce(facts === undefined ? '' : describeTask(facts));
    // Keep the cursor in view.
    const l = st.layout;
    const scroller = scrollRef.current;
    const r = l === null || task < 0 ? undefined : cellRect(l, l.slot[task]);
    if (r !== undefined && scroller !== null) {
      if (r.y - l!.pitch < scroller.scrollTop) scroller.scrollTop = Math.max(0, r.y - l!.pitch - 16);
      else if (r.y + 2 * l!.pitch > scroller.scrollTop + st.height) scroller.scrollTop = r.y + 2 * l!.pitch - st.height;
    }
    painter.refreshTip();
    painter.schedule();
  };

  const select = (task: number | null) => store.getState().send({ type: 'select', task });

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const st = live.current;
    const l = st.layout;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (CURSOR_KEYS.includes(e.key)) {
      // The grid's own keys: keep them from the page's shortcuts and from scrolling.
      e.preventDefault();
      e.stopPropagation();
      st.keyboard = true;
      if (l === null) return;
      const pos = st.cursor >= 0 && st.cursor < l.slot.length ? l.slot[st.cursor] : -1;
      const next = moveCursor(l, pos, e.key as CursorKey, st.height);
      moveTo(next < 0 ? -1 : l.order[next]);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      if (st.cursor >= 0) select(st.cursor);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      select(null);
    }
  };

  return (
    <div className="tg-view">
      <div className="tg-scroll" ref={scrollRef}>
        <div className="tg-spacer" ref={spacerRef}>
          <canvas
            ref={canvasRef}
            className="tg-canvas"
            tabIndex={0}
            role="application"
            aria-roledescription="task grid"
            aria-describedby={cursorId}
            onPointerMove={(e) => {
              const st = live.current;
              const task = st.layout === null ? -1 : taskAt(st.layout, ...point(e));
              if (task === st.hover) return;
              st.hover = task;
              painter.refreshTip();
              painter.schedule();
            }}
            onPointerDown={() => {
              live.current.keyboard = false;
            }}
            onPointerLeave={() => {
              live.current.hover = -1;
              painter.refreshTip();
              painter.schedule();
            }}
            onClick={(e) => {
              const st = live.current;
              const task = st.layout === null ? -1 : taskAt(st.layout, ...point(e));
              if (task < 0) return;
              select(task);
              moveTo(task);
            }}
            onKeyDown={onKeyDown}
            onFocus={(e) => {
              const st = live.current;
              st.focused = true;
              st.keyboard = focusVisible(e.currentTarget);
              const l = st.layout;
              if (st.cursor < 0 && l !== null && l.order.length > 0) {
                const sel = store.getState().frame?.selected?.task ?? -1;
                st.cursor = sel >= 0 && sel < l.slot.length && l.slot[sel] >= 0 ? sel : l.order[0];
              }
              painter.refreshTip();
              painter.schedule();
            }}
            onBlur={() => {
              live.current.focused = false;
              painter.refreshTip();
              painter.schedule();
            }}
          />
        </div>
      </div>
      {tip !== null && <TaskTip tip={tip} />}
      <p id={cursorId} className="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

/** Focus that came from the keyboard (where the browser can tell). */
function focusVisible(el: Element): boolean {
  try {
    return el.matches(':focus-visible');
  } catch {
    return false;
  }
}

function TaskTip(props: { readonly tip: Tip }) {
  const { tip } = props;
  const text = useApp((s) => {
    const f = s.live ?? s.frame;
    const facts = f === null ? undefined : taskFacts(f.tasks, s.comms, tip.task);
    if (facts === undefined) return '';
    const where = facts.run === 'running' ? `running on CPU ${facts.cpu}` : `${facts.run} · CPU ${facts.cpu}`;
    return [facts.name, `${facts.kind} · ${facts.state}${facts.pending ? ' · TIF_PATCH_PENDING' : ''}`, where].join('\n');
  });
  if (text === '') return null;
  const [name, ...rest] = text.split('\n');
  const style = tip.flip ? { left: tip.x - 6, top: tip.y } : { left: tip.x + tip.size + 6, top: tip.y };
  return (
    <div className={`tg-tip${tip.flip ? ' tg-tip-flip' : ''}`} style={style} role="tooltip">
      <strong className="mono">{name}</strong>
      {rest.map((line) => (
        <span key={line}>{line}</span>
      ))}
    </div>
  );
}
