// Where a click on "Step forward" spends its time: clicks the default demo's
// Step forward button as bench:ui does (CLICKS, 40 by default), under a Chrome
// trace with the V8 sampling profiler (NOPROFILE=1: without it, for thread
// times the profiler does not inflate). Prints for each click the main
// thread's tasks from the click to the next animation frame callback (wall and
// thread time, style, layout, paint, the compositor's BeginFrames), the thread
// time per click to that callback and to the end of that frame's task, and
// script by function and by component (inclusive) over all clicks. Run after
// an unminified build, so that functions keep their names:
//   npx vite build --minify false --outDir /tmp/klp-trace && npx tsx bench/step-trace.ts /tmp/klp-trace
// The trace is kept in /tmp/step-trace.json; ANALYSE=/tmp/step-trace.json reads it again.
import { writeFileSync } from 'node:fs';
import { openBuiltApp } from './open.ts';
import type { TraceEvent } from './open.ts';

const outDir = process.argv[2] ?? 'dist';
const CLICKS = Number(process.env.CLICKS ?? 40);


async function main() {
  const { page, url, close } = await openBuiltApp(outDir);
  await page.goto(url);
  await page.waitForFunction(() => window.klpscope?.store.getState().frame != null);
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    categories: ['devtools.timeline', 'toplevel', 'disabled-by-default-devtools.timeline.frame', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'viz', 'benchmark', 'blink.user_timing', 'v8.execute', ...(process.env.NOPROFILE ? [] : ['disabled-by-default-v8.cpu_profiler']), 'scheduler', 'renderer.scheduler', 'disabled-by-default-devtools.timeline.stack'].join(','),
    transferMode: 'ReportEvents',
    options: 'sampling-frequency=10000',
  } as never);
  const wall: number[] = [];
  for (let i = 0; i < CLICKS; i++) {
    const ms = await page.evaluate(async (n) => {
      const store = window.klpscope!.store;
      const before = store.getState().frame?.step ?? 0;
      const button = [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Step forward');
      performance.mark(`click-${n}`);
      const t0 = performance.now();
      button?.click();
      const shownAtOnce = (store.getState().frame?.step ?? 0) !== before;
      performance.mark(`clicked-${n}`);
      await new Promise<void>((resolve) => {
        if (shownAtOnce) return resolve();
        const unsub = store.subscribe((s) => {
          if ((s.frame?.step ?? 0) !== before) {
            unsub();
            resolve();
          }
        });
      });
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      performance.mark(`raf-${n}`);
      return performance.now() - t0;
    }, i);
    wall.push(ms);
  }
  await page.waitForTimeout(200);
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.end');
  await done;
  await close();
  writeFileSync('/tmp/step-trace.json', JSON.stringify({ traceEvents: events, wall }));

  analyse(events, wall);
}

function analyse(events: TraceEvent[], wall: number[]) {
  const rendererMain = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((m) => m.pid === e.pid && m.name.startsWith('click-')));
  if (rendererMain === undefined) throw new Error('no renderer main thread with the marks');
  const pid = rendererMain.pid;
  const threads = new Map<number, string>();
  for (const e of events) if (e.name === 'thread_name' && e.pid === pid) threads.set(e.tid, String(e.args?.name));
  const mark = (name: string) => events.find((e) => e.pid === pid && e.name === name && e.cat.includes('user_timing'))?.ts;
  const onMain = events.filter((e) => e.pid === pid && e.tid === rendererMain.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  const compositor = [...threads].find(([, n]) => n === 'Compositor')?.[0];
  const onComp = events.filter((e) => e.pid === pid && e.tid === compositor).sort((a, b) => a.ts - b.ts);

  // The V8 sampling profiler of the main thread: its Profile event names the id its chunks carry.
  const profile = events.find((e) => e.pid === pid && e.tid === rendererMain.tid && e.name === 'Profile');
  const nodes = new Map<number, { fn: string; url: string; line: number; parent?: number }>();
  const samples: { ts: number; node: number }[] = [];
  let at = (profile?.args?.data as { startTime?: number } | undefined)?.startTime ?? 0;
  for (const e of events.filter((x) => x.pid === pid && x.name === 'ProfileChunk' && x.id === profile?.id).sort((a, b) => a.ts - b.ts)) {
    const d = e.args?.data as { cpuProfile?: { nodes?: { id: number; parent?: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of d?.cpuProfile?.nodes ?? []) nodes.set(n.id, { fn: n.callFrame.functionName || '(anonymous)', url: n.callFrame.url ?? '', line: n.callFrame.lineNumber, parent: n.parent });
    const ss = d?.cpuProfile?.samples ?? [];
    const dt = d?.timeDeltas ?? [];
    for (let i = 0; i < ss.length; i++) {
      at += dt[i] ?? 0;
      samples.push({ ts: at, node: ss[i]! });
    }
  }
  const COMPONENTS = /^(App|Notices|Transport|Actions|Tour|TaskGrid|GridCanvas|Controls|GroupControl|Legend|GridPinButton|Cpus|CpuRow|Narration|EventStory|Inspector|Globals|FuncStacks|FuncStack|Version|SelftestCheck|KernelCode|KernelLog|Timeline|Lanes|MarkLane|TimeAxis|CountAxis|ComputeProgress|Panel|Guarantees|Help|ScenarioPicker|Export|Editor|CopyLink|CompareMenu|SearchDialog|Gallery|GalleryButton|[A-Z][A-Za-z]+)$/;

  const rows: { i: number; wall: number; t0: number; t1: number; clicked: number }[] = [];
  for (let i = 0; i < wall.length; i++) {
    const t0 = mark(`click-${i}`);
    const c = mark(`clicked-${i}`);
    const t1 = mark(`raf-${i}`);
    if (t0 === undefined || t1 === undefined || c === undefined) continue;
    rows.push({ i, wall: wall[i]!, t0, t1, clicked: c });
  }
  const sorted = [...rows].sort((a, b) => a.wall - b.wall);
  console.log(`clicks ${rows.length}: median ${sorted[Math.floor(sorted.length / 2)]?.wall.toFixed(1)} p95 ${sorted[Math.floor(sorted.length * 0.95)]?.wall.toFixed(1)} max ${sorted.at(-1)?.wall.toFixed(1)}`);
  const tops = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const kindOf = (t: TraceEvent): string => {
    const end = t.ts + (t.dur ?? 0);
    for (const e of onMain) {
      if (e.ts < t.ts || e === t) continue;
      if (e.ts >= end) break;
      const d = e.args?.data;
      const text = (v: unknown) => (typeof v === 'string' ? v : '');
      if (e.name === 'EventDispatch') return `event ${text(d?.type)}`;
      if (e.name === 'HandlePostMessage') return 'worker message';
      if (e.name === 'TimerFire') return 'timer';
      if (e.name === 'FireAnimationFrame' || e.name === 'WebFrameWidgetImpl::BeginMainFrame') return 'frame';
      if (e.name === 'FunctionCall') return `call ${text(d?.functionName)}`;
      if (e.name === 'v8.run' || e.name === 'V8.Execute' || e.name === 'EvaluateScript') return 'script';
    }
    return 'other';
  };
  const cpuOf = (list: TraceEvent[], names: RegExp, t0: number, t1: number) => list.filter((e) => names.test(e.name) && e.ts >= t0 && e.ts < t1).reduce((a, e) => a + (e.tdur ?? e.dur ?? 0), 0) / 1000;
  console.log('click   wall | main busy (cpu) | style  layout(forced n)  paint | BeginFrames after the click (ms) | tasks: kind wall/cpu');
  for (const r of rows) {
    const mine = tops.filter((e) => e.ts + (e.dur ?? 0) > r.t0 && e.ts < r.t1);
    const busy = mine.reduce((a, e) => a + Math.min(r.t1, e.ts + (e.dur ?? 0)) - Math.max(r.t0, e.ts), 0) / 1000;
    const cpu = mine.reduce((a, e) => a + (e.tdur ?? 0), 0) / 1000;
    const style = cpuOf(onMain, /^UpdateLayoutTree$/, r.t0, r.t1);
    const layout = cpuOf(onMain, /^Layout$/, r.t0, r.t1);
    const forced = onMain.filter((e) => e.name === 'Blink.ForcedStyleAndLayout.UpdateTime' && e.ts >= r.t0 && e.ts < r.t1 && (e.dur ?? 0) > 50).length;
    const paint = cpuOf(onMain, /^(PrePaint|Paint|Layerize|Commit)$/, r.t0, r.t1);
    const bfs = onComp.filter((e) => e.name === 'Scheduler::BeginFrame' && e.ts >= r.t0 - 17000 && e.ts < r.t1 + 1000).map((e) => ((e.ts - r.t0) / 1000).toFixed(1));
    const tasks = mine.map((e) => `${kindOf(e)} ${((e.dur ?? 0) / 1000).toFixed(1)}/${((e.tdur ?? 0) / 1000).toFixed(1)}@${((e.ts - r.t0) / 1000).toFixed(1)}`).join(', ');
    console.log(`${String(r.i).padStart(4)} ${r.wall.toFixed(1).padStart(6)} | ${busy.toFixed(1).padStart(5)} (${cpu.toFixed(1).padStart(4)}) | ${style.toFixed(1).padStart(5)} ${layout.toFixed(1).padStart(5)} (${String(forced).padStart(2)}) ${paint.toFixed(1).padStart(5)} | ${bfs.join(' ')} | ${tasks}`);
  }
  // Thread time (CPU) per click, which the machine's other load inflates far less than wall time:
  // the main thread's tasks from the click to the animation frame callback, and the frame's whole task (style, layout, paint after the callback).
  const toRaf: number[] = [];
  const frameAll: number[] = [];
  for (const r of rows) {
    const bmf = tops.find((e) => e.ts <= r.t1 && e.ts + (e.dur ?? 0) >= r.t1);
    const before = tops.filter((e) => e.ts + (e.dur ?? 0) > r.t0 && e.ts < r.t1 && e !== bmf).reduce((a, e) => a + (e.tdur ?? 0), 0) / 1000;
    // The frame's task up to the callback: its thread time in proportion to its wall time (an estimate).
    const share = bmf === undefined || !bmf.dur ? 0 : (r.t1 - bmf.ts) / bmf.dur;
    toRaf.push(before + ((bmf?.tdur ?? 0) * share) / 1000);
    frameAll.push(before + (bmf?.tdur ?? 0) / 1000);
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
  console.log(`CPU click → rAF callback: median ${q(toRaf, 0.5).toFixed(1)} p95 ${q(toRaf, 0.95).toFixed(1)} max ${Math.max(...toRaf).toFixed(1)} ms; click → the frame's main-thread work done: median ${q(frameAll, 0.5).toFixed(1)} p95 ${q(frameAll, 0.95).toFixed(1)} max ${Math.max(...frameAll).toFixed(1)} ms`);
  // Script by function over all clicks' windows, and by component (inclusive).
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let all = 0;
  for (const r of rows) {
    const inWin = samples.filter((s) => s.ts >= r.t0 && s.ts < r.t1);
    for (let k = 0; k < inWin.length; k++) {
      const s = inWin[k]!;
      const dt = ((inWin[k + 1]?.ts ?? r.t1) - s.ts) / 1000;
      const n = nodes.get(s.node);
      if (n === undefined || n.fn === '(idle)' || n.fn === '(program)') continue;
      all += dt;
      const key = `${n.fn} ${(n.url ?? '').replace(/^.*\//, '')}:${n.line}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      const seen = new Set<string>();
      for (let p: number | undefined = s.node; p !== undefined; p = nodes.get(p)?.parent) {
        const q = nodes.get(p);
        if (q === undefined) break;
        if (seen.has(q.fn)) continue;
        seen.add(q.fn);
        incl.set(q.fn, (incl.get(q.fn) ?? 0) + dt);
      }
    }
  }
  console.log(`\nsampled script+native in the clicks' windows: ${all.toFixed(1)} ms over ${rows.length} clicks (${(all / rows.length).toFixed(2)} per click)`);
  console.log('self (ms over all clicks):\n  ' + [...self].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(1).padStart(6)} ${k}`).join('\n  '));
  console.log('inclusive, components (capitalised names):\n  ' + [...incl].filter(([k]) => COMPONENTS.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${v.toFixed(1).padStart(6)} ${k}`).join('\n  '));
  console.log('inclusive, all:\n  ' + [...incl].sort((a, b) => b[1] - a[1]).slice(0, 60).map(([k, v]) => `${v.toFixed(1).padStart(6)} ${k}`).join('\n  '));
}

if (process.env.ANALYSE !== undefined) {
  const { readFileSync } = await import('node:fs');
  const t = JSON.parse(readFileSync(process.env.ANALYSE, 'utf8')) as { traceEvents: TraceEvent[]; wall: number[] };
  analyse(t.traceEvents, t.wall);
} else await main();
