// The lecture tool in Chromium: the tour follows the playhead, presenter
// mode goes stop to stop with a remote's keys, a stop spotlights its task
// and panel, an action leaves the script (and the tour goes back to it),
// Force lands on the forced switch, the speed is the real rate, the phone
// does not scroll sideways, every panel a stop names is on screen at
// 1280×720, and a typed command's error keeps its text. Screenshots of three
// presets at three sizes go to test-results/artifacts.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_TITLES } from '../../src/app/link.ts';
import { PRESETS } from '../../src/sim/scenario/presets.ts';
import { ARTIFACTS, startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function open(hash: string, size: { width: number; height: number } = { width: 1366, height: 768 }, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await h.newPage({ ...size, colorScheme });
  await page.goto(`${h.url}#${hash}`);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame != null);
  return page;
}

/** A preset's link at a tour stop (0-based). */
const atStop = (preset: string, stop: number) => `v=1&s=0&t=${stop}&p=${preset}`;

const tourOf = (page: Page) => page.evaluate(() => window.klpscope!.store.getState().frame?.tour ?? null);
const frameOf = (page: Page) =>
  page.evaluate(() => {
    const f = window.klpscope!.store.getState().frame!;
    return { step: f.step, playing: f.playing, fn: f.event?.fn ?? null, switches: f.event?.switches.length ?? 0, actions: f.actions.length, unpatched: f.globals.counts.unpatched, selected: f.selected?.task ?? null };
  });
const tourBar = (page: Page) => page.getByRole('region', { name: 'Guided tour' });

/** The panel's region is entirely inside the viewport. */
const inView = (page: Page, title: string) =>
  page.evaluate((t) => {
    const head = document.getElementById(`panel-${t.toLowerCase().replace(/\s+/g, '-')}`);
    const el = head?.closest('section.panel');
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.top >= -1 && r.left >= -1 && r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth + 1 && r.height > 0;
  }, title);

// The panels' titles, where the app keeps them: a new panel is checked too.
const TITLES: Readonly<Record<string, string>> = PANEL_TITLES;

describe('the lecture tool', () => {
  it('shows the stop the playhead reached: → onto a stop shows it, End shows the last one reached', async () => {
    const page = await open(atStop('first-livepatch', 1));
    const stop2 = (await tourOf(page))!;
    expect(stop2).toMatchObject({ stop: 1, at: true });
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await tourOf(page))?.at).toBe(false);
    await expect.poll(() => tourBar(page).textContent()).toContain('After stop 1 of 8');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await tourOf(page))?.stop).toBe(1);
    await expect.poll(() => tourBar(page).textContent()).toContain('Stop 2 of 8');
    await page.keyboard.press('End');
    await expect.poll(async () => (await tourOf(page))?.stop, { timeout: 30_000 }).toBe(7);
    const end = await page.evaluate(() => window.klpscope!.store.getState().frame!);
    expect(end.step).toBe(end.end);
    await expect.poll(() => tourBar(page).textContent()).toMatch(/stop 8 of 8/i);
    await page.close();
  });

  it('presenter mode goes stop to stop with PageDown and PageUp', async () => {
    const page = await open(atStop('sleeper-stalls', 0));
    await tourBar(page).getByRole('button', { name: 'Presenter mode' }).click();
    await page.locator('.app-presenter').waitFor();
    await page.keyboard.press('PageDown');
    // A second press skips the replay.
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await tourOf(page))?.stop).toBe(1);
    await expect.poll(async () => (await tourOf(page))?.at).toBe(true);
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await tourOf(page))?.stop, { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await frameOf(page)).playing, { timeout: 10_000 }).toBe(false);
    expect((await tourOf(page))?.at).toBe(true);
    await page.keyboard.press('PageUp');
    await expect.poll(async () => (await tourOf(page))?.stop).toBe(1);
    const size = await page.locator('.presenter-narration .narration').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(24);
    await page.keyboard.press('Escape');
    await page.locator('.app-presenter').waitFor({ state: 'detached' });
    await page.close();
  });

  it('a stop spotlights its task in the inspector and scrolls its panel into view', async () => {
    const page = await open(atStop('first-livepatch', 3), { width: 1280, height: 720 });
    await expect.poll(async () => (await frameOf(page)).selected).not.toBeNull();
    const name = await page.evaluate(() => {
      const s = window.klpscope!.store.getState();
      return s.comms[s.frame!.selected!.task];
    });
    expect(name).toBe('slowcat');
    await expect.poll(() => inView(page, 'Kernel log')).toBe(true);
    // The quoted line is a per-task debug line: shown and marked.
    await expect.poll(() => page.locator('.log-list .is-spotlit').textContent()).toContain('slowcat:15 is sleeping on function cmdline_proc_show');
    await page.close();
  });

  it('Force lands on the forced switch; the tour says the run left its script, and goes back to it', async () => {
    const page = await open(atStop('first-livepatch', 3));
    const at = (await tourOf(page))!.step!;
    await page.getByRole('button', { name: 'Force test_klp_livepatch' }).click();
    await expect.poll(async () => (await frameOf(page)).actions).toBe(1);
    const f = await frameOf(page);
    expect(f.fn).toBe('klp_force_transition');
    expect(f.switches).toBeGreaterThan(0);
    expect(f.unpatched).toBe(0);
    await expect.poll(() => tourBar(page).textContent()).toContain(`left the tour’s script at step ${at}`);
    await tourBar(page).getByRole('button', { name: 'Back to the tour’s run' }).click();
    await expect.poll(async () => (await frameOf(page)).actions).toBe(0);
    expect((await frameOf(page)).step).toBe(at);
    expect((await tourOf(page))?.offScript).toBeNull();
    await page.close();
  });

  it('plays 4 to 6 events in 5 s at 1/s', async () => {
    const page = await open('v=1&s=0&p=first-livepatch');
    await page.evaluate(() => window.klpscope!.store.getState().send({ type: 'speed', index: 0 }));
    await expect.poll(() => page.evaluate(() => window.klpscope!.store.getState().frame?.speed)).toBe(0);
    await page.evaluate(() => window.klpscope!.store.getState().send({ type: 'play' }));
    // The measure (4 to 6 events in 5 s) read as a rate, waiting on the steps rather than
    // for a fixed time: from the first event played to the fifth, four intervals of about a second.
    const stepNow = async () => (await frameOf(page)).step;
    await expect.poll(stepNow, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(1);
    const first = Date.now();
    await expect.poll(stepNow, { timeout: 15_000, interval: 20 }).toBeGreaterThanOrEqual(5);
    const fifth = Date.now();
    await page.evaluate(() => window.klpscope!.store.getState().send({ type: 'pause' }));
    await expect.poll(async () => (await frameOf(page)).playing).toBe(false);
    // 4 events in 5 s at the slowest and 6 at the fastest: four intervals take 3.3 s to 5 s (plus polling slack).
    expect(fifth - first).toBeGreaterThanOrEqual(3_300);
    expect(fifth - first).toBeLessThanOrEqual(5_300);
    await page.close();
  });

  it('does not scroll sideways on a 390×844 phone, nor down by itself: the tour is in view at load', async () => {
    for (const preset of ['first-livepatch', 'stacked-patches', 'bug-b-rfc']) {
      const page = await open(atStop(preset, 2), { width: 390, height: 844 });
      await tourBar(page).waitFor();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(wide, preset).toBeLessThanOrEqual(390);
      const next = tourBar(page).getByRole('button', { name: 'Next stop' });
      // Once the stop has arrived and its spotlight has run, the page has not scrolled itself:
      // the tour's text and its Next stop button are in view at load, not just reachable.
      await expect.poll(async () => (await tourOf(page))?.stop).toBe(2);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(r)))));
      expect(await page.evaluate(() => window.scrollY), preset).toBe(0);
      const box = await next.boundingBox();
      expect(box !== null && box.x >= 0 && box.x + box.width <= 390 && box.y >= 0 && box.y + box.height <= 844, preset).toBe(true);
      const text = await tourBar(page).locator('.tour-text').boundingBox();
      expect(text !== null && text.y >= 0 && text.y < 844, preset).toBe(true);
      await page.close();
    }
  });

  it('a typed command the shell refuses is reported at the field, which keeps the text', async () => {
    const page = await open('v=1&s=0&p=first-livepatch');
    const field = page.getByRole('textbox', { name: 'Shell command' });
    await field.fill('frobnicate now');
    await field.press('Enter');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe('frobnicate now');
    await expect.poll(() => page.getByRole('toolbar', { name: 'Act on the system' }).getByRole('alert').textContent()).toMatch(/frobnicate/);
    await page.close();
  });

  it('at 1280×720 every panel a stop names is on screen at every stop of every preset', { timeout: 600_000 }, async () => {
    const page = await open('v=1&s=0&p=first-livepatch', { width: 1280, height: 720 });
    const missing: string[] = [];
    for (const p of PRESETS) {
      await page.evaluate((id) => window.klpscope!.store.getState().load({ preset: id, tour: 0 }), p.id);
      await expect.poll(() => page.evaluate(() => window.klpscope!.store.getState().frame?.tour?.preset)).toBe(p.id);
      for (let i = 0; i < p.tour.length; i++) {
        const panel = p.tour[i]!.spotlight?.panel;
        await page.evaluate((stop) => window.klpscope!.store.getState().send({ type: 'tour', stop }), i);
        await expect.poll(async () => (await tourOf(page))?.stop, { timeout: 120_000 }).toBe(i);
        if (panel === undefined) continue;
        const title = TITLES[panel]!;
        try {
          await expect.poll(() => inView(page, title), { timeout: 3000 }).toBe(true);
        } catch {
          missing.push(`${p.id} stop ${i + 1}: ${title}`);
        }
      }
    }
    expect(missing).toEqual([]);
    await page.close();
  });

  it('saves screenshots of three presets at 1280×720, 1366×768 and 390×844, light and dark', { timeout: 300_000 }, async () => {
    const sizes = [
      { width: 1280, height: 720 },
      { width: 1366, height: 768 },
      { width: 390, height: 844 },
    ];
    for (const [preset, stop] of [['first-livepatch', 3], ['stacked-patches', 4], ['signals-force', 5]] as const) {
      for (const size of sizes) {
        for (const scheme of ['light', 'dark'] as const) {
          const page = await open(atStop(preset, stop), size, scheme);
          await expect.poll(async () => (await tourOf(page))?.stop, { timeout: 30_000 }).toBe(stop);
          await page.screenshot({ path: `${ARTIFACTS}/lecture-${preset}-${size.width}x${size.height}-${scheme}.png` });
          await page.close();
        }
      }
    }
  });
});
