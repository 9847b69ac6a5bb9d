// Bounded by design, in Chromium against the production build: a hung worker
// is replaced with a message and a way back; a long computation shows its
// progress on the timeline, stops on Escape, and loses no key pressed
// meanwhile; after a load the run is computed ahead, so scrubbing reaches the
// end before End was ever pressed; the editor takes a pasted document of
// 10,000 task groups and stays responsive to typing (its keystroke latency is
// measured in bench:ui).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLink } from '../../src/app/url.ts';
import { ARTIFACTS, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function open(): Promise<Page> {
  const page = await h.newPage();
  await page.goto(h.url);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
  return page;
}

const frameOf = async (page: Page) =>
  page.evaluate(() => {
    const f = window.klpscope?.store.getState().frame;
    return f === null || f === undefined ? null : { step: f.step, computed: f.computed, end: f.end, ahead: f.ahead };
  });

/** Four tasks that never leave user space for long: a run with no end but the limits. */
const SPIN = { format: 'klpscope/1', name: 'spin', tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 1'] };

describe('bounds in the browser', () => {
  it('replaces a hung worker: the watchdog says so and the last good state comes back', async () => {
    const page = await open();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 3);
    // The worker busy-loops from now on (sim.worker.ts's test hook).
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'hang' }));
    const alert = page.getByRole('alert').filter({ hasText: 'The simulation stopped answering' });
    await alert.waitFor({ timeout: 15_000 });
    await expect(alert.textContent()).resolves.toMatch(/did not answer for \d+ s, so it was stopped and started afresh/);
    await page.screenshot({ path: `${ARTIFACTS}/watchdog-1366x768.png` });
    await page.getByRole('button', { name: 'Back to the last good state (step 3)' }).click();
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 3);
    await expect(alert.count()).resolves.toBe(0);
    // The fresh worker answers.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 4);
    await page.context().close();
  });

  it('shows the progress of a long End, cancels it on Escape, and answers the keys pressed meanwhile', async () => {
    const page = await open();
    await page.evaluate((doc) => window.klpscope?.store.getState().load({ scenario: doc }), SPIN);
    await page.waitForFunction(() => window.klpscope?.store.getState().meta?.name === 'spin');
    await page.keyboard.press('End');
    const status = page.getByRole('status').filter({ hasText: 'Computing the run to its end' });
    await status.waitFor({ timeout: 10_000 });
    await expect(page.getByRole('progressbar', { name: 'Computing the run to its end' }).count()).resolves.toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/compute-progress-1366x768.png` });
    // Keys pressed during the computation wait in the worker, in order.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    await status.waitFor({ state: 'detached', timeout: 10_000 });
    // Cancelled where it was (step 0), then the two steps.
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 2, undefined, { timeout: 10_000 });
    // The Cancel button does the same.
    await page.keyboard.press('End');
    await status.waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await status.waitFor({ state: 'detached', timeout: 10_000 });
    await expect(frameOf(page)).resolves.toMatchObject({ step: 2 });
    await page.context().close();
  });

  it('cancels a long load (a link to a far step of a 100,000-task machine): the scenario on screen stays, as it was, with its URL, and keys pressed meanwhile act on it', async () => {
    const page = await open();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 3);
    // The URL has caught up with step 3 (it is rewritten a moment after a move).
    await page.waitForFunction(() => /s=3(&|$)/.test(location.hash));
    const before = await page.evaluate(() => ({ hash: location.hash, log: window.klpscope?.store.getState().log.filter((l) => l.step <= 3).length, meta: window.klpscope?.store.getState().meta?.name }));
    const huge = { format: 'klpscope/1', name: 'huge', machine: { cpus: 64 }, tasks: [{ comm: 'app', count: 100_000, syscalls: ['getpid', 'read_cmdline'] }], script: ['insmod test_klp_livepatch.ko'] };
    const link = encodeLink({ version: 1, scenario: { doc: huge }, actions: [], step: 2_000_000 });
    // Followed as a link: the address bar changes at once.
    await page.evaluate((h) => {
      location.hash = h;
    }, link);
    const status = page.getByRole('status').filter({ hasText: 'Opening the scenario' });
    await status.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${ARTIFACTS}/load-progress-1366x768.png` });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    await status.waitFor({ state: 'detached', timeout: 10_000 });
    // The previous scenario, then the key pressed meanwhile, on it.
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 4, undefined, { timeout: 10_000 });
    const after = await page.evaluate(() => ({ meta: window.klpscope?.store.getState().meta?.name, tasks: window.klpscope?.store.getState().frame?.tasks.count, log: window.klpscope?.store.getState().log.filter((l) => l.step <= 3).length, notice: window.klpscope?.store.getState().linkNotice }));
    expect(after.meta).toBe(before.meta);
    expect(after.tasks).toBeLessThan(100);
    expect(after.log).toBe(before.log);
    expect(after.notice).toBeNull();
    // The address names the scenario on screen again (at its new step, 4).
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(before.hash.replace(/s=3(&|$)/, 's=4$1'));
    // It stays usable: the next key goes on from there.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 5);
    await page.context().close();
  });

  it('cancels a long action: no branch, the playhead and the log as they were, and the typed command still in its field', async () => {
    const page = await open();
    // No script: the first insmod is the user's, and klp_start_transition walks 400,000 tasks.
    const many = { format: 'klpscope/1', name: 'many', machine: { cpus: 64 }, tasks: [{ comm: 'app', count: 400_000, syscalls: ['getpid', 'read_cmdline'] }], script: [] };
    await page.evaluate((doc) => window.klpscope?.store.getState().load({ scenario: doc }), many);
    await page.waitForFunction(() => window.klpscope?.store.getState().meta?.name === 'many' && window.klpscope.store.getState().frame !== null, undefined, { timeout: 20_000 });
    const before = await page.evaluate(() => ({ step: window.klpscope?.store.getState().frame?.step, log: window.klpscope?.store.getState().log.length }));
    const field = page.getByRole('textbox', { name: 'Shell command' });
    await field.fill('insmod test_klp_livepatch.ko');
    await field.press('Enter');
    const status = page.getByRole('status').filter({ hasText: 'Running the action' });
    await status.waitFor({ timeout: 20_000 });
    // Escape from the field itself stops it (at once: the action runs about 5 s in all).
    await field.press('Escape');
    await status.waitFor({ state: 'detached', timeout: 10_000 });
    await page.waitForFunction(() => window.klpscope?.store.getState().computing === null);
    const after = await page.evaluate(() => {
      const s = window.klpscope?.store.getState();
      const f = s?.frame;
      return { step: f?.step, actions: f?.actions.length, log: s?.log.filter((l) => l.step <= (f?.step ?? 0)).length, loaded: f?.globals.modules.find((m) => m.name === 'test_klp_livepatch')?.loaded };
    });
    expect(after).toEqual({ step: before.step, actions: 0, log: before.log, loaded: false });
    await expect(field.inputValue()).resolves.toBe('insmod test_klp_livepatch.ko');
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    // The run is usable as it was: the command, run again and left alone, lands where it acts.
    await field.press('Enter');
    await page.waitForFunction(() => (window.klpscope?.store.getState().frame?.actions.length ?? 0) === 1, undefined, { timeout: 60_000 });
    await expect.poll(() => field.inputValue()).toBe('');
    await page.context().close();
  });

  it('takes a pasted document of 10,000 task groups in the editor, checks it, and keeps answering keystrokes', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    const dialog = page.getByRole('dialog', { name: 'Scenario editor' });
    const json = dialog.getByRole('textbox', { name: 'Scenario JSON' });
    const groups = Array.from({ length: 10_000 }, (_, i) => ({ comm: `t${i}`, count: 1, userMs: [1, 20] }));
    const big = JSON.stringify({ format: 'klpscope/1', name: 'big', tasks: groups }, null, 2);
    // Pasted: the whole document arrives at once.
    await json.evaluate((el: HTMLTextAreaElement, text: string) => {
      el.focus();
      el.select();
      const data = new DataTransfer();
      data.setData('text/plain', text);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      // A synthetic paste inserts nothing by itself: the text arrives as a paste's does, in one input event.
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(el, text);
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }, big);
    await dialog.getByText(/This document is large \(\d+ kB, up to 4 MiB\): edit it as JSON/).waitFor();
    const valid = dialog.getByRole('status').filter({ hasText: 'Valid: mainline, 4 CPUs, 10,000 tasks in 10,000 groups' });
    await valid.waitFor({ timeout: 20_000 });
    // The JSON view is now one that lays out only the lines on screen, and has the focus.
    const large = dialog.getByRole('textbox', { name: 'Scenario JSON' });
    await expect(large.getAttribute('contenteditable')).resolves.toBe('true');
    await expect(large.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))).resolves.toBe(true);
    // Type into the name (line 3): every key reaches the text.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.type(' demo');
    await expect(large.textContent()).resolves.toContain('"name": "big demo",');
    // At the other end of the document: the last group's count, broken, is found and named (the check runs in a worker).
    await page.keyboard.press('Control+End');
    const digit = big.indexOf('"count": 1', big.indexOf('"t9999"')) + '"count": '.length;
    for (let i = big.length; i > digit + 1; i--) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('0');
    await dialog.getByRole('alert').filter({ hasText: 'tasks[9999].count: expected an integer from 1 to 1000000, got 0' }).waitFor({ timeout: 20_000 });
    await page.keyboard.press('Backspace');
    await page.keyboard.type('1');
    await valid.waitFor({ timeout: 20_000 });
    // Applied, it opens: the name typed is the scenario's.
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => window.klpscope?.store.getState().meta?.name === 'big demo', undefined, { timeout: 30_000 });
    await page.screenshot({ path: `${ARTIFACTS}/editor-large-1366x768.png` });
    await page.context().close();
  });

  it('computes the run ahead after a load, with progress on the timeline, so that scrubbing reaches the end before End', async () => {
    const page = await open();
    // The default demo: computed ahead to its end in the background, the view staying at step 0.
    await page.waitForFunction(() => {
      const f = window.klpscope?.store.getState().frame;
      return f !== null && f !== undefined && f.end !== null && !f.ahead;
    });
    const f = await frameOf(page);
    expect(f?.step).toBe(0);
    expect(f?.computed).toBeGreaterThanOrEqual(f?.end ?? Infinity);
    // The timeline opens on the first pass: the whole run, then scrub to the right edge of
    // the plot: the view goes to the end's region without End.
    await page.getByRole('group', { name: 'Timeline view' }).getByRole('button', { name: 'Whole run' }).click();
    const svg = page.locator('.tl-svg');
    const box = await svg.boundingBox();
    if (box === null) throw new Error('no timeline');
    await page.mouse.click(box.x + box.width - 30, box.y + box.height / 2);
    await page.waitForFunction((end) => (window.klpscope?.store.getState().frame?.step ?? 0) > end / 2, f?.end ?? 0);

    // A run with no end: the background computation is shown on the timeline while it goes on.
    await page.evaluate((doc) => window.klpscope?.store.getState().load({ scenario: doc }), SPIN);
    await page.getByRole('progressbar', { name: 'Computing the run ahead' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${ARTIFACTS}/compute-ahead-1366x768.png` });
    const before = (await frameOf(page))?.computed ?? 0;
    await page.waitForFunction((n) => (window.klpscope?.store.getState().frame?.computed ?? 0) > n, before);
    // Keys are served between slices meanwhile.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 1);
    await page.context().close();
  });
});
