// The kernel log as far as the current step: dmesg timestamps, levels, the
// shell's `% command` echoes and their output. A text filter and the per-task
// debug lines on request. The list is windowed (only rows in view are in the
// DOM) and follows the latest line unless the reader scrolled up. A line is a
// button that seeks to the event that printed it.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { frameScheduler } from '../app/frames.ts';
import type { FrameTask } from '../app/frames.ts';
import { useSpotlight } from '../app/spotlight.ts';
import type { KeyboardEvent, UIEvent } from 'react';
import { useApp } from '../app/store.ts';
import type { LogEntry } from '../worker/protocol.ts';
import type { Indexed } from '../app/series.ts';
import { Panel } from './Panel.tsx';
import { TIMESTAMP_COLS, lineClass, linePrefix, timestamp } from './log/format.ts';
import { countUpTo, filterLog, keptIndex, lineAt, linesUpTo, rowTop, rowTops, visibleRows } from './log/model.ts';
import type { Filtered, LogFilter } from './log/model.ts';
import { useElementSize } from './timeline/useElementSize.ts';
import { enNumber } from '../sim/format.ts';
import './timeline.css';

/** Pixel height of one screen line (the CSS line-height of .log-list). */
const LINE_HEIGHT = 18;
/** Until measured (and in jsdom): a viewport and the width of ten characters. */
const FALLBACK_VIEW = { width: 420, height: 360 };
const FALLBACK_TEN_CHARS = { width: 72, height: LINE_HEIGHT };
/** px taken by the row's left border and padding, and kept free on the right. */
const ROW_CHROME = 3 + 6 + 6;
const MIN_TEXT_COLS = 16;

/** The filter applied to the log, recomputed only for what was appended since the last time. */
function useFiltered(log: Indexed<LogEntry>, filter: LogFilter): Filtered {
  const [cache, setCache] = useState<Filtered | null>(null);
  if (cache !== null && cache.log === log && cache.filter === filter) return cache;
  const next = filterLog(log, filter, cache);
  // Derived state, adjusted while rendering: the next render returns it as is.
  setCache(next);
  return next;
}

export function KernelLog() {
  const log = useApp((s) => s.log);
  const step = useApp((s) => s.frame?.step ?? 0);
  const send = useApp((s) => s.send);

  const [query, setQuery] = useState('');
  const [showDebug, setShowDebug] = useState(false);
  // The line a tour stop quotes: marked, and shown even if it is a per-task debug line.
  const quote = useSpotlight().logLine;
  const spotIndex = useMemo(() => (quote === undefined ? -1 : log.findLastIndex((e) => e.step <= step && e.text.includes(quote))), [log, step, quote]);
  const quotesDebug = spotIndex >= 0 && log.at(spotIndex)?.taskDebug === true;
  const debugShown = showDebug || quotesDebug;
  const filter = useMemo<LogFilter>(() => ({ query, showDebug: debugShown }), [query, debugShown]);
  const filtered = useFiltered(log, filter);
  const count = countUpTo(log, filtered.indices, step);
  const total = linesUpTo(log, step);

  const listRef = useRef<HTMLDivElement>(null);
  const measureRef = useRef<HTMLSpanElement>(null);
  const view = useElementSize(listRef, FALLBACK_VIEW);
  const charWidth = useElementSize(measureRef, FALLBACK_TEN_CHARS).width / 10;
  const cols = Math.max(MIN_TEXT_COLS, Math.floor((view.width - ROW_CHROME) / charWidth) - TIMESTAMP_COLS);
  const tops = useMemo(() => rowTops(log, filtered.indices, cols), [log, filtered, cols]);
  const height = rowTop(tops, count) * LINE_HEIGHT;

  // Follow the latest line until the reader scrolls up; back at the bottom, follow again.
  const [stick, setStick] = useState(true);
  const [scrollTop, setScrollTop] = useState(0);
  const top = stick ? Math.max(0, height - view.height) : scrollTop;
  // To the bottom in the next animation frame, once the render's other writes are done: a scroll
  // written here (in the render's layout effects) would lay the page out at once, and the frame again.
  const follow = useMemo<FrameTask>(
    () => ({
      phase: 'dom',
      run: () => {
        const el = listRef.current;
        if (el !== null) el.scrollTop = el.scrollHeight;
      },
    }),
    [],
  );
  useLayoutEffect(() => {
    if (stick) frameScheduler.request(follow);
  }, [stick, height, view.height, follow]);
  useLayoutEffect(() => () => frameScheduler.cancel(follow), [follow]);
  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    setStick(el.scrollTop + el.clientHeight >= el.scrollHeight - 2);
  };

  const { first, last } = visibleRows(tops, count, LINE_HEIGHT, top, view.height);

  // Arrow keys move between lines, scrolling rows into the window as needed.
  const pendingFocus = useRef<number | null>(null);
  useLayoutEffect(() => {
    const row = pendingFocus.current;
    if (row === null) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-row="${row}"]`);
    if (el) {
      el.focus();
      pendingFocus.current = null;
    }
  });
  const onRowKey = (e: KeyboardEvent<HTMLButtonElement>, row: number) => {
    if (e.key === ' ') {
      // The button's own Space, not the app's Play shortcut.
      e.stopPropagation();
      return;
    }
    const to = e.key === 'ArrowDown' ? row + 1 : e.key === 'ArrowUp' ? row - 1 : -1;
    if (to < 0 || to >= count) return;
    e.preventDefault();
    const list = listRef.current;
    if (list === null) return;
    const y0 = rowTop(tops, to) * LINE_HEIGHT;
    const y1 = rowTop(tops, to + 1) * LINE_HEIGHT;
    if (y0 < list.scrollTop || y1 > list.scrollTop + list.clientHeight) {
      setStick(false);
      const next = y0 < list.scrollTop ? y0 : y1 - list.clientHeight;
      list.scrollTop = next;
      setScrollTop(next);
    }
    pendingFocus.current = to;
    const el = list.querySelector<HTMLElement>(`[data-row="${to}"]`);
    if (el) {
      el.focus();
      pendingFocus.current = null;
    }
  };

  const rows = [];
  for (let r = first; r < last; r++) {
    const index = keptIndex(filtered.indices, r);
    const e = lineAt(log, index);
    const prefix = linePrefix(e);
    rows.push(
      <button
        key={index}
        type="button"
        data-row={r}
        className={`${lineClass(e)}${e.step === step ? ' log-current' : ''}${index === spotIndex ? ' is-spotlit' : ''}`}
        style={{ top: rowTop(tops, r) * LINE_HEIGHT, height: (rowTop(tops, r + 1) - rowTop(tops, r)) * LINE_HEIGHT }}
        aria-current={e.step === step ? 'step' : undefined}
        title={`Step ${e.step}: show this event`}
        onClick={() => send({ type: 'seek', step: e.step })}
        onKeyDown={(ev) => onRowKey(ev, r)}
      >
        <span className="log-ts">{timestamp(e.time)}</span>
        <span className="log-text" style={{ width: `${cols}ch` }}>
          {prefix !== '' && <span className="sr-only">{prefix}</span>}
          {e.text}
        </span>
      </button>,
    );
  }

  const setFilterAndFollow = (f: () => void) => {
    f();
    setStick(true);
  };

  return (
    <Panel
      name="Kernel log"
      className="log-panel"
      actions={
        <span className="log-count panel-meta" aria-live="off">
          {count === total ? `${enNumber(total)} lines` : query.trim() === '' ? `${enNumber(count)} lines (${enNumber(total - count)} debug lines hidden)` : `${enNumber(count)} of ${enNumber(total)} lines`}
          {log.offset > 0 && ` after ${enNumber(log.offset)} earlier lines (Export has them all)`}
        </span>
      }
    >
      <div className="log-tools">
        <input type="search" aria-label="Filter log" placeholder="Filter…" value={query} onChange={(e) => setFilterAndFollow(() => setQuery(e.target.value))} />
        <label>
          <input type="checkbox" checked={debugShown} disabled={quotesDebug} title={quotesDebug ? 'The tour stop quotes a debug line' : undefined} onChange={(e) => setFilterAndFollow(() => setShowDebug(e.target.checked))} />
          Show per-task debug lines
        </label>
      </div>
      <div ref={listRef} className="log-list" role="group" aria-label="Kernel log lines" onScroll={onScroll}>
        <span ref={measureRef} className="log-measure" aria-hidden="true">
          0000000000
        </span>
        {count === 0 ? (
          <p className="log-empty">{total === 0 ? 'Nothing logged yet.' : 'No line matches the filter.'}</p>
        ) : (
          <div className="log-spacer" style={{ height }}>
            {rows}
          </div>
        )}
      </div>
    </Panel>
  );
}
