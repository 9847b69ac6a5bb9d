// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Export } from '../../src/panels/Export.tsx';
import { Timeline } from '../../src/panels/Timeline.tsx';
import type { RasterEnv } from '../../src/panels/export/png.ts';
import { svgDataUrl } from '../../src/panels/export/png.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(() => {
  cleanup();
  document.head.querySelectorAll('style[data-test]').forEach((s) => s.remove());
  vi.restoreAllMocks();
});

/** The app's real stylesheets, which vitest does not load: the theme variables and the timeline's rules. */
function loadStyles() {
  for (const file of ['../../src/styles.css', '../../src/panels/timeline.css']) {
    const style = document.createElement('style');
    style.dataset.test = '';
    style.textContent = readFileSync(new URL(file, import.meta.url), 'utf8');
    document.head.append(style);
  }
}

function setup(options: { raster?: RasterEnv<unknown> } = {}) {
  const files: { filename: string; blob: Blob }[] = [];
  const download = vi.fn((filename: string, blob: Blob) => {
    files.push({ filename, blob });
  });
  return { files, download, ui: <><Timeline /><Export download={download} raster={options.raster} /></> };
}

const button = () => screen.getByRole('button', { name: 'Export' });
const menu = () => screen.queryByRole('menu', { name: 'Export' });
const item = (name: string) => screen.getByRole('menuitem', { name });

describe('<Export />', () => {
  it('opens and closes its menu with the keyboard, and its keys do not reach the app', async () => {
    const user = userEvent.setup();
    const { ui } = setup();
    await renderWithSim(ui);
    const reachedWindow: string[] = [];
    const onKey = (e: KeyboardEvent) => reachedWindow.push(e.key);
    window.addEventListener('keydown', onKey);
    try {
      expect(button().getAttribute('aria-haspopup')).toBe('menu');
      expect(button().getAttribute('aria-expanded')).toBe('false');
      expect(menu()).toBeNull();

      button().focus();
      await user.keyboard('{Enter}');
      expect(button().getAttribute('aria-expanded')).toBe('true');
      expect(screen.getAllByRole('menuitem').map((m) => m.textContent)).toEqual(['Timeline as SVG', 'Timeline as PNG', 'Trace as JSON lines', 'Log as text']);
      expect(button().getAttribute('aria-controls')).toBe(menu()!.id);
      expect(document.activeElement).toBe(item('Timeline as SVG'));

      await user.keyboard('{ArrowDown}');
      expect(document.activeElement).toBe(item('Timeline as PNG'));
      await user.keyboard('{ArrowUp}{ArrowUp}');
      expect(document.activeElement).toBe(item('Log as text'));
      await user.keyboard('{ArrowDown}');
      expect(document.activeElement).toBe(item('Timeline as SVG'));
      await user.keyboard('{End}');
      expect(document.activeElement).toBe(item('Log as text'));
      await user.keyboard('{Home}');
      expect(document.activeElement).toBe(item('Timeline as SVG'));
      await user.keyboard('l');
      expect(document.activeElement).toBe(item('Log as text'));
      // One tab stop in the menu: the focused item.
      expect(screen.getAllByRole('menuitem').filter((m) => m.tabIndex === 0)).toEqual([item('Log as text')]);

      await user.keyboard('{Escape}');
      expect(menu()).toBeNull();
      expect(button().getAttribute('aria-expanded')).toBe('false');
      expect(document.activeElement).toBe(button());

      // Up on the button opens at the last item; Space and Down at the first.
      await user.keyboard('{ArrowUp}');
      expect(document.activeElement).toBe(item('Log as text'));
      await user.keyboard('{Escape}');
      await user.keyboard(' ');
      expect(document.activeElement).toBe(item('Timeline as SVG'));
      await user.keyboard('{Escape}{ArrowDown}');
      expect(document.activeElement).toBe(item('Timeline as SVG'));

      // The keys the menu used never reached the app's shortcuts (arrows step, Space plays, Home/End jump).
      expect(reachedWindow).toEqual([]);

      // Tab leaves the menu and closes it.
      await user.tab();
      expect(menu()).toBeNull();
    } finally {
      window.removeEventListener('keydown', onKey);
    }
  });

  it('opens on click and closes on a click outside', async () => {
    const user = userEvent.setup();
    const { ui } = setup();
    await renderWithSim(ui);
    await user.click(button());
    expect(menu()).not.toBeNull();
    await user.click(screen.getByRole('region', { name: 'Timeline' }));
    expect(menu()).toBeNull();
    await user.click(button());
    await user.click(button());
    expect(menu()).toBeNull();
  });

  it('"Trace as JSON lines" saves the trace up to the current step, one JSON event per line', async () => {
    const user = userEvent.setup();
    const { ui, files } = setup();
    const { store, send } = await renderWithSim(ui);
    // An earlier export, asked for elsewhere, is in the store already.
    await send({ type: 'seek', step: 5 });
    await send({ type: 'export', what: 'trace' });
    expect(store.getState().exported?.seq).toBe(1);
    await send({ type: 'jump', to: 'end' });
    const step = store.getState().frame!.step;
    expect(step).toBeGreaterThan(100);

    await user.click(button());
    // The store changes (as it does with every frame while playing) before the worker answers.
    act(() => {
      fireEvent.click(item('Trace as JSON lines'));
      store.setState({ helpOpen: true });
    });
    await flush();
    expect(files.map((f) => f.filename)).toEqual(['your-first-livepatch-trace.jsonl']);
    expect(files[0]!.blob.type).toMatch(/ndjson/);
    const text = await files[0]!.blob.text();
    expect(text.endsWith('\n')).toBe(true);
    const events = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { step: number });
    expect(events.map((e) => e.step)).toEqual(Array.from({ length: step }, (_, i) => i + 1));
    expect(screen.getByRole('status').textContent).toBe('Saved your-first-livepatch-trace.jsonl');
    expect(document.activeElement).toBe(button());

    // After a step back, only as far as the current step.
    await send({ type: 'seek', step: 10 });
    await user.click(button());
    await user.click(item('Trace as JSON lines'));
    await flush();
    expect(files).toHaveLength(2);
    const earlier = (await files[1]!.blob.text()).trimEnd().split('\n');
    expect(earlier.map((l) => (JSON.parse(l) as { step: number }).step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('"Log as text" saves the kernel log with dmesg timestamps, by keyboard too', async () => {
    const user = userEvent.setup();
    const { ui, files, download } = setup();
    const { store, send } = await renderWithSim(ui);
    await send({ type: 'jump', to: 'end' });
    button().focus();
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(item('Log as text'));
    await user.keyboard('{Enter}');
    await flush();
    expect(download).toHaveBeenCalledTimes(1);
    expect(files[0]!.filename).toBe('your-first-livepatch-log.txt');
    expect(files[0]!.blob.type).toMatch(/^text\/plain/);
    const text = await files[0]!.blob.text();
    expect(text).toContain('% insmod test_klp_livepatch.ko');
    expect(text.split('\n')[0]).toBe('[    0.000000] % insmod test_klp_livepatch.ko');
    expect(text).toMatch(/^\[ {4}0\.000000\] livepatch: enabling patch 'test_klp_livepatch'$/m);
    expect(text).toMatch(/^\[ {4}4\.\d{6}\] livepatch: 'test_klp_livepatch': patching complete$/m);
    // Another component's export of the log is not saved as this one's.
    await send({ type: 'export', what: 'log' });
    expect(download).toHaveBeenCalledTimes(1);
    expect(store.getState().exported?.seq).toBe(2);
  });

  it('"Timeline as SVG" saves the timeline as a standalone SVG with its colours resolved', async () => {
    loadStyles();
    const user = userEvent.setup();
    const { ui, files } = setup();
    const { send, store } = await renderWithSim(ui);
    await send({ type: 'jump', to: 'end' });
    const page = screen.getByRole('region', { name: 'Timeline' }).querySelector('svg.tl-svg')!;
    // On the page the colours are variables.
    expect(getComputedStyle(page.querySelector('.tl-area')!).getPropertyValue('stroke')).toBe('var(--panel)');

    await user.click(button());
    await user.click(item('Timeline as SVG'));
    expect(files.map((f) => f.filename)).toEqual(['your-first-livepatch-timeline.svg']);
    expect(files[0]!.blob.type).toMatch(/^image\/svg\+xml/);
    const text = await files[0]!.blob.text();
    expect(text).not.toContain('var(--');
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    const svg = doc.documentElement;
    expect(svg.localName).toBe('svg');
    expect(svg.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(svg.getAttribute('width')).toBe(page.getAttribute('width'));
    // Named for the axis the timeline shows (this demo's default is the event axis).
    expect(screen.getByRole('group', { name: /^Tasks by patch state/ }).getAttribute('data-axis')).toBe('event');
    expect(svg.querySelector('title')!.textContent).toMatch(/^Your first livepatch: tasks by patch state over the events in trace order, up to step [\d,]+$/);
    // The stacked areas and the pending line, as drawn on the page.
    for (const k of ['patched', 'unpatched', 'undefined']) {
      const area = svg.querySelector(`path.tl-area-${k}`)!;
      expect(area.getAttribute('d')).toBe(page.querySelector(`path.tl-area-${k}`)!.getAttribute('d'));
      expect(area.getAttribute('d')).toMatch(/^M/);
      expect(area.getAttribute('style')).toContain('stroke:#ffffff');
      expect(area.getAttribute('fill')).toMatch(/^url\(#.+\)$/);
      expect(svg.querySelector(area.getAttribute('fill')!.slice(4, -1))?.localName).toBe('pattern');
    }
    expect(svg.querySelector('path.tl-pending')!.getAttribute('style')).toMatch(/stroke:#cc79a7.*stroke-dasharray:5 3/);
    // The layer drawn over the plot on the page (the veil, the marks, the now line) comes after the plot, as it lies over it.
    const drawn = [...svg.children].map((e) => e.getAttribute('class'));
    expect(drawn.indexOf('tl-plot')).toBeGreaterThan(0);
    expect(drawn.slice(drawn.indexOf('tl-plot') + 1)).toEqual(['tl-axis', 'tl-scrub', 'tl-lane', 'tl-lane', 'tl-now-mark']);
    expect(svg.querySelector('.tl-now')!.getAttribute('style')).toMatch(/stroke:#/);
    expect(svg.querySelector('.tl-fill-patched')!.getAttribute('style')).toContain('fill:#0072b2');
    expect(svg.getAttribute('style')).toMatch(/font-family:system-ui/);
    // A background in the panel's colour, first thing drawn.
    const bg = svg.querySelector('rect')!;
    expect(bg.getAttribute('fill')).toBe('#ffffff');
    expect(bg.getAttribute('width')).toBe(page.getAttribute('width'));
    // Nothing of the page's interactivity.
    expect(svg.querySelector('[tabindex], [role="button"]')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Saved your-first-livepatch-timeline.svg');
    // On the time axis, the title says so.
    act(() => store.getState().setTimelineAxis('time'));
    await user.click(button());
    await user.click(item('Timeline as SVG'));
    expect(files).toHaveLength(2);
    const again = new DOMParser().parseFromString(await files[1]!.blob.text(), 'image/svg+xml');
    expect(again.querySelector('title')!.textContent).toMatch(/^Your first livepatch: tasks by patch state over simulated time, up to step [\d,]+$/);
  });

  it('says so, and saves nothing, when the timeline is not on the page', async () => {
    const user = userEvent.setup();
    const download = vi.fn();
    await renderWithSim(<Export download={download} />);
    await user.click(button());
    await user.click(item('Timeline as SVG'));
    expect(download).not.toHaveBeenCalled();
    expect(screen.getByRole('status').textContent).toMatch(/timeline is not on the page/);
  });

  it('"Timeline as PNG" says clearly that it needs a canvas where there is none', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const user = userEvent.setup();
    const { ui, download } = setup();
    const { send } = await renderWithSim(ui);
    await send({ type: 'jump', to: 'end' });
    await user.click(button());
    await user.click(item('Timeline as PNG'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('PNG export needs a 2D canvas, which this browser does not provide. Export the timeline as SVG instead.'));
    expect(screen.getByRole('status').className).toContain('export-status-error');
    expect(download).not.toHaveBeenCalled();
  });

  it('"Timeline as PNG" draws the exported SVG at 2× and saves the canvas', async () => {
    const drawn: unknown[][] = [];
    let loaded = '';
    const canvas = {
      width: 0,
      height: 0,
      getContext: () => ({ fillStyle: '', scale: (x: number, y: number) => drawn.push(['scale', x, y]), fillRect: () => {}, drawImage: (...a: unknown[]) => drawn.push(['drawImage', ...a]) }),
      toBlob: (cb: (b: Blob | null) => void, type?: string) => cb(new Blob(['png'], { type })),
    };
    const raster: RasterEnv<unknown> = {
      createCanvas: () => canvas,
      loadImage: async (url) => {
        loaded = url;
        return 'image';
      },
    };
    const user = userEvent.setup();
    const { ui, files } = setup({ raster });
    const { send } = await renderWithSim(ui);
    await send({ type: 'jump', to: 'end' });
    await user.click(button());
    await user.click(item('Timeline as SVG'));
    await user.click(button());
    await user.click(item('Timeline as PNG'));
    await waitFor(() => expect(files).toHaveLength(2));
    expect(files[1]!.filename).toBe('your-first-livepatch-timeline.png');
    expect(files[1]!.blob.type).toBe('image/png');
    // It drew the same document as the SVG export, at twice the timeline's size.
    expect(loaded).toBe(svgDataUrl(await files[0]!.blob.text()));
    const width = Number(screen.getByRole('region', { name: 'Timeline' }).querySelector('svg.tl-svg')!.getAttribute('width'));
    expect(canvas.width).toBe(width * 2);
    expect(drawn[0]).toEqual(['scale', 2, 2]);
    expect(drawn[1]!.slice(0, 4)).toEqual(['drawImage', 'image', 0, 0]);
  });

  it('clicks a real <a download> with an object URL and revokes it after', async () => {
    vi.useFakeTimers();
    try {
      const { downloadFile } = await import('../../src/panels/Export.tsx');
      const create = vi.fn(() => 'blob:fake');
      const revoke = vi.fn();
      vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke }));
      const clicked: HTMLAnchorElement[] = [];
      const onClick = (e: MouseEvent) => {
        clicked.push(e.target as HTMLAnchorElement);
        e.preventDefault();
      };
      document.addEventListener('click', onClick);
      const blob = new Blob(['x'], { type: 'text/plain' });
      downloadFile('a-log.txt', blob);
      document.removeEventListener('click', onClick);
      expect(create).toHaveBeenCalledWith(blob);
      expect(clicked).toHaveLength(1);
      expect([clicked[0]!.download, clicked[0]!.getAttribute('href')]).toEqual(['a-log.txt', 'blob:fake']);
      expect(clicked[0]!.isConnected).toBe(false);
      expect(revoke).not.toHaveBeenCalled();
      vi.runAllTimers();
      expect(revoke).toHaveBeenCalledWith('blob:fake');
    } finally {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });

  it('keeps the item that is preparing from starting twice', async () => {
    const { ui, download } = setup();
    const { store } = await renderWithSim(ui);
    const sendSpy = vi.spyOn(store.getState(), 'send');
    fireEvent.click(button());
    fireEvent.click(item('Trace as JSON lines'));
    fireEvent.click(button());
    expect(item('Trace as JSON lines').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(item('Trace as JSON lines'));
    expect(sendSpy).toHaveBeenCalledTimes(1);
    await flush();
    expect(download).toHaveBeenCalledTimes(1);
  });

  it('stops waiting, and says why, when the worker fails before it answers', async () => {
    const { ui, download } = setup();
    const { store } = await renderWithSim(ui);
    // A worker that never answers the export, then fails.
    vi.spyOn(store.getState(), 'send').mockImplementation(() => {});
    fireEvent.click(button());
    fireEvent.click(item('Log as text'));
    expect(screen.getByRole('status').textContent).toBe('Preparing the log…');
    fireEvent.click(button());
    expect(item('Log as text').getAttribute('aria-disabled')).toBe('true');
    act(() => store.setState({ error: 'boom' }));
    expect(screen.getByRole('status').textContent).toBe('The log could not be exported: boom');
    expect(item('Log as text').getAttribute('aria-disabled')).toBeNull();
    // A late answer is not saved.
    act(() => store.setState({ exported: { what: 'log', text: 'late', seq: 99 } }));
    expect(download).not.toHaveBeenCalled();
  });
});
