// Step forward from the frame the worker sent ahead (Frame.next): the click
// shows the next step in its own task, and what it shows is what the worker
// answers for that step, on the default demo, after an action (a branch of
// the tour's run), after seeking and stepping back, and for quick clicks.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { region, settled, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const stepOf = (page: Page): Promise<number> => page.evaluate(() => window.klpscope?.store.getState().frame?.step ?? -1);


/** Clicks Step forward; the step and the narration the click's own task showed. */
const clickForward = (page: Page): Promise<{ step: number; narration: string }> =>
  page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Step forward');
    button?.click();
    const s = window.klpscope!.store.getState();
    return { step: s.frame?.step ?? -1, narration: s.frame?.event?.text ?? '' };
  });

/** Step forward, shown at once: then the worker's answer is the same step, and the page shows the same narration. */
async function forwardAtOnce(page: Page): Promise<number> {
  const before = await stepOf(page);
  const shown = await clickForward(page);
  expect(shown.step, `Step forward from ${before} is shown in the click's task`).toBeGreaterThan(before);
  const text = await region(page, 'Narration').textContent();
  await settled(page, { painted: true });
  expect(await stepOf(page)).toBe(shown.step);
  expect(await page.evaluate(() => window.klpscope?.store.getState().frame?.event?.text ?? '')).toBe(shown.narration);
  expect(await region(page, 'Narration').textContent()).toBe(text);
  return shown.step;
}

describe('Step forward shows the step computed ahead', () => {
  it('on the default demo, after an action, after seeking and stepping back, and for quick clicks', async () => {
    const page = await h.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url);
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
    await settled(page, { painted: true });
    for (let i = 1; i <= 4; i++) expect(await forwardAtOnce(page)).toBe(i);

    // An action leaves the tour's run: a branch, computed on an engine of its own.
    await page.getByRole('textbox', { name: 'Shell command' }).fill('kill 4');
    await page.getByRole('textbox', { name: 'Shell command' }).press('Enter');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.actions.length === 1);
    await settled(page, { painted: true });
    const acted = await stepOf(page);
    for (let i = 1; i <= 3; i++) expect(await forwardAtOnce(page)).toBe(acted + i);

    // Back in time: by seeking, and with Step back.
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'seek', step: 2 }));
    await settled(page, { painted: true });
    expect(await forwardAtOnce(page)).toBe(3);
    await page.getByRole('button', { name: 'Step back', exact: true }).click();
    await page.getByRole('button', { name: 'Step back', exact: true }).click();
    await settled(page, { painted: true });
    expect(await stepOf(page)).toBe(1);
    expect(await forwardAtOnce(page)).toBe(2);
    expect(await page.evaluate(() => window.klpscope?.store.getState().frame?.actions.map((a) => a.text))).toEqual(['kill 4']);

    // Quick clicks, each before the last one's answer: every step once, never back.
    await page.evaluate(async () => {
      const store = window.klpscope!.store;
      const w = window as unknown as { seenSteps: number[]; stopSeeing: () => void };
      w.seenSteps = [];
      w.stopSeeing = store.subscribe((s) => w.seenSteps.push(s.frame?.step ?? -1));
      const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Step forward');
      for (let i = 0; i < 5; i++) {
        button?.click();
        await new Promise((r) => setTimeout(r, 0));
      }
    });
    // The worker has answered all five once it answers a request sent after them.
    await settled(page, { painted: true });
    const steps = await page.evaluate(() => {
      const w = window as unknown as { seenSteps: number[]; stopSeeing: () => void };
      w.stopSeeing();
      return w.seenSteps;
    });
    expect(await stepOf(page)).toBe(7);
    expect(steps.every((s, i) => i === 0 || s >= (steps[i - 1] ?? 0))).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
