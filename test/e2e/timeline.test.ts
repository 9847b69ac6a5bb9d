// The timeline's event axis in Chromium: a bug demo whose whole run is at
// 0 s opens on the event axis, a click on the plot lands on the very event
// under the pointer, and `x` switches to simulated time and back.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './browser.ts';
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
    const svg = page.locator('svg.tl-svg');
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
});
