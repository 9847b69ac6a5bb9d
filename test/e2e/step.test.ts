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

/**
 * What the page's panels show, read in the first animation frame callback
 * after a click on Step forward (before that frame's paint, after every
 * render the click caused): the step the store shows, and the panels' words
 * for it.
 */
interface AtFrame {
  readonly step: number;
  readonly where: string;
  readonly narration: string;
  /** Log lines marked as the current step's, and the lines the store has for that step (per-task debug lines are hidden; at most the rows in view). */
  readonly currentLines: number;
  readonly linesOfStep: number;
  readonly nowMark: string | null;
  readonly nowMarkBefore: string | null;
  readonly codeCurrent: number;
}

const clickAndReadAtFrame = (page: Page): Promise<AtFrame> =>
  page.evaluate(async () => {
    const nowMark = () => document.querySelector('.tl-now-mark')?.getAttribute('transform') ?? null;
    const nowMarkBefore = nowMark();
    const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Step forward');
    button?.click();
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const s = window.klpscope!.store.getState();
    const step = s.frame?.step ?? -1;
    const log = document.querySelector('[role="group"][aria-label="Kernel log lines"]');
    return {
      step,
      where: document.querySelector('.transport .where')?.textContent ?? '',
      narration: document.querySelector('.narration-where .mono')?.textContent ?? '',
      currentLines: log?.querySelectorAll('[aria-current="step"]').length ?? -1,
      linesOfStep: Math.min(log?.querySelectorAll('button').length ?? 0, s.log.filter((e) => e.step === step && e.taskDebug !== true).length),
      nowMark: nowMark(),
      nowMarkBefore,
      codeCurrent: document.querySelectorAll('.code-lines [aria-current="step"]').length,
    };
  });

describe('after one click on Step forward, every panel shows the new step by the next animation frame', () => {
  it('the transport, the narration, the kernel log, the timeline and the kernel code, at 1366x768', async () => {
    const page = await h.newPage({ width: 1366, height: 768 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(h.url);
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
    await settled(page, { painted: true });
    for (let i = 1; i <= 12; i++) {
      const at = await clickAndReadAtFrame(page);
      expect(at.step, `click ${i}`).toBe(i);
      expect(at.where).toContain(`step ${i}`);
      expect(at.narration).toBe(i.toLocaleString('en'));
      expect(at.currentLines, `log lines of step ${i}`).toBe(at.linesOfStep);
      // On the event axis (the demo opens framed on its first pass) each event moves the now line.
      expect(at.nowMark, `now line at step ${i}`).not.toBeNull();
      expect(at.nowMark).not.toBe(at.nowMarkBefore);
      // The code panel marks at most one line as the current event's.
      expect(at.codeCurrent).toBeLessThanOrEqual(1);
      await settled(page, { painted: true });
    }
    await page.screenshot({ path: 'test-results/artifacts/step-1366x768.png' });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
