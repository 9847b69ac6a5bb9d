// The real user paths, in Chromium against the production build.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, region, settled, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

const REGIONS = ['Task grid', 'CPUs', 'Function stacks', 'Globals', 'Task inspector', 'Timeline', 'Kernel log', 'Narration'];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function open(o: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await h.newPage(o);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(h.url);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
  await region(page, 'Task grid').waitFor();
  return { page, errors };
}

const stepOf = async (page: Page): Promise<number> => page.evaluate(() => window.klpscope?.store.getState().frame?.step ?? -1);

async function waitForStep(page: Page, pred: (s: number) => boolean): Promise<number> {
  let last = -1;
  await expect.poll(async () => (last = await stepOf(page)), { timeout: 10_000, message: 'the step never satisfied the condition' }).toSatisfy(pred);
  return last;
}


const text = async (page: Page, name: string) => (await region(page, name).textContent()) ?? '';

describe('klpscope in Chromium', () => {
  it('opens the default scenario with every panel, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await open({ colorScheme });
      for (const name of REGIONS) await expect(region(page, name).isVisible()).resolves.toBe(true);
      for (let i = 0; i < 12; i++) await page.getByRole('button', { name: 'Step forward', exact: true }).click();
      await waitForStep(page, (s) => s >= 12);
      await page.screenshot({ path: `${ARTIFACTS}/default-${colorScheme}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it('steps forward and back to the same state', async () => {
    const { page } = await open();
    const forward = page.getByRole('button', { name: 'Step forward', exact: true });
    const back = page.getByRole('button', { name: 'Step back', exact: true });
    for (let i = 0; i < 5; i++) await forward.click();
    const at = await waitForStep(page, (s) => s === 5);
    const narration = await text(page, 'Narration');
    const log = await text(page, 'Kernel log');
    for (let i = 0; i < 4; i++) await forward.click();
    await waitForStep(page, (s) => s === 9);
    expect(await text(page, 'Narration')).not.toBe(narration);
    for (let i = 0; i < 4; i++) await back.click();
    expect(await waitForStep(page, (s) => s === at)).toBe(at);
    expect(await text(page, 'Narration')).toBe(narration);
    expect(await text(page, 'Kernel log')).toBe(log);
    await page.context().close();
  });

  it('plays and pauses', async () => {
    const { page } = await open();
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await waitForStep(page, (s) => s > 3);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    const paused = await stepOf(page);
    await settled(page);
    expect(await stepOf(page)).toBe(paused);
    expect(await page.evaluate(() => window.klpscope?.store.getState().live?.step)).toBe(paused);
    await page.context().close();
  });

  it('scrubs on the timeline', async () => {
    const { page } = await open();
    await page.getByRole('button', { name: 'Jump to end', exact: true }).click();
    const end = await waitForStep(page, (s) => s > 100);
    const plot = region(page, 'Timeline').locator('.tl-scrub');
    await plot.scrollIntoViewIfNeeded();
    const box = await plot.boundingBox();
    if (box === null) throw new Error('no timeline plot');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.4, { steps: 4 });
    await page.mouse.up();
    const scrubbed = await waitForStep(page, (s) => s < end);
    expect(scrubbed).toBeGreaterThanOrEqual(0);
    await page.context().close();
  });

  it('shows a reversal of a stalled transition in the log, the timeline and the globals', async () => {
    const { page } = await open();
    // The default scenario stalls on slowcat until 3.5 s: go to 2 s, into the stall.
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'step', unit: 'second', direction: 1 }));
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'step', unit: 'second', direction: 1 }));
    await expect.poll(() => text(page, 'Globals')).toContain('test_klp_livepatch');
    const input = page.getByRole('textbox', { name: 'Shell command' });
    await input.fill('echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
    await input.press('Enter');
    await expect.poll(() => page.evaluate(() => window.klpscope?.store.getState().log.some((l) => l.text.includes('reversing transition from patching to unpatching')))).toBe(true);
    await expect.poll(() => text(page, 'Globals')).toContain('KLP_UNPATCHED');
    await expect.poll(() => region(page, 'Timeline').getByRole('button', { name: /klp_reverse_transition/ }).count()).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: 'Show per-task debug lines' }).check();
    await expect.poll(() => text(page, 'Kernel log')).toContain('reversing transition from patching to unpatching');
    await page.context().close();
  });

  it('asks before an action in the past discards the future, then branches', async () => {
    const { page } = await open();
    await page.getByRole('button', { name: 'Jump to end', exact: true }).click();
    const end = await waitForStep(page, (s) => s > 100);
    await page.getByRole('button', { name: 'Jump to start', exact: true }).click();
    await waitForStep(page, (s) => s === 0);
    const input = page.getByRole('textbox', { name: 'Shell command' });
    await input.fill('cat /proc/cmdline');
    await input.press('Enter');
    const ask = page.getByRole('alertdialog', { name: 'Discard the future?' });
    await ask.waitFor();
    expect(await ask.textContent()).toContain(`${end.toLocaleString('en')} later`);
    await ask.getByRole('button', { name: 'Discard them and run it' }).click();
    await ask.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => window.klpscope!.store.getState().frame!.actions.map((a) => a.text))).toEqual(['cat /proc/cmdline']);
    const f = await page.evaluate(() => window.klpscope!.store.getState().frame!);
    expect(f.step).toBeGreaterThan(0);
    // The branch is computed ahead in the background, but nothing after the view has been seen: the next action is not "in the past".
    expect(f.seen).toBe(f.step);
    await page.context().close();
  });

  it('answers every keyboard shortcut', async () => {
    const { page } = await open();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('ArrowRight');
    await waitForStep(page, (s) => s === 1);
    await page.keyboard.press('ArrowRight');
    await waitForStep(page, (s) => s === 2);
    await page.keyboard.press('ArrowLeft');
    await waitForStep(page, (s) => s === 1);
    await page.keyboard.press('End');
    const end = await waitForStep(page, (s) => s > 100);
    await page.keyboard.press('Home');
    await waitForStep(page, (s) => s === 0);
    const speed = () => page.evaluate(() => window.klpscope?.store.getState().frame?.speed ?? -1);
    const before = await speed();
    await page.keyboard.press('+');
    await expect.poll(speed).toBe(before + 1);
    await page.keyboard.press('-');
    await expect.poll(speed).toBe(before);
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(() => window.klpscope?.store.getState().frame?.playing)).toBe(true);
    await page.keyboard.press('Space');
    await expect.poll(() => page.evaluate(() => window.klpscope?.store.getState().frame?.playing)).toBe(false);
    await page.keyboard.press('Home');
    await page.keyboard.press('2');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => window.klpscope?.store.getState().frame?.event?.livepatch)).toBe(true);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached' });
    // Typing in a field is not a shortcut.
    const input = page.getByRole('textbox', { name: 'Shell command' });
    await input.focus();
    const here = await stepOf(page);
    await page.keyboard.press('ArrowRight');
    await settled(page);
    expect(await stepOf(page)).toBe(here);
    expect(end).toBeGreaterThan(0);
    await page.context().close();
  });

  it('keeps the scenario when an invalid file is opened or dropped', async () => {
    const { page } = await open();
    const name = await page.evaluate(() => window.klpscope?.store.getState().meta?.name);
    await page.getByLabel('Open a scenario file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"klpscope/1","machine":{"cpus":0}}') });
    await page.getByRole('alert').filter({ hasText: 'machine.cpus' }).waitFor();
    expect(await page.evaluate(() => window.klpscope?.store.getState().meta?.name)).toBe(name);
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['{ not json'], 'broken.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByRole('alert').filter({ hasText: 'valid JSON' }).waitFor();
    expect(await page.evaluate(() => window.klpscope?.store.getState().meta?.name)).toBe(name);
    for (const r of REGIONS) await expect(region(page, r).isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it('shows a worker failure as a message with a way back', async () => {
    const { page } = await open();
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'crash' }));
    await page.getByRole('alert').filter({ hasText: 'The simulation stopped' }).waitFor();
    await expect(page.getByRole('button', { name: 'Reload the scenario' }).isVisible()).resolves.toBe(true);
    for (const r of REGIONS) await expect(region(page, r).isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it('has no serious or critical accessibility findings', async () => {
    const { page } = await open();
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    await waitForStep(page, (s) => s === 6);
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    await page.context().close();
  });
});
