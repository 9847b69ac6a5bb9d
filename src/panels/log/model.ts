// The kernel log panel's maths, free of React: which lines a filter keeps
// (incrementally, since the log only grows while playing), how many screen
// lines each takes when wrapped, and which rows a scroll position shows.
import type { LogEntry } from '../../worker/protocol.ts';
import type { Indexed } from '../../app/series.ts';
import { must } from '../../sim/must.ts';

/** Line `i` of `log`, for an `i` the caller keeps below log.length. */
export const lineAt = (log: Indexed<LogEntry>, i: number): LogEntry => must(log.at(i), 'log line', i);
/** The log index of kept row `r`, for an `r` below indices.length. */
export const keptIndex = (indices: readonly number[], r: number): number => must(indices[r], 'kept row', r);
/** Where row `r` starts, in screen lines: rowTops has one entry per row and one past the last. */
export const rowTop = (tops: Float64Array, r: number): number => must(tops[r], 'row top', r);

export interface LogFilter {
  /** Case-insensitive substring; empty keeps every line. */
  readonly query: string;
  /** Keep per-task debug lines (`taskDebug`), hidden by default as the selftests do. */
  readonly showDebug: boolean;
}

export interface Filtered {
  readonly log: Indexed<LogEntry>;
  readonly filter: LogFilter;
  /** Indices into `log` of the lines kept, ascending. */
  readonly indices: readonly number[];
}

export function keeps(e: LogEntry, showDebug: boolean, needle: string): boolean {
  if (e.taskDebug === true && !showDebug) return false;
  return needle === '' || e.text.toLowerCase().includes(needle);
}

/**
 * The lines of `log` that `filter` keeps. With `prev` computed for the same
 * filter over a prefix of `log` (the store appends, keeping earlier entries
 * as they were), only the new lines are tested.
 */
export function filterLog(log: Indexed<LogEntry>, filter: LogFilter, prev?: Filtered | null): Filtered {
  const needle = filter.query.trim().toLowerCase();
  let from = 0;
  let indices: number[] = [];
  if (prev != null && prev.filter.query.trim().toLowerCase() === needle && prev.filter.showDebug === filter.showDebug && isPrefix(prev.log, log)) {
    from = prev.log.length;
    indices = prev.indices.slice();
  }
  for (let i = from; i < log.length; i++) if (keeps(lineAt(log, i), filter.showDebug, needle)) indices.push(i);
  return { log, filter, indices };
}

function isPrefix(a: Indexed<LogEntry>, b: Indexed<LogEntry>): boolean {
  if (a === b) return true;
  if (a.length > b.length) return false;
  if (a.length === 0) return true;
  return a.at(0) === b.at(0) && a.at(a.length - 1) === b.at(a.length - 1);
}

/** How many lines of `log` have `step <= step` (the log is in step order). */
export function linesUpTo(log: Indexed<LogEntry>, step: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineAt(log, mid).step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many kept lines have `step <= step`. */
export function countUpTo(log: Indexed<LogEntry>, indices: readonly number[], step: number): number {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lineAt(log, keptIndex(indices, mid)).step <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Screen lines `text` takes in a column `cols` characters wide, as a browser
 * wraps monospace text with `white-space: pre-wrap; overflow-wrap: anywhere`:
 * greedily at spaces (a space at a line's end hangs), and inside a word only
 * when the word alone is wider than the column.
 */
export function wrapLines(text: string, cols: number): number {
  const c = Math.max(1, Math.floor(cols));
  if (text.length <= c) return 1;
  const words = text.split(' ');
  let lines = 1;
  let col = 0;
  for (const [i, word] of words.entries()) {
    const len = word.length;
    if (i > 0) {
      if (col + 1 + len <= c) {
        col += 1 + len;
        continue;
      }
      if (len === 0) continue; // a space that hangs at the end of the line
      lines++;
    }
    if (len <= c) col = len;
    else {
      const chunks = Math.ceil(len / c);
      lines += chunks - 1;
      col = len - (chunks - 1) * c;
    }
  }
  return lines;
}

/** Prefix sums of the kept rows' heights in screen lines: row i spans [tops[i], tops[i + 1]). */
export function rowTops(log: Indexed<LogEntry>, indices: readonly number[], cols: number): Float64Array {
  const tops = new Float64Array(indices.length + 1);
  let top = 0;
  for (const [r, i] of indices.entries()) {
    top += wrapLines(lineAt(log, i).text, cols);
    tops[r + 1] = top;
  }
  return tops;
}

/**
 * The rows [first, last) to render for a viewport `height` px tall scrolled
 * to `scrollTop`, of `count` rows whose tops (in lines of `lineHeight` px)
 * are `tops`, with `overscan` rows more on each side.
 */
export function visibleRows(tops: Float64Array, count: number, lineHeight: number, scrollTop: number, height: number, overscan = 8): { readonly first: number; readonly last: number } {
  if (count <= 0) return { first: 0, last: 0 };
  const top = scrollTop / lineHeight;
  const bottom = (scrollTop + height) / lineHeight;
  // First row whose bottom edge is below the viewport's top.
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowTop(tops, mid + 1) <= top) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  // First row whose top edge is at or below the viewport's bottom.
  hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowTop(tops, mid) < bottom) lo = mid + 1;
    else hi = mid;
  }
  return { first: Math.max(0, first - overscan), last: Math.min(count, lo + overscan) };
}
