// The mechanism views in Chromium: the timeline's lanes, compare mode and the
// kernel code panel.
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

async function open(hash: string, o: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await h.newPage(o);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${h.url}#${hash}`);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame !== null);
  return { page, errors };
}

const stepOf = async (page: Page): Promise<number> => page.evaluate(() => window.klpscope?.store.getState().frame?.step ?? -1);

async function until<T>(what: string, get: () => Promise<T>, pred: (v: T) => boolean): Promise<T> {
  let v = await get();
  for (let i = 0; i < 200 && !pred(v); i++) {
    await new Promise((r) => setTimeout(r, 50));
    v = await get();
  }
  if (!pred(v)) throw new Error(`${what} never held (last ${JSON.stringify(v)})`);
  return v;
}

describe('timeline lanes', () => {
  it('pinning a task adds its lane, with its switch mark at the step of its switch', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await open('v=1&p=sleeper-stalls', { colorScheme });
      await page.getByRole('button', { name: 'Jump to end', exact: true }).click();
      const end = await until('the end', () => stepOf(page), (s) => s > 100);
      const reader = await page.evaluate(() => window.klpscope?.store.getState().frame?.tasks.pid.indexOf(4) ?? -1);
      await page.getByRole('combobox', { name: 'Choose a task' }).selectOption(String(reader));
      const lane = page.locator(`[data-testid="lanes"] [data-task="${reader}"]`);
      // The tour's stop may have pinned it already (a spotlight task is pinned): start from unpinned.
      const unpin = page.getByRole('button', { name: 'Unpin lane', exact: true });
      if ((await unpin.count()) > 0) {
        await unpin.click();
        await lane.waitFor({ state: 'detached' });
      }
      await page.getByRole('button', { name: 'Pin lane', exact: true }).click();
      await lane.waitFor();
      const history = await page.evaluate(() => window.klpscope?.store.getState().frame?.selected?.history.map((r) => r.step) ?? []);
      expect(history.length).toBeGreaterThan(0);
      const marks = lane.locator('[role="button"][data-step]');
      await until('switch marks', () => marks.count(), (n) => n === history.length);
      const steps = await marks.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))));
      expect(steps).toEqual(history);
      // The mark seeks to the switch.
      await marks.first().click();
      expect(await until('the seek', () => stepOf(page), (s) => s === history[0])).toBe(history[0]);
      expect(end).toBeGreaterThan(history[0]!);
      await page.getByRole('region', { name: 'Timeline', exact: true }).screenshot({ path: `${ARTIFACTS}/lanes-${colorScheme}.png` });
      // Collapse hides the lanes of a group; expanding shows them again.
      await page.getByRole('button', { name: /Pinned tasks/ }).click();
      expect(await lane.count()).toBe(0);
      await page.getByRole('button', { name: /Pinned tasks/ }).click();
      await lane.waitFor();
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });
});

describe('compare mode', () => {
  it('opens from the rfc-v2 fresh-boot demo, shows the first divergence, and its link reopens the same comparison', async () => {
    const { page, errors } = await open('v=1&p=bug-a-rfc', { width: 1366, height: 768 });
    await page.getByRole('button', { name: 'Compare with its v4.12 twin' }).click();
    const cmp = page.getByRole('region', { name: 'Compare two runs' });
    await cmp.waitFor();
    const jump = page.getByRole('button', { name: 'Jump to the first divergence' });
    await jump.waitFor({ timeout: 30_000 });
    const status = (await page.getByRole('status', { name: 'First divergence' }).textContent()) ?? '';
    const m = /step ([\d,]+) \(A\) \/ ([\d,]+) \(B\)/.exec(status);
    expect(m).not.toBeNull();
    const [a, b] = [Number(m?.[1]!.replace(/,/g, '')), Number(m?.[2]!.replace(/,/g, ''))];
    await jump.click();
    await until('A at the divergence', () => stepOf(page), (s) => s === a);
    const stepB = () => page.evaluate(() => Number(/B ([\d,]+)/.exec(document.querySelector('.cmp-slider output')?.textContent ?? '')?.[1]!.replace(/,/g, '') ?? -1));
    await until('B at the divergence', stepB, (s) => s === b);
    // Both grids, both globals and the log diff are on screen at 1366×768, the first differing line marked.
    for (const name of [/^Run A/, /^Run B/]) {
      const box = await page.getByRole('region', { name }).boundingBox();
      expect(box !== null && box.y + box.height <= 768).toBe(true);
    }
    for (const name of ['Globals compared', 'Kernel logs compared']) {
      const box = await page.getByRole('region', { name }).boundingBox();
      expect(box !== null && box.y + box.height <= 768).toBe(true);
    }
    await page.locator('.cmp-row.is-first').first().waitFor();
    expect(await page.locator('.cmp-globals tr.is-diff').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/compare-light.png` });

    // The link holds both runs and the moment.
    await until('the link', () => page.evaluate(() => location.hash), (h) => h.includes('c=kernel%3Av4.12') && h.includes(`s=${a}&`));
    const hash = await page.evaluate(() => location.hash.slice(1));
    const again = await open(hash, { colorScheme: 'dark', width: 1366, height: 768 });
    await again.page.getByRole('region', { name: 'Compare two runs' }).waitFor();
    await until('A again', () => stepOf(again.page), (s) => s === a);
    const stepB2 = () => again.page.evaluate(() => Number(/B ([\d,]+)/.exec(document.querySelector('.cmp-slider output')?.textContent ?? '')?.[1]!.replace(/,/g, '') ?? -1));
    await until('B again', stepB2, (s) => s === b);
    await again.page.getByRole('button', { name: 'Jump to the first divergence' }).waitFor();
    await again.page.screenshot({ path: `${ARTIFACTS}/compare-dark.png` });
    expect(again.errors).toEqual([]);
    expect(errors).toEqual([]);
    await again.page.context().close();
    await page.context().close();
  });
});

describe('kernel code panel', () => {
  it('stepping moves the highlighted line, and aria-current follows it', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await open('v=1&p=sleeper-stalls', { colorScheme });
      const code = page.getByRole('region', { name: 'Kernel code', exact: true });
      await code.waitFor();
      const current = code.locator('[aria-current="step"]');
      const forward = page.getByRole('button', { name: 'Step forward', exact: true });
      const seen: string[] = [];
      let atInit: string | null = null;
      for (let i = 1; i <= 14; i++) {
        await forward.click();
        await until('the step', () => stepOf(page), (s) => s === i);
        await until('one current line', () => current.count(), (n) => n === 1);
        const where = `${await code.locator('.code-name').textContent()}:${await current.getAttribute('data-line')}`;
        seen.push(where);
        const kind = await page.evaluate(() => window.klpscope?.store.getState().frame?.event?.kind);
        if (kind === 'init') atInit = (await current.textContent()) ?? '';
      }
      expect(new Set(seen).size).toBeGreaterThan(2);
      expect(atInit).toContain('func->transition = true');
      // Back again: the line of that step again.
      await page.getByRole('button', { name: 'Step back', exact: true }).click();
      await until('the step back', () => stepOf(page), (s) => s === 13);
      expect(`${await code.locator('.code-name').textContent()}:${await current.getAttribute('data-line')}`).toBe(seen[12]);
      await code.screenshot({ path: `${ARTIFACTS}/code-${colorScheme}.png` });
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  it('annotates the rfc-v2 bug lines and shows the other kernels\' lines in place', async () => {
    const { page, errors } = await open('v=1&p=bug-a-rfc&s=4');
    const code = page.getByRole('region', { name: 'Kernel code', exact: true });
    await until('step 4', () => stepOf(page), (s) => s === 4);
    await code.getByRole('combobox', { name: 'Show a function' }).selectOption('klp_init_transition');
    await expect(code.getByRole('note').first().textContent()).resolves.toContain('RFC v2 bug');
    const before = await code.locator('.code-line').count();
    await code.getByRole('checkbox', { name: "Show the other kernels' lines" }).check();
    expect(await code.locator('.code-line.is-other').count()).toBeGreaterThan(0);
    expect(await code.locator('.code-line').count()).toBeGreaterThan(before);
    const link = code.getByRole('link');
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/lore\.kernel\.org\//);
    await code.screenshot({ path: `${ARTIFACTS}/code-rfc-light.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
