// Which rows of a long CPU table to draw: those in the scroller's view and a
// few either side, so that Tab and Shift+Tab reach the next row's button
// before the window moves (the browser scrolls the focused button into view,
// and the window follows the scroll).

/** Up to this many CPUs every row is drawn. */
export const CPU_WINDOW_FROM = 16;
/** Rows drawn beyond each edge of the view. */
export const OVERSCAN = 6;
/** Until a row is drawn and measured (and in jsdom): px. */
export const FALLBACK_ROW_HEIGHT = 27;
export const FALLBACK_VIEW_HEIGHT = 240;

export interface CpuWindow {
  /** First and last rows drawn (0-based, inclusive). */
  readonly first: number;
  readonly last: number;
  /** Heights, px, of what stands in for the rows before and after. */
  readonly before: number;
  readonly after: number;
}

/**
 * The rows of `count` (each `row` px tall, under a heading as tall as one)
 * to draw for a scroller at `top` showing `height` px.
 */
export function cpuWindow(count: number, top: number, height: number, row: number): CpuWindow {
  if (count <= 0) return { first: 0, last: -1, before: 0, after: 0 };
  const r = row > 0 ? row : FALLBACK_ROW_HEIGHT;
  // The heading is one row tall and sticks to the top: rows start below it.
  const firstSeen = Math.floor(Math.max(0, top - r) / r);
  const lastSeen = Math.ceil(Math.max(0, top + height - r) / r);
  const first = Math.max(0, Math.min(count - 1, firstSeen - OVERSCAN));
  const last = Math.max(first, Math.min(count - 1, lastSeen + OVERSCAN));
  return { first, last, before: first * r, after: (count - 1 - last) * r };
}
