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

describe('the built app in Chromium', () => {
  it('loads without errors and names itself', async () => {
    const page = await h.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('klpscope');
    await page.screenshot({ path: `${ARTIFACTS}/placeholder.png` });
    expect(errors).toEqual([]);
  });
});
