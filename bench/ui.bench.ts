// npm run bench:ui: drives the built app in headless Chromium and prints
// frame times while playing with 10,000 and 100,000 tasks (for 100,000, also
// where the main thread's time goes, from a Chrome trace), the time from a
// click on "Step forward" to updated panels (clicks back to back, and 150 ms
// apart, as a person clicks through a demo), the time to the first
// interactive frame, and the gzipped size of the JavaScript (all of it, and
// what the first interactive frame needs: the entry chunk, what it preloads,
// and the worker). Figures, not assertions: the budgets are printed beside them.
// The long max-speed play (200 tasks, 60 s) also prints the worker's and the
// page's heaps, a ping to the page's main thread every second, and then the
// latency of Pause. BENCH_UI_ONLY=long-play runs only that part
// (BENCH_UI_PAUSE=0: without the Pause figure); BENCH_UI_ONLY=page only the
// first interactive frame and Step forward.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { openBuiltApp } from './open.ts';
import type { TraceEvent } from './open.ts';

function bigScenario(tasks: number, cpus: number) {
  return {
    format: 'klpscope/1',
    name: `${tasks} tasks on ${cpus} CPUs`,
    kernel: 'mainline',
    machine: { cpus },
    tasks: [{ comm: 'worker', count: tasks, syscalls: ['getpid', 'read_cmdline', 'nanosleep'] }],
    script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'sleep 5'],
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function frameTimes(page: Page, tasks: number, cpus: number): Promise<{ median: number; p95: number; frames: number; steps: number; over1: number; over2: number }> {
  await loadBig(page, tasks, cpus);
  return playFrames(page);
}

async function loadBig(page: Page, tasks: number, cpus: number): Promise<void> {
  await page.evaluate((doc) => window.klpscope?.store.getState().load({ scenario: doc }), bigScenario(tasks, cpus));
  await page.waitForFunction((n) => (window.klpscope?.store.getState().frame?.tasks.count ?? 0) >= n, tasks, { timeout: 120_000 });
}

/** What the page's main thread did, by the kind of its top-level tasks. */
const WORK_KINDS = ['worker frames (store; DOM panels when due)', 'timers (DOM panels)', 'animation frames (canvases)', 'rendering (style, layout, paint)', 'GC', 'other'] as const;
type WorkKind = (typeof WORK_KINDS)[number];

interface MainThreadWork {
  /** CPU ms of the main thread per second of the run. */
  readonly perSecond: number;
  /** Thread time of its top-level tasks: 95th percentile and longest, ms. */
  readonly p95: number;
  readonly max: number;
  /** Top-level tasks that took over a frame (16.7 ms) of CPU. */
  readonly overFrame: number;
  readonly by: Readonly<Record<WorkKind, number>>;
}

/**
 * Runs `run` under a Chrome trace and sums the page main thread's top-level
 * tasks by thread time (CPU), which the other processes of a loaded machine
 * inflate far less than the wall-clock frame times: where the frame time goes.
 */
async function mainThreadWork<T>(page: Page, run: () => Promise<T>): Promise<{ result: T; work: MainThreadWork }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline', transferMode: 'ReportEvents' });
  const result = await run();
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await done;
  await cdp.detach();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const on = events.filter((e) => main !== undefined && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts);
  const kindOf = (name: string): WorkKind | null =>
    name === 'HandlePostMessage' ? 'worker frames (store; DOM panels when due)' : name === 'TimerFire' ? 'timers (DOM panels)' : name === 'FireAnimationFrame' ? 'animation frames (canvases)' : /^(UpdateLayoutTree|Layout|PrePaint|Paint|Layerize|Commit)$/.test(name) ? 'rendering (style, layout, paint)' : /GC/.test(name) ? 'GC' : null;
  const by = Object.fromEntries(WORK_KINDS.map((k) => [k, 0])) as Record<WorkKind, number>;
  const cpu: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < on.length; i++) {
    const t = on[i]!;
    if (t.name !== 'ThreadControllerImpl::RunTask' && t.name !== 'RunTask') continue;
    const end = t.ts + (t.dur ?? 0);
    // The task's kind: what its first recognised event inside it was.
    let kind: WorkKind = 'other';
    for (let j = i + 1; j < on.length && on[j]!.ts < end; j++) {
      const k = kindOf(on[j]!.name);
      if (k !== null) {
        kind = k;
        break;
      }
    }
    const ms = (t.tdur ?? t.dur ?? 0) / 1000;
    by[kind] += ms;
    cpu.push(ms);
    first = Math.min(first, t.ts);
    last = Math.max(last, end);
  }
  const seconds = Math.max(1e-3, (last - first) / 1e6);
  for (const k of WORK_KINDS) by[k] /= seconds;
  const total = cpu.reduce((a, b) => a + b, 0);
  return { result, work: { perSecond: total / seconds, p95: pct(cpu, 95), max: Math.max(0, ...cpu), overFrame: cpu.filter((x) => x > 16.7).length, by } };
}

/** Frame times over 4 s of playing the loaded scenario at the fastest speed (the first five frames left out). */
function playFrames(page: Page): Promise<{ median: number; p95: number; frames: number; steps: number; over1: number; over2: number }> {
  return page.evaluate(async () => {
    const store = window.klpscope!.store;
    store.getState().send({ type: 'speed', index: 8 });
    store.getState().send({ type: 'play' });
    const deltas: number[] = [];
    let last = performance.now();
    const start = last;
    await new Promise<void>((resolve) => {
      const tick = (t: number) => {
        deltas.push(t - last);
        last = t;
        if (t - start < 4000) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    store.getState().send({ type: 'pause' });
    const s = [...deltas.slice(5)].sort((a, b) => a - b);
    // Frames that missed one vsync (over 1.5 × 16.7 ms) and two (over 2.5 ×).
    const share = (ms: number) => s.filter((d) => d > ms).length / s.length;
    return { median: s[Math.floor(s.length / 2)] ?? NaN, p95: s[Math.floor(s.length * 0.95)] ?? NaN, frames: s.length, steps: store.getState().frame?.step ?? 0, over1: share(25), over2: share(41.7) };
  });
}

/** Clicks on Step forward, each way (back to back, paced): 60, so that the p95 is not the second slowest click. */
const STEP_CLICKS = 60;
/** Clicks on Step forward on the 10,000-task machine (full run). */
const STEP_CLICKS_10K = 20;
/**
 * The pause before each click of the paced measure: a person clicking
 * through a demo, not a key held down. The back-to-back measure clicks as
 * soon as the last click's frame is rendered (some 30 a second), while that
 * frame is still rasterised and the worker answers it, on the same two cores.
 */
const STEP_PACE_MS = 150;

/** What `clicks` clicks on Step forward gave (see stepLatency). */
interface StepRun {
  /** Click → the next animation frame callback, ms. */
  readonly ms: number[];
  /** Click → that frame's rendering done on the main thread (style, layout, paint: a message posted in the callback has come), ms. */
  readonly rendered: number[];
  /** Clicks that showed the step in the click's own task (from the frame sent ahead). */
  readonly atOnce: number;
  /** Clicks whose panels did not all show the new step in that animation frame (the transport's step and the narration's). */
  readonly stale: number;
}

/**
 * Click → panels updated, `clicks` clicks from where the page is: the time
 * from the click to the next animation frame callback once the store shows
 * the new step (the panels have rendered; that frame paints them), checked
 * there against what the panels say, and to the end of that frame's rendering.
 */
async function stepLatency(page: Page, clicks: number, paceMs = 0): Promise<StepRun> {
  const ms: number[] = [];
  const rendered: number[] = [];
  let atOnce = 0;
  let stale = 0;
  for (let i = 0; i < clicks; i++) {
    if (paceMs > 0) await page.waitForTimeout(paceMs);
    const r = await page.evaluate(async () => {
      const store = window.klpscope!.store;
      const before = store.getState().frame?.step ?? 0;
      const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Step forward');
      const t0 = performance.now();
      button?.click();
      const shownAtOnce = (store.getState().frame?.step ?? 0) !== before;
      await new Promise<void>((resolve, reject) => {
        if (shownAtOnce) return resolve();
        // At the run's end Step forward does nothing: say so rather than wait for ever.
        const stuck = setTimeout(() => reject(new Error(`Step forward from step ${before} showed no new step within 10 s`)), 10_000);
        const unsub = store.subscribe((s) => {
          if ((s.frame?.step ?? 0) !== before) {
            clearTimeout(stuck);
            unsub();
            resolve();
          }
        });
      });
      // The panels are updated once React has committed and the browser painted.
      const panels = await new Promise<{ t: number; shows: boolean }>((resolve) =>
        requestAnimationFrame(() => {
          const t = performance.now();
          // What the page says in that frame: the transport's step and the narration's (when the step has an event).
          const step = store.getState().frame?.step ?? -1;
          const where = document.querySelector('.transport .where')?.textContent ?? '';
          const narration = document.querySelector('.narration-where .mono')?.textContent ?? null;
          const n = step.toLocaleString('en');
          resolve({ t, shows: where.includes(`step ${n}`) && (narration === null ? store.getState().frame?.event == null : narration === n) });
        }),
      );
      // A message posted in the frame's callback comes once the frame's rendering (style, layout, paint) is done.
      const done = await new Promise<number>((resolve) => {
        const c = new MessageChannel();
        c.port1.onmessage = () => resolve(performance.now());
        c.port2.postMessage(0);
      });
      return { ms: panels.t - t0, rendered: done - t0, shownAtOnce, shows: panels.shows };
    });
    ms.push(r.ms);
    rendered.push(r.rendered);
    if (r.shownAtOnce) atOnce++;
    if (!r.shows) stale++;
  }
  return { ms, rendered, atOnce, stale };
}

/**
 * Compare mode with 10,000 tasks on each side (the other side: the next
 * seed): the time from a click on "Step forward" until both runs' panels are
 * updated, A's frame and the frame B answers with (B follows A by script
 * progress), then painted.
 */
async function compareStep(page: Page): Promise<number[]> {
  await page.evaluate((doc) => {
    const store = window.klpscope!.store;
    store.getState().setCompare(null);
    store.getState().load({ scenario: doc });
  }, bigScenario(10_000, 64));
  await page.waitForFunction(() => (window.klpscope?.store.getState().frame?.tasks.count ?? 0) >= 10_000, null, { timeout: 120_000 });
  await page.evaluate(() => window.klpscope!.store.getState().setCompare('seed:8'));
  // Both runs computed to their end (compare does that for the slider and the log diff), then back at the start.
  await page.waitForFunction(
    () => {
      const a = window.klpscope?.store.getState().frame;
      const b = window.klpscope?.compare?.getState().frame;
      return a != null && b != null && a.end !== null && b.end !== null && b.tasks.count >= 10_000;
    },
    null,
    { timeout: 300_000 },
  );
  // Into the transition, where each step changes tasks on both sides.
  await page.evaluate(() => window.klpscope!.store.getState().send({ type: 'seek', step: 200 }));
  await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 200, null, { timeout: 60_000 });
  await page.waitForTimeout(500);
  const out: number[] = [];
  for (let i = 0; i < 25; i++) {
    const ms = await page.evaluate(async () => {
      const a = window.klpscope!.store;
      const b = window.klpscope!.compare!;
      const before = a.getState().frame?.step ?? 0;
      const bBefore = b.getState().frame;
      const button = [...document.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === 'Step forward');
      const t0 = performance.now();
      button?.click();
      const changed = (store: typeof a, done: () => boolean) =>
        new Promise<void>((resolve) => {
          if (done()) return resolve();
          const unsub = store.subscribe(() => {
            if (done()) {
              unsub();
              resolve();
            }
          });
        });
      await changed(a, () => (a.getState().frame?.step ?? 0) !== before);
      // B answers A's new script progress with a frame of its own.
      await changed(b, () => b.getState().frame !== bBefore);
      // Painted: both sides' panels have committed by the next animation frame.
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return performance.now() - t0;
    });
    out.push(ms);
  }
  await page.evaluate(() => window.klpscope!.store.getState().setCompare(null));
  return out;
}

/**
 * The timeline's lanes while playing: 8 CPUs (8 CPU lanes) and 16 pinned
 * tasks, frame times over 4 s of playing at the fastest speed.
 */
async function laneFrames(page: Page): Promise<{ median: number; p95: number; frames: number; lanes: number }> {
  const doc = { ...bigScenario(400, 8), name: 'lanes: 400 tasks on 8 CPUs', script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'sleep 30'] };
  await page.evaluate(() => window.klpscope?.store.getState().setCompare(null));
  await page.evaluate((d) => window.klpscope?.store.getState().load({ scenario: d }), doc);
  await page.waitForFunction(() => (window.klpscope?.store.getState().frame?.tasks.count ?? 0) >= 400, null, { timeout: 60_000 });
  await page.evaluate(() => {
    const s = window.klpscope!.store.getState();
    for (let t = 0; t < 16; t++) s.send({ type: 'pin', task: 20 + t * 23, on: true });
  });
  await page.waitForFunction(() => window.klpscope?.store.getState().frame?.lanes.pinned.length === 16, null, { timeout: 60_000 });
  const r = await playFrames(page);
  const lanes = await page.evaluate(() => document.querySelectorAll('[data-testid="lanes"] .lane').length);
  return { median: r.median, p95: r.p95, frames: r.frames, lanes };
}

/**
 * The editor with a pasted document of 10,000 task groups (about 1 MB of
 * JSON): the time from each keydown to the next frame painted after it, for
 * keys typed at its start and at its end (issue 12: no keystroke over 50 ms).
 */
async function editorKeystrokes(page: Page): Promise<number[]> {
  await page.getByRole('button', { name: 'Edit scenario' }).click();
  const json = page.getByRole('dialog', { name: 'Scenario editor' }).getByRole('textbox', { name: 'Scenario JSON' });
  const groups = Array.from({ length: 10_000 }, (_, i) => ({ comm: `t${i}`, count: 1, userMs: [1, 20] }));
  const big = JSON.stringify({ format: 'klpscope/1', name: 'big', tasks: groups }, null, 2);
  await json.evaluate((el: HTMLTextAreaElement, text: string) => {
    el.focus();
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(el, text);
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, big);
  await page.getByRole('status').filter({ hasText: '10,000 tasks in 10,000 groups' }).waitFor({ timeout: 60_000 });
  await page.evaluate(() => {
    const w = window as unknown as { keyLatency: number[] };
    w.keyLatency = [];
    document.addEventListener(
      'keydown',
      (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => w.keyLatency.push(performance.now() - t0), 0));
      },
      true,
    );
  });
  const typeSome = async () => {
    for (const ch of 'klpscope') {
      await page.keyboard.press(ch);
      await page.waitForTimeout(60);
    }
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Backspace');
      await page.waitForTimeout(60);
    }
  };
  await page.keyboard.press('Control+Home');
  await typeSome();
  await page.keyboard.press('Control+End');
  await typeSome();
  await page.waitForTimeout(300);
  const out = await page.evaluate(() => (window as unknown as { keyLatency: number[] }).keyLatency);
  await page.keyboard.press('Escape');
  return out;
}

/**
 * Worker memory while a 200-task scenario plays as fast as it goes for 60 s:
 * the simulation worker's JS heap read through the DevTools protocol
 * (Runtime.getHeapUsage on the worker's target), every 5 s. Budget: 512 MB.
 */
/** 200 busy tasks on 8 CPUs and a script that sleeps an hour: millions of events at max speed. */
const LONG_RUN = {
  format: 'klpscope/1',
  name: '200 tasks, played fast',
  kernel: 'mainline',
  machine: { cpus: 8 },
  tasks: [{ comm: 'worker', count: 200, syscalls: ['getpid', 'read_cmdline', 'nanosleep'], userMs: [0, 1] }],
  script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'sleep 3600'],
};

/** Opens LONG_RUN afresh (compare off), at step 0. */
async function openLongRun(page: Page): Promise<void> {
  await page.evaluate(() => window.klpscope?.store.getState().setCompare(null));
  // A different name each time, so that the wait below is for this load.
  const name = `${LONG_RUN.name} ${Date.now()}`;
  await page.evaluate((d) => window.klpscope?.store.getState().load({ scenario: d }), { ...LONG_RUN, name });
  await page.waitForFunction((n) => window.klpscope?.store.getState().meta?.name === n && window.klpscope.store.getState().frame?.step === 0, name, { timeout: 60_000 });
}

/** A round trip to the page's main thread (ms), or -1 when it does not answer within `bound` ms. */
async function ping(page: Page, bound: number): Promise<number> {
  const t0 = Date.now();
  const ok = await Promise.race([page.evaluate(() => true), new Promise<false>((r) => setTimeout(() => r(false), bound))]);
  return ok ? Date.now() - t0 : -1;
}

interface LongPlay {
  samples: { s: number; mb: number; step: number; pageMb: number }[];
  peak: number;
  /** Round trips to the page's main thread, one a second (-1: no answer within 2 s). */
  pings: number[];
  /** The same, ten before the play starts. */
  idle: number[];
  pagePeak: number;
}

async function workerMemory(browser: Browser, page: Page): Promise<LongPlay> {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { type: string; url: string; targetId: string }[] };
  const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes('sim.worker'));
  if (target === undefined) throw new Error('no simulation worker target');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let next = 0;
  const waiting = new Map<number, (r: unknown) => void>();
  cdp.on('Target.receivedMessageFromTarget', (ev: { sessionId: string; message: string }) => {
    if (ev.sessionId !== sessionId) return;
    const m = JSON.parse(ev.message) as { id?: number; result?: unknown };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result);
  });
  const call = <T,>(method: string): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, (r) => resolve(r as T));
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params: {} }) });
    });
  const heapMb = async () => (await call<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
  await openLongRun(page);
  // The page's own JS heap, through its own DevTools session (answered by its main thread).
  const pageCdp = await page.context().newCDPSession(page);
  const pageMb = async () => ((await pageCdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 1024 / 1024;
  const samples = [{ s: 0, mb: await heapMb(), step: 0, pageMb: await pageMb() }];
  const pings: number[] = [];
  // The same round trip to the page before it plays: what the machine's load alone costs.
  const idle: number[] = [];
  for (let i = 0; i < 10; i++) idle.push(await ping(page, 2000));
  await page.evaluate(() => {
    const st = window.klpscope!.store.getState();
    st.send({ type: 'speed', index: 9 });
    st.send({ type: 'play' });
  });
  // The page may stop answering (its series grow with every frame): a reading it does not give in 2 s is -1.
  const within = <T,>(p: Promise<T>, ms: number, none: T): Promise<T> => Promise.race([p, new Promise<T>((r) => setTimeout(() => r(none), ms))]);
  const started = Date.now();
  for (let s = 1; s <= 60; s++) {
    await new Promise((r) => setTimeout(r, Math.max(0, started + s * 1000 - Date.now())));
    pings.push(await ping(page, 2000));
    if (s % 5 !== 0) continue;
    const step = await within(
      page.evaluate(() => window.klpscope?.store.getState().live?.step ?? 0),
      2000,
      -1,
    );
    samples.push({ s, mb: await within(heapMb(), 10_000, -1), step, pageMb: await within(pageMb(), 2000, -1) });
  }
  await within(
    page.evaluate(() => window.klpscope?.store.getState().send({ type: 'pause' })),
    2000,
    undefined,
  );
  await cdp.detach();
  await pageCdp.detach();
  return { samples, peak: Math.max(...samples.map((x) => x.mb)), pings, idle, pagePeak: Math.max(...samples.map((x) => x.pageMb)) };
}

/**
 * Pause during max-speed play of the long run (opened afresh): the time from a click on Pause until the store's
 * newest frame says it is not playing, checked to stay put (two animation
 * frames later the step has not moved). Each sample plays a second first.
 */
async function pauseLatency(page: Page): Promise<{ ms: number[]; moved: number }> {
  const ms: number[] = [];
  let moved = 0;
  await openLongRun(page);
  for (let i = 0; i < 12; i++) {
    await page.evaluate(() => {
      const st = window.klpscope!.store.getState();
      st.send({ type: 'speed', index: 9 });
      st.send({ type: 'play' });
    });
    await page.waitForFunction(() => window.klpscope?.store.getState().live?.playing === true, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const r = await page.evaluate(async () => {
      const store = window.klpscope!.store;
      const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Pause');
      const t0 = performance.now();
      button?.click();
      const t1 = await new Promise<number>((resolve) => {
        const done = () => {
          unsub();
          resolve(performance.now());
        };
        const unsub = store.subscribe((s) => {
          if (s.live?.playing === false) done();
        });
        if (store.getState().live?.playing === false) done();
      });
      const at = store.getState().live?.step ?? 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))));
      return { ms: t1 - t0, moved: (store.getState().live?.step ?? 0) !== at };
    });
    ms.push(r.ms);
    if (r.moved) moved++;
  }
  return { ms, moved };
}

type Row = (a: string, b: string, c: string) => void;

/** The rows of the long max-speed play: worker and page heaps, the page's answers, and Pause. */
function longPlayRows(row: Row, memory: LongPlay, pause: { ms: number[]; moved: number }): void {
  for (const m of memory.samples) row(`  worker heap, 200 tasks at max speed, ${m.s} s`, m.mb < 0 ? 'no answer' : `${m.mb.toFixed(0)} MB`, m.step < 0 ? 'the page did not answer within 2 s' : `step ${m.step.toLocaleString('en')}`);
  row('worker heap, 200 tasks at max speed, peak of 60 s', `${memory.peak.toFixed(0)} MB`, '≤ 512 MB');
  for (const m of memory.samples) if (m.s > 0 && m.s % 20 === 0) row(`  page heap, 200 tasks at max speed, ${m.s} s`, m.pageMb < 0 ? 'no answer' : `${m.pageMb.toFixed(0)} MB`, '');
  row('page heap, 200 tasks at max speed, peak of 60 s', `${memory.pagePeak.toFixed(0)} MB`, '');
  const answered = memory.pings.filter((x) => x >= 0);
  const silent = memory.pings.length - answered.length;
  row('page ping during that play, p95 / max', `${pct(answered, 95).toFixed(0)} / ${Math.max(...answered).toFixed(0)} ms`, `${memory.pings.length} pings, one a second; ${silent} not answered within 2 s`);
  row('page ping before it, p95 / max', `${pct(memory.idle, 95).toFixed(0)} / ${Math.max(...memory.idle).toFixed(0)} ms`, "the machine's load alone");
  row('Pause during max-speed play → stopped, median', `${pct(pause.ms, 50).toFixed(1)} ms`, '');
  row('Pause during max-speed play → stopped, p95', `${pct(pause.ms, 95).toFixed(1)} ms`, `≤ 200 ms  (${pause.ms.length} pauses, slowest ${Math.max(...pause.ms).toFixed(1)} ms; ${pause.moved} moved after)`);
}

/** First visits measured in fresh browser contexts after the browser's own first page. */
const FIRST_VISITS = 7;

/** What the page says (on its console) at its first interactive frame, with the page's clock then. */
const FIRST_FRAME_SAID = 'klpscope:first-interactive-frame ';

/**
 * Watches, from before the page's own scripts run, for the first frame of the
 * default scenario in the store and drawn: the task grid, the one panel
 * painted by a controller of its own rather than by the render, shows its
 * count (its controller has painted). At the next animation frame (painted),
 * it says the page's clock on the console. The watch is a few lines in the
 * page; the harness's own code (Playwright's injected script, some 20 ms of
 * parsing on the main thread) enters the page only after the measure.
 */
const WATCH_FIRST_FRAME = `(() => {
  const check = () => {
    const f = window.klpscope?.store.getState().frame;
    const grid = document.querySelector('.tg-panel .panel-meta')?.textContent ?? '';
    if (f !== null && f !== undefined && grid !== '') requestAnimationFrame(() => console.debug(${JSON.stringify(FIRST_FRAME_SAID)} + performance.now()));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

/**
 * Opens `url` in `page` (not navigated yet) and returns the page's clock
 * (from the navigation's start) at its first interactive frame: the first
 * frame of the default scenario has reached the store and is drawn, and the
 * next animation frame has come.
 */
async function firstFrameAt(page: Page, url: string): Promise<number> {
  await page.addInitScript({ content: WATCH_FIRST_FRAME });
  const said = page.waitForEvent('console', { predicate: (m) => m.text().startsWith(FIRST_FRAME_SAID), timeout: 60_000 });
  await page.goto(url);
  return Number((await said).text().slice(FIRST_FRAME_SAID.length));
}

function firstFrameRows(row: Row, cold: number, visits: number[]): void {
  row('first interactive frame, fresh browser', `${cold.toFixed(0)} ms`, '< 300 ms');
  row('first interactive frame, first visits, median', `${pct(visits, 50).toFixed(0)} ms`, `< 300 ms  (${visits.length} fresh contexts: ${visits.map((v) => v.toFixed(0)).join(', ')})`);
}

function stepRows(row: Row, r: StepRun, what = 'click "Step forward"'): void {
  const { ms, rendered, atOnce, stale } = r;
  row(`${what} → panels updated, median`, `${pct(ms, 50).toFixed(1)} ms`, '');
  row(`${what} → panels updated, p95`, `${pct(ms, 95).toFixed(1)} ms`, `≤ 16.7 ms  (${ms.length} clicks, slowest ${Math.max(...ms).toFixed(1)} ms; the next animation frame)`);
  row(`${what} → that frame rendered, median / p95`, `${pct(rendered, 50).toFixed(1)} / ${pct(rendered, 95).toFixed(1)} ms`, "(its style, layout and paint done on the main thread)");
  row(`${what}: shown in the click's task`, `${atOnce} of ${ms.length}`, "(the frame sent ahead; else after the worker's answer)");
  row(`${what}: panels not showing the step then`, `${stale} of ${ms.length}`, "(the transport's step and the narration's, read in that frame)");
}

async function main() {
  const { browser, page, url, close } = await openBuiltApp();
  // From the navigation's start (the page's clock) to the first frame of the default scenario on screen:
  // once in this fresh browser (nothing cached, the first page it opens), then in fresh contexts (no HTTP
  // or code cache: a first visit with the browser already running).
  const firstFrame = await firstFrameAt(page, url);
  const visits: number[] = [];
  for (let i = 0; i < FIRST_VISITS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const p = await ctx.newPage();
    await p.addInitScript({ content: 'window.__name = (f) => f;' });
    visits.push(await firstFrameAt(p, url));
    await ctx.close();
  }
  const row: Row = (a, b, c) => console.log(`${a.padEnd(44)} ${b.padStart(14)}   ${c}`);
  // BENCH_UI_ONLY=page: only the first interactive frame and Step forward (a minute).
  if (process.env.BENCH_UI_ONLY === 'page') {
    const steps = await stepLatency(page, STEP_CLICKS);
    const paced = await stepLatency(page, STEP_CLICKS, STEP_PACE_MS);
    await close();
    row('measure', 'figure', 'budget');
    firstFrameRows(row, firstFrame, visits);
    stepRows(row, steps, 'click "Step forward", back to back');
    stepRows(row, paced, `click "Step forward", ${STEP_PACE_MS} ms apart`);
    return;
  }
  // BENCH_UI_ONLY=long-play: only the long max-speed play and Pause (a few minutes instead of many).
  if (process.env.BENCH_UI_ONLY === 'long-play') {
    const memory = await workerMemory(browser, page);
    // A page that stopped answering (an older build) gives no Pause figure, but the rows above still print.
    const pause = process.env.BENCH_UI_PAUSE === '0' ? { ms: [NaN], moved: 0 } : await pauseLatency(page).catch(() => ({ ms: [NaN], moved: 0 }));
    await close();
    row('measure', 'figure', 'budget');
    longPlayRows(row, memory, pause);
    return;
  }
  const steps = await stepLatency(page, STEP_CLICKS);
  const paced = await stepLatency(page, STEP_CLICKS, STEP_PACE_MS);
  const p10k = await frameTimes(page, 10_000, 64);
  // Step forward on the 10,000-task machine, in its transition (the play above reached the run's end, where Step forward does nothing);
  // no frame is sent ahead above 1,000 tasks: each click waits for the worker.
  await page.evaluate(() => window.klpscope?.store.getState().send({ type: 'seek', step: 2000 }));
  await page.waitForFunction(() => window.klpscope?.store.getState().frame?.step === 2000, null, { timeout: 60_000 });
  await page.waitForTimeout(500);
  const steps10k = await stepLatency(page, STEP_CLICKS_10K);
  await loadBig(page, 100_000, 256);
  const { result: p100k, work: w100k } = await mainThreadWork(page, () => playFrames(page));
  const lanes = await laneFrames(page);
  const compare = await compareStep(page);
  const keys = await editorKeystrokes(page);
  const memory = await workerMemory(browser, page);
  const pause = await pauseLatency(page);
  await close();

  const assets = readdirSync('dist/assets').filter((f) => f.endsWith('.js'));
  const sizes = assets.map((f) => ({ f, gz: gzipSync(readFileSync(`dist/assets/${f}`)).length }));
  const total = sizes.reduce((a, b) => a + b.gz, 0);
  // The first interactive frame needs the entry chunk and what index.html preloads, and the worker's chunk.
  const html = readFileSync('dist/index.html', 'utf8');
  const loaded = new Set([...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1]));
  // The entry is small: it starts the worker and imports the app's chunk (which index.html preloads), with what that needs (the entry's preload list).
  for (const [, f] of html.matchAll(/<script[^>]* src="\.\/assets\/([^"]+\.js)"/g)) {
    const deps = /^const __vite__mapDeps=.*?\[([^\]]*)\]/.exec(readFileSync(`dist/assets/${f}`, 'utf8'))?.[1] ?? '';
    for (const m of deps.matchAll(/"\.\/([^"]+\.js)"/g)) loaded.add(m[1]);
  }
  for (const s of sizes) if (/^sim\.worker-/.test(s.f)) loaded.add(s.f);
  const first = sizes.filter((s) => loaded.has(s.f));
  const firstTotal = first.reduce((a, b) => a + b.gz, 0);

  row('measure', 'figure', 'budget');
  firstFrameRows(row, firstFrame, visits);
  stepRows(row, steps, 'click "Step forward", back to back');
  stepRows(row, paced, `click "Step forward", ${STEP_PACE_MS} ms apart`);
  row('10,000 tasks playing: median frame', `${p10k.median.toFixed(1)} ms`, '');
  row('10,000 tasks playing: p95 frame', `${p10k.p95.toFixed(1)} ms`, `≤ 16.7 ms  (${p10k.frames} frames, ${p10k.steps} steps)`);
  stepRows(row, steps10k, 'Step forward, 10,000 tasks');
  row('10,000 tasks: frames missing a vsync / two', `${(p10k.over1 * 100).toFixed(1)}% / ${(p10k.over2 * 100).toFixed(1)}%`, '');
  row('100,000 tasks playing: median frame', `${p100k.median.toFixed(1)} ms`, '');
  row('100,000 tasks playing: p95 frame', `${p100k.p95.toFixed(1)} ms`, `≤ 16.7 ms  (${p100k.frames} frames, ${p100k.steps} steps)`);
  row('100,000 tasks: frames missing a vsync / two', `${(p100k.over1 * 100).toFixed(1)}% / ${(p100k.over2 * 100).toFixed(1)}%`, '');
  row('100,000 tasks: main-thread task p95 / max', `${w100k.p95.toFixed(1)} / ${w100k.max.toFixed(1)} ms`, `CPU (trace thread time), ${w100k.overFrame} tasks over 16.7 ms`);
  row('100,000 tasks: main-thread CPU by work', `${w100k.perSecond.toFixed(0)} ms/s`, WORK_KINDS.map((k) => `${k} ${w100k.by[k].toFixed(0)}`).join(' · '));
  row('lanes (8 CPUs + 16 pinned) playing: median frame', `${lanes.median.toFixed(1)} ms`, '');
  row('lanes (8 CPUs + 16 pinned) playing: p95 frame', `${lanes.p95.toFixed(1)} ms`, `≤ 16.7 ms  (${lanes.frames} frames, ${lanes.lanes} lanes drawn)`);
  row('compare, 10,000 tasks a side: step, median', `${pct(compare, 50).toFixed(1)} ms`, '');
  row('compare, 10,000 tasks a side: step, p95', `${pct(compare, 95).toFixed(1)} ms`, '< 50 ms');
  row('editor, 10,000 groups: keydown → painted, p95', `${pct(keys, 95).toFixed(1)} ms`, `≤ 50 ms  (${keys.length} keys, median ${pct(keys, 50).toFixed(1)} ms)`);
  row('editor, 10,000 groups: slowest keystroke', `${Math.max(...keys).toFixed(1)} ms`, '≤ 50 ms');
  longPlayRows(row, memory, pause);
  for (const s of sizes) row(`  ${s.f}${loaded.has(s.f) ? ' (first frame)' : ''}`, `${(s.gz / 1024).toFixed(1)} kB gz`, '');
  row('JavaScript for the first interactive frame', `${(firstTotal / 1024).toFixed(1)} kB gz`, `≤ 150 kB  (${first.map((s) => s.f.replace(/-.*/, '')).join(' + ')})`);
  row('JavaScript, gzipped, total', `${(total / 1024).toFixed(1)} kB`, '');
}

await main();
