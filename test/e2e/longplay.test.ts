// A long play at the fastest speed, in Chromium against the production
// build: the page keeps answering, Pause takes effect, and what the page
// holds stays bounded and consistent with the playhead: the kernel log is a
// window around it (the earlier lines said to be in the export), the
// timeline's CPU runs are thinned, and nothing shown lies past the computed
// trace. How fast it answers and how soon Pause acts are bench:ui figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './browser.ts';
import type { Harness } from './browser.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** 200 busy tasks on 8 CPUs (a CPU run every few events), and 24,000 lines written to the kernel log early on. */
const LONG = {
  format: 'klpscope/1',
  name: 'long play',
  kernel: 'mainline',
  machine: { cpus: 8 },
  tasks: [{ comm: 'worker', count: 200, syscalls: ['getpid', 'read_cmdline', 'nanosleep'], userMs: [0, 1] }],
  script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', ...Array.from({ length: 24_000 }, (_, i) => `echo tick ${i} > /dev/kmsg`), 'sleep 3600'],
};

/** The page's bounds (src/worker/bounded.ts SERIES_BOUNDS): log lines, CPU runs. */
const LOG_WINDOW = 20_000;
const RUNS = 16_384;
const TARGET = 150_000;

describe('a long play at the fastest speed', () => {
  it('keeps the page answering, pauses, and shows a bounded log and timeline that agree with the playhead', async () => {
    const page = await h.newPage();
    await page.goto(h.url);
    await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 0);
    await page.evaluate((d) => window.klpscope?.store.getState().load({ scenario: d }), LONG);
    await page.waitForFunction(() => window.klpscope?.store.getState().meta?.name === 'long play');
    await page.evaluate(() => {
      const st = window.klpscope!.store.getState();
      st.send({ type: 'speed', index: 9 });
      st.send({ type: 'play' });
    });
    // The page answers all along: each poll is a round trip to its main thread.
    await expect.poll(() => page.evaluate(() => window.klpscope?.store.getState().live?.step ?? 0), { timeout: 240_000, interval: 500 }).toBeGreaterThan(TARGET);

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForFunction(() => window.klpscope?.store.getState().live?.playing === false && window.klpscope.store.getState().frame?.playing === false);
    // Paused: the step stays put over the next animation frames.
    const still = await page.evaluate(async () => {
      const store = window.klpscope!.store;
      const at = store.getState().live?.step;
      for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(() => r(null)));
      return { at, now: store.getState().live?.step };
    });
    expect(still.now).toBe(still.at);

    const held = await page.evaluate(() => {
      const s = window.klpscope!.store.getState();
      const f = s.frame!;
      const log = s.log;
      const shown = log.filter((l) => l.step <= f.step);
      return {
        step: f.step,
        computed: f.computed,
        logLength: log.length,
        logOffset: log.offset,
        lastShown: shown.at(-1)?.text ?? null,
        logStepsInOrder: log.toArray().every((l, i, a) => i === 0 || a[i - 1]!.step <= l.step),
        runs: s.cpuRuns?.length ?? -1,
        lastRunStep: s.cpuRuns?.at(-1)?.step ?? -1,
        runsInOrder: (s.cpuRuns?.toArray() ?? []).every((r, i, a) => i === 0 || a[i - 1]!.step <= r.step),
        lastSampleStep: s.samples.at(-1)?.step ?? -1,
      };
    });
    expect(held.step).toBeGreaterThan(TARGET);
    // The log: a window of at most LOG_WINDOW lines that reaches the playhead, in step order, with the earlier lines left in the worker.
    expect(held.logOffset).toBeGreaterThan(0);
    expect(held.logLength).toBeLessThanOrEqual(LOG_WINDOW);
    expect(held.logStepsInOrder).toBe(true);
    expect(held.lastShown).toBe('tick 23999');
    // The timeline: CPU runs thinned to a bounded count, none past the computed trace.
    expect(held.runs).toBeGreaterThan(0);
    expect(held.runs).toBeLessThanOrEqual(RUNS);
    expect(held.runsInOrder).toBe(true);
    expect(held.lastRunStep).toBeLessThanOrEqual(held.computed);
    expect(held.lastSampleStep).toBeLessThanOrEqual(held.computed);

    // The log panel shows the last line printed by the playhead, and says that earlier lines are in the export.
    const panel = page.getByRole('region', { name: 'Kernel log' });
    await expect.poll(() => panel.getByRole('group', { name: 'Kernel log lines' }).locator('button').last().textContent()).toContain('tick 23999');
    await expect.poll(() => panel.locator('.log-count').textContent()).toMatch(/after [\d,]+ earlier lines \(Export has them all\)/);
    // The timeline's CPU lanes are drawn, and the playhead is on the timeline.
    await expect.poll(() => page.getByTestId('lanes').count()).toBe(1);
    await page.close();
  }, 300_000);
});
