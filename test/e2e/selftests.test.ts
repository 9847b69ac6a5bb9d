// The "Kernel selftests" section of the demos: open a case, run it to its
// end, and see the expected log and this run's log match (the diff turns
// green), with screenshots at three sizes.
import AxeBuilder from '@axe-core/playwright';
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

describe('Kernel selftests in the demos', () => {
  it('opens test-callbacks.sh "module_coming notifier" and runs it to a green diff', async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url);
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
    await page.getByRole('button', { name: 'Demos' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Kernel selftests' }).waitFor();
    await page.getByRole('button', { name: 'Open selftest: module_coming notifier (test-callbacks.sh)' }).click();
    const panel = page.getByRole('region', { name: 'Kernel selftest' });
    await panel.waitFor();
    await expect.poll(() => panel.textContent()).toContain('tools/testing/selftests/livepatch/test-callbacks.sh');
    await expect.poll(() => panel.getByRole('status').textContent()).toMatch(/^… ?0 of \d+ expected lines so far$/);
    await page.getByRole('button', { name: 'Jump to end', exact: true }).click();
    await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 20_000 }).toContain('The log matches the selftest');
    expect(await panel.evaluate((el) => el.classList.contains('is-green'))).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/selftest-green-1366x768.png` });
    for (const [w, hh] of [
      [1280, 720],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width: w, height: hh });
      await page.screenshot({ path: `${ARTIFACTS}/selftest-green-${w}x${hh}.png`, fullPage: w < 600 });
    }
    const axe = await new AxeBuilder({ page }).include('.selftest-check').analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 90_000);
});
