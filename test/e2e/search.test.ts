// Find a counterexample, in Chromium against the production build: a search
// runs in its own worker with live progress while the page stays usable,
// Cancel stops it, and a found counterexample opens as a run of its own at
// the violation, marked as not the real kernel.
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

async function openPreset(page: Page, preset: string): Promise<void> {
  await page.evaluate((id) => window.klpscope?.store.getState().load({ preset: id }), preset);
  await page.waitForFunction((id) => window.klpscope?.store.getState().meta?.preset === id && window.klpscope?.store.getState().frame?.step === 0, preset);
}

describe('Find a counterexample', () => {
  it('shows progress, cancels, and opens a found counterexample at its violation', async () => {
    const page = await h.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url);
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);

    // A search of the real kernel runs long: it shows its progress, the page stays responsive, and Cancel stops it.
    await openPreset(page, 'first-livepatch');
    await page.getByRole('button', { name: 'Find a counterexample' }).click();
    const dialog = page.getByRole('dialog', { name: 'Find a counterexample' });
    await dialog.getByRole('button', { name: 'Start the search' }).click();
    const status = dialog.getByRole('status');
    await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 20_000 }).toMatch(/^Searching: [1-9][\d,]* states, depth \d+, [\d,]+ states\/s/);
    // The simulation worker still answers while the search worker is busy.
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'step', unit: 'event', direction: 1 }));
    await page.waitForFunction(() => (window.klpscope?.store.getState().frame?.step ?? 0) > 0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(async () => (await status.textContent()) ?? '').toMatch(/^Cancelled after [\d,]+ states/);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // A what-if demo: its switch is ticked, the search finds the violation, and it opens.
    await openPreset(page, 'whatif-fork');
    await expect.poll(async () => (await page.locator('.badge-not-real').textContent()) ?? '').toBe('not the real kernel: no-fork-inherit');
    await page.getByRole('button', { name: 'Find a counterexample' }).click();
    await expect(dialog.getByRole('checkbox', { name: /no-fork-inherit/ }).isChecked()).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Start the search' }).click();
    await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 30_000 }).toMatch(/^violation found: invariant 9 \(fork inheritance\)/);
    await page.screenshot({ path: `${ARTIFACTS}/search-found.png` });
    // The invariant it breaks is named as a link to the guarantees page, in the summary and beside the button.
    expect(await dialog.getByRole('button', { name: 'invariant 9' }).count()).toBe(2);
    const open = dialog.getByRole('button', { name: /^Open the counterexample \(step [\d,]+\)$/ });
    const label = (await open.textContent()) ?? '';
    const step = Number(/step ([\d,]+)/.exec(label)?.[1]!.replace(/,/g, ''));
    await open.click();
    await page.waitForFunction((s) => window.klpscope?.store.getState().frame?.step === s, step);
    const state = await page.evaluate(() => {
      const s = window.klpscope!.store.getState();
      return { name: s.meta?.name, json: s.meta?.json ?? '', violations: s.milestones.filter((m) => m.kind === 'violation').map((m) => m.step) };
    });
    expect(state.name).toMatch(/\(counterexample\)$/);
    expect((JSON.parse(state.json) as { choices: unknown[] }).choices.length).toBeGreaterThan(0);
    expect(state.violations).toContain(step);
    expect(errors).toEqual([]);
  }, 120_000);
});
