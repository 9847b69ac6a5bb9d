// Links, demos, the editor and embed mode, in Chromium against the build.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/sim/scenario/presets.ts';
import { region, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});


async function openAt(hash: string): Promise<Page> {
  const page = await h.newPage();
  await page.goto(`${h.url}#${hash}`);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame != null);
  return page;
}

const state = (page: Page) =>
  page.evaluate(() => {
    const s = window.klpscope!.store.getState();
    const step = s.frame?.step ?? -1;
    return {
      step,
      name: s.meta?.name,
      notice: s.linkNotice,
      log: s.log.filter((l) => l.step <= step).map((l) => l.text),
      tour: s.frame?.tour ?? null,
    };
  });

describe('links', () => {
  it('copies a link at a reversal that reopens the same moment', async () => {
    const page = await openAt('');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'step', unit: 'second', direction: 1 }));
    await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'step', unit: 'second', direction: 1 }));
    const input = page.getByRole('textbox', { name: 'Shell command' });
    await input.fill('echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled');
    await input.press('Enter');
    await expect.poll(async () => (await state(page)).log.some((l) => l.includes('reversing transition'))).toBe(true);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
    const url = await page.evaluate(() => navigator.clipboard.readText());
    expect(url).toContain('#v=1&');
    const here = await state(page);
    const globals = await region(page, 'Globals').textContent();

    const other = await h.newPage();
    await other.goto(url);
    await expect.poll(async () => (await state(other)).step).toBe(here.step);
    const there = await state(other);
    expect(there.log).toEqual(here.log);
    expect(there.name).toBe(here.name);
    await expect.poll(() => region(other, 'Globals').textContent()).toBe(globals);
    await other.context().close();
    await page.context().close();
  });

  it('moves through time without flooding Back, and Back returns to the previous scenario', async () => {
    const page = await openAt('');
    const length = () => page.evaluate(() => history.length);
    const before = await length();
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Step forward', exact: true }).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('s=6');
    expect(await length()).toBe(before);
    await page.getByRole('button', { name: 'Demos' }).click();
    await page.getByRole('button', { name: /^Open demo: Reversing a stalled/ }).click();
    await expect.poll(async () => (await state(page)).tour?.preset).toBe('reverse-stalled');
    await expect.poll(length).toBe(before + 1);
    await page.goBack();
    await expect.poll(async () => (await state(page)).name).toBe('Your first livepatch');
    await expect.poll(async () => (await state(page)).step).toBe(6);
    await page.context().close();
  });

  it('says what is wrong with a bad link and opens the default scenario', async () => {
    for (const [hash, words] of [
      ['v=9&p=first-livepatch', 'version 9'],
      ['v=1&p=no-such-demo', 'no-such-demo'],
      ['v=1&k=abc&z=NoIgLg', 'damaged'],
      ['v=1&p=first-livepatch&s=-4', 'step'],
    ] as const) {
      const page = await openAt(hash);
      await page.getByRole('alert').filter({ hasText: words }).waitFor();
      expect((await state(page)).name).toBe('Your first livepatch');
      await page.context().close();
    }
  });

  it('shows hostile names from a link as text only', async () => {
    const doc = { format: 'klpscope/1', name: '<img src=x onerror="window.pwned=1">', tasks: [] };
    const page = await openAt('');
    // Opening a scenario adds a history entry carrying its link.
    const entries = await page.evaluate(() => history.length);
    await page.evaluate((d) => window.klpscope!.store.getState().load({ scenario: d }), doc);
    await page.waitForFunction((n) => history.length > n, entries);
    const hash = await page.evaluate(() => location.hash.slice(1));
    const fresh = await openAt(hash);
    await fresh.getByText('<img src=x onerror="window.pwned=1">').first().waitFor();
    expect(await fresh.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await fresh.context().close();
    await page.context().close();
  });

  it('embeds only the chosen panels and the controls; a remote\'s PageDown goes stop to stop', async () => {
    const page = await openAt('v=1&p=first-livepatch&e=1&l=narration,timeline');
    await region(page, 'Narration').waitFor();
    await expect(region(page, 'Timeline').isVisible()).resolves.toBe(true);
    await expect(region(page, 'Task grid').count()).resolves.toBe(0);
    await expect(region(page, 'Kernel log').count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Step forward', exact: true }).isVisible()).resolves.toBe(true);
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await state(page)).tour?.stop).toBe(1);
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await state(page)).tour?.stop).toBe(2);
    expect((await state(page)).step).toBe((await state(page)).tour?.step);
    await page.keyboard.press('PageUp');
    await expect.poll(async () => (await state(page)).tour?.stop).toBe(1);
    await page.context().close();
  });
});

describe('demos', () => {
  it('opens every preset and runs its tour to the last stop', async () => {
    const page = await openAt('');
    for (const p of PRESETS) {
      await page.goto(`${h.url}#v=1&p=${p.id}&t=0`);
      await expect.poll(async () => (await state(page)).tour?.preset, { timeout: 30_000 }).toBe(p.id);
      const tour = region(page, 'Guided tour');
      for (let stop = 1; stop < p.tour.length; stop++) {
        await tour.getByRole('button', { name: 'Next stop' }).click();
        await expect.poll(async () => (await state(page)).tour?.stop, { timeout: 60_000 }).toBe(stop);
      }
      const end = await state(page);
      expect(end.tour?.stop).toBe(p.tour.length - 1);
      expect(end.tour?.step).toBe(end.step);
      await expect(tour.getByRole('button', { name: 'Next stop' }).isDisabled()).resolves.toBe(true);
    }
    await page.context().close();
  }, 240_000);
});

describe('the scenario editor', () => {
  it('rejects a bad field and applies a good one', async () => {
    const page = await openAt('');
    await page.getByRole('button', { name: 'Edit scenario' }).click();
    const dialog = page.getByRole('dialog', { name: 'Scenario editor' });
    const json = dialog.getByRole('textbox', { name: 'Scenario JSON' });
    await json.waitFor();
    const doc = JSON.parse(await json.inputValue()) as { machine: { cpus: number }; name: string };
    await json.fill(JSON.stringify({ ...doc, machine: { ...doc.machine, cpus: 0 } }, null, 2));
    await dialog.getByRole('alert').filter({ hasText: 'machine.cpus' }).waitFor();
    await expect(dialog.getByRole('button', { name: 'Apply', exact: true }).isDisabled()).resolves.toBe(true);
    await json.fill(JSON.stringify({ ...doc, name: 'Two CPUs', machine: { ...doc.machine, cpus: 2 } }, null, 2));
    await expect.poll(() => dialog.getByRole('button', { name: 'Apply', exact: true }).isDisabled()).toBe(false);
    await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(() => page.evaluate(() => window.klpscope?.store.getState().frame?.cpus.length)).toBe(2);
    expect((await state(page)).name).toBe('Two CPUs');
    await page.context().close();
  });
});
