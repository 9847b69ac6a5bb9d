// The timeline's event axis in Chromium: a bug demo whose whole run is at
// 0 s opens on the event axis, a click on the plot lands on the very event
// under the pointer, and `x` switches to simulated time and back; the first
// pass of first-livepatch (events ~5–35 of 1,174) opens framed across the plot,
// with "Whole run" beside it, and the view turns to the whole run when the
// playhead leaves the pass.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function open(hash: string): Promise<Page> {
  const page = await h.newPage({ width: 1366, height: 768 });
  await page.goto(`${h.url}#${hash}`);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame != null);
  return page;
}

const frame = (page: Page) => page.evaluate(() => window.klpscope!.store.getState().frame!);

describe('the timeline axis', () => {
  it('scrubs a bug demo all at 0 s to an exact event on the event axis, and x toggles the axis', async () => {
    const page = await open('v=1&s=0&p=bug-a-rfc');
    await page.keyboard.press('End');
    await page.waitForFunction(() => {
      const f = window.klpscope!.store.getState().frame!;
      return f.end !== null && f.step === f.end;
    });
    const end = await frame(page);
    expect(end.time).toBe(0);
    const svg = page.getByRole('group', { name: /^Tasks by patch state/ });
    await expect.poll(() => svg.getAttribute('data-axis')).toBe('event');
    await expect.poll(() => page.getByTestId('timeline-axis-title').textContent()).toContain('event #');
    const scrub = page.getByTestId('timeline-scrub');
    await scrub.scrollIntoViewIfNeeded();
    for (const target of [3, 7, 8, end.computed - 1]) {
      const box = (await scrub.boundingBox())!;
      const x = box.x + (box.width * target) / end.computed;
      await page.mouse.click(x, box.y + 20);
      await expect.poll(async () => (await frame(page)).step).toBe(target);
    }
    // x switches to simulated time, where the whole run is one instant, and back.
    await page.locator('body').press('x');
    await expect.poll(() => svg.getAttribute('data-axis')).toBe('time');
    await expect.poll(() => page.getByTestId('timeline-axis-title').textContent()).toBe('simulated time (s)');
    await page.getByRole('group', { name: 'Timeline axis' }).getByRole('button', { name: 'event #' }).click();
    await expect.poll(() => svg.getAttribute('data-axis')).toBe('event');
    await page.close();
  });

  it('opens first-livepatch with its first pass across the plot, and turns to the whole run when the playhead leaves it', async () => {
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1366, height: 768 },
    ]) {
      const page = await h.newPage(size);
      await page.goto(`${h.url}#v=1&p=first-livepatch&t=3`);
      const view = page.getByRole('group', { name: 'Timeline view' });
      const pressed = () => view.getByRole('button', { pressed: true }).textContent();
      // The background computes the run; the pass is framed once it is known, the playhead (stop 4) in it.
      await expect.poll(pressed, { timeout: 30_000 }).toBe('First pass');
      const plot = await page.evaluate(() => {
        const svg = document.querySelector('svg.tl-svg')!;
        const ticks = [...svg.querySelectorAll('.tl-axis text[dy="0.71em"]')].map((t) => Number((t.textContent ?? '').replace(/,/g, '')));
        const f = window.klpscope!.store.getState();
        const switches = f.samples.toArray().filter((x) => x.step > 0 && x.step <= 40).length;
        return { ticks, computed: f.frame!.computed, switches };
      });
      // Every event of the pass has room: the axis spans a few dozen events of the 1,174.
      expect(Math.max(...plot.ticks), `${size.width}`).toBeLessThan(60);
      expect(plot.computed).toBeGreaterThan(1000);
      expect(plot.switches).toBeGreaterThan(10);
      await page.screenshot({ path: `${ARTIFACTS}/timeline-first-pass-${size.width}x${size.height}.png` });
      // The whole run, asked for.
      await view.getByRole('button', { name: 'Whole run' }).click();
      await expect.poll(() => page.evaluate(() => Math.max(...[...document.querySelectorAll('svg.tl-svg .tl-axis text[dy="0.71em"]')].map((t) => Number((t.textContent ?? '').replace(/,/g, '')))))).toBeGreaterThanOrEqual(1000);
      await view.getByRole('button', { name: 'First pass' }).click();
      await expect.poll(pressed).toBe('First pass');
      await page.close();
    }
    // Leaving the pass (End) shows the whole run, and it stays so going back.
    const page = await open('v=1&p=first-livepatch&t=3');
    const view = page.getByRole('group', { name: 'Timeline view' });
    const pressed = () => view.getByRole('button', { pressed: true }).textContent();
    await expect.poll(pressed, { timeout: 30_000 }).toBe('First pass');
    await page.keyboard.press('End');
    await expect.poll(pressed).toBe('Whole run');
    await page.keyboard.press('Home');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
    await expect.poll(pressed).toBe('Whole run');
    await page.close();
  });
});
