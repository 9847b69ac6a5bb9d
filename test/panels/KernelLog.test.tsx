// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, getDefaultNormalizer, screen, within } from '@testing-library/react';
import { KernelLog } from '../../src/panels/KernelLog.tsx';
import { flush, renderWithSim } from './harness.tsx';
import { TIMESTAMP_COLS, lineClass, lineKind, linePrefix, timestamp } from '../../src/panels/log/format.ts';
import { countUpTo, filterLog, keeps, linesUpTo, rowTops, visibleRows, wrapLines } from '../../src/panels/log/model.ts';
import type { LogEntry } from '../../src/worker/protocol.ts';
import { Series } from '../../src/app/series.ts';
import type { SimTime } from '../../src/sim/types.ts';

afterEach(cleanup);

const entry = (step: number, text: string, more: Partial<LogEntry> = {}): LogEntry => ({ step, time: (step * 1000) as SimTime, text, level: 'notice', ...more });

describe('log format', () => {
  it('writes printk timestamps as [%5lu.%06lu]', () => {
    expect(timestamp(0)).toBe('[    0.000000]');
    expect(timestamp(4_000_000)).toBe('[    4.000000]');
    expect(timestamp(3_000_086)).toBe('[    3.000086]');
    expect(timestamp(123_456_789_012)).toBe('[123456.789012]');
    expect(TIMESTAMP_COLS).toBe(15);
  });

  it('tells commands, their output and kernel lines apart, and styles levels', () => {
    expect(lineKind({ command: true })).toBe('command');
    expect(lineKind({ stdout: true })).toBe('stdout');
    expect(lineKind({})).toBe('kernel');
    expect(lineClass(entry(1, '% cat /proc/cmdline', { level: 'info', command: true }))).toBe('log-row log-info log-command');
    // A line written to /dev/kmsg that looks like a command is still a kernel line.
    expect(lineClass(entry(1, '% cat /proc/cmdline', { level: 'info' }))).toBe('log-row log-info');
    expect(lineClass(entry(1, 'x', { level: 'debug', taskDebug: true }))).toBe('log-row log-debug log-taskdebug');
    expect(lineClass(entry(1, 'x', { level: 'warn' }))).toBe('log-row log-warn');
    expect(linePrefix(entry(1, 'x', { level: 'err' }))).toBe('error: ');
    expect(linePrefix(entry(1, 'x', { level: 'warn' }))).toBe('warning: ');
    expect(linePrefix(entry(1, 'x', { stdout: true }))).toBe('output: ');
  });
});

describe('log filter', () => {
  const log = [
    entry(1, '% insmod test_klp_livepatch.ko', { level: 'info' }),
    entry(1, "livepatch: enabling patch 'test_klp_livepatch'"),
    entry(9, 'livepatch: klp_try_switch_task: bash:6 is running', { level: 'debug', taskDebug: true }),
    entry(20, "livepatch: 'test_klp_livepatch': patching complete"),
  ];

  it('hides per-task debug lines unless asked, and matches text case-insensitively', () => {
    expect(keeps(log[2]!, false, '')).toBe(false);
    expect(keeps(log[2]!, true, '')).toBe(true);
    expect(filterLog(log, { query: '', showDebug: false }).indices).toEqual([0, 1, 3]);
    expect(filterLog(log, { query: '', showDebug: true }).indices).toEqual([0, 1, 2, 3]);
    expect(filterLog(log, { query: '  PATCHING ', showDebug: true }).indices).toEqual([3]);
    expect(filterLog(log, { query: 'bash', showDebug: false }).indices).toEqual([]);
  });

  it('filters only the appended lines when the log grew, and all of it otherwise', () => {
    const f = { query: 'patch', showDebug: false };
    const first = filterLog(log.slice(0, 2), f);
    const grown = filterLog(log, f, first);
    expect(grown.indices).toEqual(filterLog(log, f).indices);
    // A log that was cut and rebuilt (a new branch) is filtered from scratch.
    const branch = [...log.slice(0, 3), entry(20, 'something else')];
    expect(filterLog(branch, f, grown).indices).toEqual([0, 1]);
    // So is a changed filter.
    expect(filterLog(log, { query: '', showDebug: true }, grown).indices).toEqual([0, 1, 2, 3]);
  });

  it('counts the lines up to a step', () => {
    expect(linesUpTo(log, 0)).toBe(0);
    expect(linesUpTo(log, 1)).toBe(2);
    expect(linesUpTo(log, 19)).toBe(3);
    expect(linesUpTo(log, 99)).toBe(4);
    expect(countUpTo(log, [0, 1, 3], 9)).toBe(2);
    expect(countUpTo(log, [0, 1, 3], 20)).toBe(3);
  });
});

describe('log windowing', () => {
  it('wraps like a browser does monospace pre-wrap text', () => {
    expect(wrapLines('', 10)).toBe(1);
    expect(wrapLines('0123456789', 10)).toBe(1);
    expect(wrapLines('01234 6789 bc', 10)).toBe(2);
    // The space at the wrap hangs; it does not start the next line.
    expect(wrapLines('0123456789 abc', 10)).toBe(2);
    // A word wider than the column is broken, on a line of its own.
    expect(wrapLines('ab 0123456789012345678901', 10)).toBe(4);
    expect(wrapLines('livepatch: klp_try_switch_task: slowcat:15 is sleeping on function cmdline_proc_show', 40)).toBe(3);
  });

  it('keeps the tops of rows as sums of their heights', () => {
    const log = [entry(1, 'short'), entry(2, 'a much longer line that wraps'), entry(3, 'short')];
    expect([...rowTops(log, [0, 1, 2], 12)]).toEqual([0, 1, 4, 5]);
    expect([...rowTops(log, [0, 2], 12)]).toEqual([0, 1, 2]);
  });

  it('renders only the rows in view, plus some overscan', () => {
    const n = 100_000;
    const tops = new Float64Array(n + 1).map((_, i) => i);
    expect(visibleRows(tops, 0, 18, 0, 360)).toEqual({ first: 0, last: 0 });
    expect(visibleRows(tops, n, 18, 0, 360, 0)).toEqual({ first: 0, last: 20 });
    expect(visibleRows(tops, n, 18, 18 * 500 + 9, 360, 0)).toEqual({ first: 500, last: 521 });
    expect(visibleRows(tops, n, 18, 18 * 500, 360, 5)).toEqual({ first: 495, last: 525 });
    expect(visibleRows(tops, n, 18, 18 * (n - 20), 360, 5)).toEqual({ first: n - 25, last: n });
    // Only the first `count` rows exist.
    expect(visibleRows(tops, 10, 18, 0, 360, 5)).toEqual({ first: 0, last: 10 });
  });
});

const rowTexts = () => Array.from(screen.getByRole('group', { name: 'Kernel log lines' }).querySelectorAll('button.log-row .log-text'), (t) => t.lastChild?.textContent ?? '');

describe('<KernelLog />', () => {
  it('is a region named Kernel log that shows only lines up to the current step', async () => {
    const { send } = await renderWithSim(<KernelLog />);
    const region = screen.getByRole('region', { name: 'Kernel log' });
    expect(within(region).getByText('Nothing logged yet.')).toBeTruthy();
    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    // klp_init_transition: the command, the enable and the init line; not yet the start.
    expect(rowTexts()).toEqual(['% insmod test_klp_livepatch.ko', "livepatch: enabling patch 'test_klp_livepatch'", "livepatch: 'test_klp_livepatch': initializing patching transition"]);
    expect(within(region).getAllByText('[    0.000000]', { normalizer: getDefaultNormalizer({ trim: false, collapseWhitespace: false }) })).toHaveLength(3);
    // The lines of the current event are highlighted.
    const current = region.querySelectorAll('[aria-current="step"]');
    expect(current).toHaveLength(3);
    await send({ type: 'jump', to: 'end' });
    expect(rowTexts()).toContain("livepatch: 'test_klp_livepatch': patching complete");
    expect(within(region).getByText("livepatch: 'test_klp_livepatch': starting patching transition").closest('button')!.getAttribute('aria-current')).toBeNull();
    // Back at the start, nothing has been logged.
    await send({ type: 'jump', to: 'start' });
    expect(rowTexts()).toEqual([]);
  });

  it('styles command, output, debug and kernel lines apart', async () => {
    const { send } = await renderWithSim(<KernelLog />);
    await send({ type: 'jump', to: 'end' });
    const row = (text: string) => screen.getByText(text).closest('button')!;
    expect(row('% cat /proc/cmdline').className).toContain('log-command');
    expect(row('test_klp_livepatch: this has been live patched').className).toContain('log-stdout');
    expect(row("livepatch: 'test_klp_livepatch': completing patching transition").className).toContain('log-debug');
    expect(row("livepatch: 'test_klp_livepatch': patching complete").className).toBe('log-row log-notice');
    expect(row('test_klp_livepatch: this has been live patched').textContent).toContain('output: ');
  });

  it('filters by text and shows per-task debug lines on request', async () => {
    const { store, send } = await renderWithSim(<KernelLog />);
    await send({ type: 'jump', to: 'end' });
    const all = rowTexts();
    expect(all.some((t) => t?.includes('klp_try_switch_task'))).toBe(false);
    const debug = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Show per-task debug lines' });
    expect(debug.checked).toBe(false);
    fireEvent.click(debug);
    expect(rowTexts()).toContain('livepatch: klp_try_switch_task: slowcat:15 is sleeping on function cmdline_proc_show');
    expect(rowTexts().length).toBeGreaterThan(all.length);

    const filter = screen.getByRole('searchbox', { name: 'Filter log' });
    fireEvent.input(filter, { target: { value: 'SLOWCAT' } });
    const only = rowTexts();
    expect(only.length).toBeGreaterThan(1);
    for (const t of only) expect(t?.toLowerCase()).toContain('slowcat');
    expect(screen.getByText(`${only.length} of ${store.getState().log.length} lines`)).toBeTruthy();
    fireEvent.click(debug);
    expect(rowTexts()).toEqual(['% wake slowcat']);
    fireEvent.input(filter, { target: { value: 'no such line' } });
    expect(screen.getByText('No line matches the filter.')).toBeTruthy();
  });

  it('seeks to the event of a line that is clicked', async () => {
    const { store, send } = await renderWithSim(<KernelLog />);
    await send({ type: 'jump', to: 'end' });
    const start = store.getState().log.find((l) => l.text.endsWith('starting patching transition'))!;
    fireEvent.click(screen.getByText(start.text).closest('button')!);
    await flush();
    expect(store.getState().frame!.step).toBe(start.step);
    expect(rowTexts().at(-1)).toBe(start.text);
    expect(screen.getByText(start.text).closest('button')!.getAttribute('aria-current')).toBe('step');
  });

  it('moves between lines with the arrow keys', async () => {
    const { send } = await renderWithSim(<KernelLog />);
    await send({ type: 'jump', to: 'end' });
    const rows = screen.getByRole('group', { name: 'Kernel log lines' }).querySelectorAll<HTMLButtonElement>('button.log-row');
    rows[0]!.focus();
    fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rows[1]);
    fireEvent.keyDown(rows[1]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(rows[0]);
  });

  it('stays small in the DOM with 100,000 lines and follows the latest', async () => {
    const { store } = await renderWithSim(<KernelLog />);
    const n = 100_000;
    const log = Array.from({ length: n }, (_, i) => entry(i + 1, `livepatch: line ${i + 1}`, i % 10 === 0 ? { level: 'debug', taskDebug: true } : {}));
    const frame = store.getState().frame!;
    act(() => store.setState({ log: Series.of(log), frame: { ...frame, step: n } }));
    const rows = rowTexts();
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    // Scrolled to the end: the last line (every tenth, from line 1, is a hidden debug line).
    expect(rows.at(-1)).toBe(`livepatch: line ${n}`);
    expect(screen.getByText('90,000 lines (10,000 debug lines hidden)')).toBeTruthy();
    // Filtering all of them still renders a window.
    fireEvent.input(screen.getByRole('searchbox', { name: 'Filter log' }), { target: { value: 'line 4' } });
    const filtered = rowTexts();
    expect(filtered.length).toBeLessThan(60);
    for (const t of filtered) expect(t).toMatch(/line 4/);
  });
});
