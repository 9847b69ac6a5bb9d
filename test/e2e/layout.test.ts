// The page's layout in Chromium: an embedded page (e=1) fits 960×540 for
// every choice of up to three panels, an unknown panel id in l= is named in
// a message with the valid ones, and every "invariant N" on the page, at
// every stop of the demos that name one, is a link to the guarantees page.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PANEL_IDS } from '../../src/app/link.ts';
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

async function open(hash: string, size: { width: number; height: number }): Promise<Page> {
  const page = await h.newPage(size);
  await page.goto(`${h.url}#${hash}`);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame != null);
  return page;
}

/** Every choice of one, two or three panels. */
function choices(): string[][] {
  const out: string[][] = [];
  const ids = [...PANEL_IDS];
  ids.forEach((a, i) => {
    out.push([a]);
    ids.slice(i + 1).forEach((b, j) => {
      out.push([a, b]);
      for (const c of ids.slice(i + j + 2)) out.push([a, b, c]);
    });
  });
  return out;
}

describe('embedded pages', () => {
  it('fit 960×540 for every choice of up to three panels: no page scroll, every panel whole and usable', async () => {
    const all = choices();
    expect(all).toHaveLength(9 + 36 + 84);
    // The stacked-patches demo at stop 5: the tour has text and an answer, the largest panels are full.
    const base = 'v=1&p=stacked-patches&t=4&e=1';
    const page = await open(`${base}&l=tasks`, { width: 960, height: 540 });
    const misfits: string[] = [];
    for (const ids of all) {
      await page.evaluate((hash) => {
        location.hash = hash;
      }, `${base}&l=${ids.join(',')}`);
      await page.waitForFunction((n) => document.querySelectorAll('.embed-cell section.panel').length === n, ids.length);
      const r = await page.evaluate(() => {
        const de = document.documentElement;
        const panels = [...document.querySelectorAll('.embed-cell section.panel')].map((s) => {
          const b = s.getBoundingClientRect();
          const head = s.querySelector('h2')!.getBoundingClientRect();
          return { title: s.querySelector('h2')!.textContent, top: b.top, bottom: b.bottom, left: b.left, right: b.right, height: b.height, headBottom: head.bottom };
        });
        return { scrollWidth: de.scrollWidth, scrollHeight: de.scrollHeight, panels };
      });
      const bad = [
        r.scrollWidth > 960 ? `page ${r.scrollWidth} px wide` : '',
        r.scrollHeight > 540 ? `page ${r.scrollHeight} px high` : '',
        ...r.panels.map((p) => (p.top < 0 || p.left < 0 || p.bottom > 541 || p.right > 961 ? `${p.title} not whole in the window` : p.height < 150 ? `${p.title} only ${Math.round(p.height)} px high` : '')),
      ].filter((s) => s !== '');
      if (bad.length > 0) misfits.push(`${ids.join(',')}: ${bad.join('; ')}`);
    }
    expect(misfits).toEqual([]);
    await page.evaluate(() => {
      location.hash = 'v=1&p=stacked-patches&t=4&e=1&l=tasks,stacks,timeline';
    });
    await page.waitForFunction(() => document.querySelectorAll('.embed-cell').length === 3);
    await page.screenshot({ path: `${ARTIFACTS}/embed-960x540.png` });
    await page.close();
  }, 180_000);

  it('names an unknown panel id of l= and lists the valid ones', async () => {
    const page = await open('v=1&p=first-livepatch&e=1&l=tasks,grid,timeline', { width: 960, height: 540 });
    const notice = page.getByTestId('panel-list-notice');
    await expect.poll(() => notice.textContent()).toContain('"grid"');
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(`Valid panel ids: ${PANEL_IDS.join(', ')}.`);
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.getAttribute('role')).toBe('alert');
    // The known ones are shown.
    expect(await page.locator('.embed-cell').count()).toBe(2);
    await page.close();
  });
});

describe('the page on a laptop', () => {
  it('gives the task grid the room its tasks need and no more; the page fits the window with the timeline whole', async () => {
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1366, height: 768 },
    ]) {
      const page = await open('v=1&s=0&t=3&p=first-livepatch', size);
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.tg-view')!).getPropertyValue('--tg-natural') !== '');
      const r = await page.evaluate(() => {
        const view = document.querySelector<HTMLElement>('.tg-view')!;
        const need = parseFloat(getComputedStyle(view).getPropertyValue('--tg-natural'));
        const box = (sel: string) => document.querySelector(sel)!.closest('section.panel')!.getBoundingClientRect();
        return {
          need,
          viewHeight: view.getBoundingClientRect().height,
          page: document.documentElement.scrollHeight,
          timeline: box('.tl-svg'),
          code: box('.code-panel .panel-body'),
        };
      });
      const where = `${size.width}×${size.height}`;
      // 19 tasks: the view is never taller than they need at full-size cells (no empty
      // grid), and at 1366×768 exactly that tall; at 720 px it gives way a little.
      expect(r.viewHeight, where).toBeLessThanOrEqual(r.need + 2);
      if (size.height === 768) expect(Math.abs(r.viewHeight - r.need), where).toBeLessThanOrEqual(2);
      else expect(r.viewHeight, where).toBeGreaterThan(r.need * 0.7);
      expect(r.need, where).toBeLessThan(140);
      expect(r.page, where).toBeLessThanOrEqual(size.height);
      expect(r.timeline.bottom, where).toBeLessThanOrEqual(size.height);
      expect(r.code.height, where).toBeGreaterThanOrEqual(150);
      await page.close();
    }
  });
});

/** What a teacher needs to read at a stop: lines of kernel code and log, rows of CPUs, and whether every label of the timeline's axes is whole. */
const roomAtStop = (page: Page) =>
  page.evaluate(() => {
    const vh = window.innerHeight;
    const vw = window.innerWidth;
    const whole = (r: DOMRect, box: DOMRect) => r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.left >= box.left - 1 && r.right <= box.right + 1;
    const screen = new DOMRect(0, 0, vw, vh);
    // Kernel code: rows its list shows at once, and rows its function has (a short function shows whole).
    const code = document.querySelector<HTMLElement>('.code-lines');
    const rowHeight = code === null ? 1 : Math.min(...[...code.querySelectorAll('li')].map((li) => li.getBoundingClientRect().height).filter((h) => h > 0));
    const codeLines = code === null || !whole(code.getBoundingClientRect(), screen) ? 0 : Math.floor((code.clientHeight + 1) / rowHeight);
    const codeRows = code === null ? 0 : Math.round(code.scrollHeight / rowHeight);
    // Kernel log: rows of 18 px its list shows at once.
    const log = document.querySelector<HTMLElement>('.log-list');
    const logLines = log === null || !whole(log.getBoundingClientRect(), screen) ? 0 : Math.floor((log.clientHeight + 1) / 18);
    // CPUs: rows wholly in view under the table's sticky head, in the panel on screen.
    const cpus = document.querySelector<HTMLElement>('.cpus-panel .panel-body');
    let cpuRows = 0;
    let cpuCount = 0;
    if (cpus !== null) {
      const body = cpus.getBoundingClientRect();
      const head = cpus.querySelector('thead')?.getBoundingClientRect().bottom ?? body.top;
      // A machine of many CPUs draws the rows in view and spacers for the rest.
      const rows = [...cpus.querySelectorAll('tbody tr:not(.cpu-spacer)')];
      cpuCount = window.klpscope?.store.getState().frame?.cpus.length ?? rows.length;
      const view = new DOMRect(body.left, Math.max(head, 0), body.width, Math.min(body.bottom, vh) - Math.max(head, 0));
      cpuRows = rows.filter((tr) => whole(tr.getBoundingClientRect(), view)).length;
    }
    // The timeline: every tick label and axis name whole, in its panel's visible body and on screen.
    const tlBody = document.querySelector('.timeline-panel .panel-body')!.getBoundingClientRect();
    const clipped = [...document.querySelectorAll<SVGTextElement>('.tl-svg .tl-axis text')]
      .filter((t) => (t.textContent ?? '') !== '' && !(whole(t.getBoundingClientRect(), tlBody) && whole(t.getBoundingClientRect(), screen)))
      .map((t) => t.textContent);
    // The task grid's legend: every entry whole in the grid's panel, which does not scroll to show it.
    const tgBody = document.querySelector<HTMLElement>('.tg-panel > .panel-body');
    const legendCut = tgBody === null ? ['no task grid'] : [...tgBody.querySelectorAll('.tg-legend li')].filter((li) => !whole(li.getBoundingClientRect(), tgBody.getBoundingClientRect())).map((li) => li.textContent ?? '');
    const gridScrolls = tgBody !== null && tgBody.scrollHeight > tgBody.clientHeight;
    return { codeLines, codeRows, logLines, cpuRows, cpuCount, clipped, legendCut, gridScrolls, ticks: document.querySelectorAll('.tl-svg .tl-axis text').length };
  });

describe('room for a lecture at 1280×720 and 1366×768', () => {
  it('shows at least 8 lines of kernel code and of kernel log, 2 rows of CPUs (3 at 1366×768), the whole task grid legend, and every timeline tick label whole, at every stop of three demos', { timeout: 300_000 }, async () => {
    const short: string[] = [];
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1366, height: 768 },
    ]) {
      const page = await open('v=1&p=first-livepatch&t=0', size);
      for (const id of ['first-livepatch', 'stacked-patches', 'large-machine']) {
        const preset = PRESETS.find((p) => p.id === id)!;
        for (let stop = 0; stop < preset.tour.length; stop++) {
          await page.evaluate((hash) => {
            location.hash = hash;
          }, `v=1&p=${id}&t=${stop}`);
          await page.waitForFunction(([p, s]) => window.klpscope?.store.getState().meta?.preset === p && window.klpscope.store.getState().frame?.tour?.stop === s, [id, stop] as const, { timeout: 60_000 });
          // The spotlight has scrolled its panel into view.
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
          const r = await roomAtStop(page);
          const where = `${size.width}×${size.height} ${id} stop ${stop + 1}`;
          const rows = Math.min(r.cpuCount, size.height === 720 ? 2 : 3);
          if (r.codeLines < Math.min(8, r.codeRows)) short.push(`${where}: ${r.codeLines} of ${r.codeRows} lines of kernel code`);
          if (r.logLines < 8) short.push(`${where}: ${r.logLines} lines of kernel log`);
          if (r.cpuRows < rows) short.push(`${where}: ${r.cpuRows} of ${r.cpuCount} CPU rows`);
          if (r.legendCut.length > 0 || r.gridScrolls) short.push(`${where}: task grid legend cut: ${r.legendCut.join(', ')}${r.gridScrolls ? ' (its panel scrolls)' : ''}`);
          if (r.ticks < 4 || r.clipped.length > 0) short.push(`${where}: timeline labels cut: ${r.clipped.join(', ')} (${r.ticks} labels)`);
        }
      }
      if (size.width === 1280) await page.screenshot({ path: `${ARTIFACTS}/room-1280x720.png` });
      await page.close();
    }
    expect(short).toEqual([]);
  });
});

describe('invariants named on the page', () => {
  it('are links to the guarantees page at every stop of every demo that names one', async () => {
    const naming = PRESETS.filter((p) => [p.scenario.description ?? '', ...p.tour.flatMap((s) => [s.text, s.question?.why ?? ''])].some((t) => /\binvariant \d/i.test(t)));
    expect(naming.length).toBeGreaterThan(3);
    const page = await open(`v=1&p=${naming[0]!.id}`, { width: 1366, height: 768 });
    let linked = 0;
    for (const p of naming) {
      for (let stop = 0; stop < p.tour.length; stop++) {
        await page.evaluate((hash) => {
          location.hash = hash;
        }, `v=1&p=${p.id}&t=${stop}`);
        await page.waitForFunction(([id, s]) => window.klpscope?.store.getState().meta?.preset === id && window.klpscope.store.getState().frame?.tour?.stop === s, [p.id, stop] as const);
        const r = await page.evaluate(() => {
          const bare: string[] = [];
          let links = 0;
          const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n !== null; n = walk.nextNode()) {
            const el = n.parentElement!;
            if (!/\binvariant \d/i.test(n.textContent ?? '') || el.closest('svg, [hidden], .sr-only') !== null) continue;
            if (el.closest('.link-button') !== null) links++;
            else bare.push(n.textContent!.trim().slice(0, 80));
          }
          return { bare, links };
        });
        expect(r.bare, `${p.id} stop ${stop + 1}`).toEqual([]);
        linked += r.links;
      }
    }
    expect(linked).toBeGreaterThan(0);
    await page.close();
  }, 180_000);
});
