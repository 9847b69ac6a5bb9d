// The first interactive frame, in Chromium against the production build: the
// page is drawn once, with the default demo's first frame, so the first
// animation frame after that frame reached the store already shows every
// panel of the default layout with the demo's data; a key pressed at that
// moment acts. (How soon that frame comes is measured by bench:ui, not here.)
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, settled, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** What the page shows in the first animation frame after the store has a frame (before that frame is painted). */
interface FirstFrame {
  readonly step: number;
  readonly tasks: number;
  readonly cpus: number;
  readonly name: string;
  readonly narration: string;
  /** Text of each named region, by name. */
  readonly regions: Record<string, string>;
  readonly cpuRows: number;
  /** Pixels the task grid's canvas has drawn. */
  readonly gridInk: number;
  readonly timelinePaths: number;
}

/**
 * An init script: at the first animation frame in which the store has a
 * frame, runs `body` (JavaScript that calls resolve), and sets window[name] to
 * the promise of what it resolves with.
 */
const atFirstFrame = (name: string, body: string): string => `
window.${name} = new Promise((resolve) => {
  const check = () => {
    if (!window.klpscope?.store.getState().frame) return requestAnimationFrame(check);
    ${body}
  };
  requestAnimationFrame(check);
});`;

/** Before the app runs: at each animation frame, look for the store's first frame; at the first that has one, note what the page shows. */
const WATCH_FIRST_FRAME = atFirstFrame(
  '__firstFrame',
  `
    const s = window.klpscope.store.getState();
    const f = s.frame;
    const regions = {};
    for (const el of document.querySelectorAll('[role="region"], section[aria-labelledby]')) {
      const name = el.getAttribute('aria-label') ?? document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent ?? '';
      if (name !== '') regions[name.trim()] = el.textContent ?? '';
    }
    resolve({
      step: f.step,
      tasks: f.tasks.count,
      cpus: f.cpus.length,
      name: s.meta?.name ?? '',
      narration: s.meta?.description ?? '',
      regions,
      cpuRows: document.querySelectorAll('.cpus-panel tbody tr').length,
      gridInk: (() => {
        const c = document.querySelector('.tg-canvas');
        const d = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      })(),
      timelinePaths: document.querySelectorAll('.timeline-panel svg path').length,
    });
`,
);

async function openWatched(): Promise<Page> {
  const page = await h.newPage({ width: 1366, height: 768 });
  await page.addInitScript({ content: WATCH_FIRST_FRAME });
  await page.goto(h.url);
  return page;
}

describe('the first interactive frame', () => {
  it('shows every panel of the default layout with the default demo\'s data in the first animation frame after the frame arrives', async () => {
    const page = await openWatched();
    const first = await page.evaluate(() => (window as unknown as { __firstFrame: Promise<FirstFrame> }).__firstFrame);
    expect(first.step).toBe(0);
    expect(first.name).toBe('Your first livepatch');
    for (const name of ['Task grid', 'CPUs', 'Function stacks', 'Globals', 'Task inspector', 'Timeline', 'Kernel log', 'Kernel code', 'Narration']) {
      expect(Object.keys(first.regions), `region ${name}`).toContain(name);
    }
    // The demo's data, not placeholders: its tasks counted in the globals and drawn in the grid,
    // a row for each CPU, the scenario's description (the narration at step 0), the kernel's
    // code, and the timeline's plot of the run so far.
    expect(first.regions['Globals']).toContain(`${first.tasks} live tasks`);
    // The task grid is drawn (its canvas and its count), not left for a later frame.
    expect(first.regions['Task grid']).toContain(`${first.tasks} tasks`);
    expect(first.gridInk).toBeGreaterThan(0);
    expect(first.cpuRows).toBe(first.cpus);
    expect(first.regions['CPUs']).toContain(`${first.cpus} of ${first.cpus} online`);
    expect(first.narration).not.toBe('');
    expect(first.regions['Narration']).toContain(first.narration.slice(0, 40));
    expect(first.regions['Kernel code']).toContain('klp_init_transition');
    expect(first.timelinePaths).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/first-frame-1366x768.png` });
    await page.context().close();
  });

  it('has the run computed to its end, with no input, once the first frame is drawn (the worker holds its computing ahead until then)', async () => {
    const page = await openWatched();
    const first = await page.evaluate(() => (window as unknown as { __firstFrame: Promise<FirstFrame> }).__firstFrame);
    expect(first.step).toBe(0);
    // The end of the run: in the store, and on the transport, the view still at step 0.
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.end != null, undefined, { timeout: 10_000 });
    const end = await page.evaluate(() => window.klpscope?.store.getState().frame?.end ?? null);
    expect(end).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.transport .where').textContent()).toContain(`step 0 / ${(end ?? 0).toLocaleString('en')}`);
    await page.context().close();
  });

  it('answers a key pressed as the first frame shows', async () => {
    const page = await openWatched();
    await page.evaluate(() => (window as unknown as { __firstFrame: Promise<FirstFrame> }).__firstFrame);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 1, undefined, { timeout: 10_000 });
    await page.context().close();
  });

  it('keeps a scenario opened in the first animation frame after the first frame: the page\'s own (empty) link does not reopen the default demo over it', async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    await page.addInitScript({ content: atFirstFrame('__opened', "window.klpscope.store.getState().load({ preset: 'fork' }); resolve(null);") });
    await page.goto(h.url);
    await page.evaluate(() => (window as unknown as { __opened: Promise<null> }).__opened);
    await page.waitForFunction(() => window.klpscope?.store.getState().meta?.preset === 'fork', undefined, { timeout: 10_000 });
    // Anything the worker still had to say about the boot's load has come: the demo opened stays.
    await settled(page);
    expect(await page.evaluate(() => window.klpscope?.store.getState().meta?.preset)).toBe('fork');
    expect(await page.evaluate(() => window.klpscope?.store.getState().source)).toEqual({ preset: 'fork' });
    await page.context().close();
  });

  it('paints the timeline at the width of its box in the first frame (not at a default width, redrawn a frame later)', async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    // At the first animation frame that has the store's first frame, wait one more: that frame has been painted.
    await page.addInitScript({
      content: atFirstFrame(
        '__painted',
        `requestAnimationFrame(() => {
          const svg = document.querySelector('svg.tl-svg');
          resolve({ drawn: Number(svg?.getAttribute('width') ?? 0), box: svg?.parentElement?.getBoundingClientRect().width ?? 0 });
        });`,
      ),
    });
    await page.goto(h.url);
    const w = await page.evaluate(() => (window as unknown as { __painted: Promise<{ drawn: number; box: number }> }).__painted);
    expect(w.box).toBeGreaterThan(0);
    expect(Math.abs(w.drawn - w.box)).toBeLessThan(1);
    await page.context().close();
  });

  it("has the app's stylesheet preloaded by the page itself, beside the app's chunk, and no stylesheet holding back the entry", async () => {
    const html = await (await fetch(h.url)).text();
    // A stylesheet link in the page would hold back the entry's module script (and the worker's start) until it loaded.
    expect(html).not.toMatch(/rel="stylesheet"/);
    // With crossorigin, as Vite's loader asks for it: a preload in another credentials mode is not used (and the sheet is fetched twice).
    const preloaded = [...html.matchAll(/<link rel="preload" as="style" crossorigin href="\.\/(assets\/[^"]+\.css)">/g)].map((m) => m[1]);
    expect(preloaded).toHaveLength(1);
    expect(html).toMatch(/<link rel="modulepreload" crossorigin href="\.\/assets\/mount-[^"]+\.js">/);
    const page = await h.newPage({ width: 1366, height: 768 });
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (/preload/i.test(m.text())) warnings.push(m.text());
    });
    await page.addInitScript({ content: WATCH_FIRST_FRAME });
    await page.goto(h.url);
    await page.evaluate(() => (window as unknown as { __firstFrame: Promise<FirstFrame> }).__firstFrame);
    expect(warnings).toEqual([]);
    // The stylesheet the app's chunk asks for is the one preloaded.
    const applied = await page.evaluate(() => [...document.styleSheets].map((s) => new URL(s.href ?? '', location.href).pathname));
    expect(applied.some((p) => p.endsWith(`/${preloaded[0]}`))).toBe(true);
    await page.context().close();
  });

  it('sets its text in a small type scale: whole pixel sizes, one bold weight, a few fonts for the first frame to look up', async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    await page.goto(h.url);
    // The run computed to its end (no progress bar coming and going), and the page painted since.
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.end != null, undefined, { timeout: 10_000 });
    await settled(page, { painted: true });
    // Each distinct family, size, weight and style the text uses is a font the browser looks up before the first frame.
    const fonts = await page.evaluate(() => {
      const seen = new Set<string>();
      for (const el of document.querySelectorAll('body *')) {
        const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
        if (!text && !['INPUT', 'SELECT', 'BUTTON'].includes(el.tagName)) continue;
        const cs = getComputedStyle(el);
        if (cs.display === 'none' || cs.visibility === 'hidden') continue;
        seen.add(`${/mono/i.test(cs.fontFamily) ? 'mono' : 'sans'} ${cs.fontSize} ${cs.fontWeight} ${cs.fontStyle}`);
      }
      return [...seen];
    });
    const sizes = fonts.map((f) => f.split(' ')[1]!);
    expect(sizes.filter((s) => !/^\d+px$/.test(s)), 'sizes that are not whole pixels').toEqual([]);
    expect(new Set(fonts.map((f) => f.split(' ')[2])), 'weights').toEqual(new Set(['400', '600']));
    expect(fonts.length, fonts.join(', ')).toBeLessThanOrEqual(21);
    await page.context().close();
  });
});
