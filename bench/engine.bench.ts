// Engine benchmarks against the budgets of issue 11 and docs/architecture.md
// ("Performance budgets"). Run with `npm run bench`. Prints figures and
// whether each budget holds; asserts nothing (timings belong to the machine).
// The engine measured is the one that ships: src/sim bundled by esbuild, as
// the CLI and the app bundle it (tsx's per-module wrappers would cost more).
//
// 1. insmod → "patching complete": user tasks (getpid / read_cmdline /
//    nanosleep mixes) on 1,000 tasks × 8 CPUs, 10,000 × 64 and 100,000 × 256,
//    patching cmdline_proc_show with the built-in test_klp_livepatch: the
//    engine alone (events per second), then the whole CLI process
//    (`node bin/klpscope.mjs run FILE`, which keeps no trace or checkpoints).
// 2. A million events (200 tasks, 8 CPUs) with the app's options: time,
//    heap (trace and checkpoints), seeks to random points and single steps
//    back (95th percentiles).
// 3. Ten million events with the app's options and its byte budget: heap.
// 4. CLI start-up: the whole `node bin/klpscope.mjs` process on an empty script.
// 5. Computing ahead in the worker's session (8 ms background slices) on
//    10,000 tasks, the engine parked between slices or going back to the view
//    after each. `BENCH_ONLY=ahead npm run bench` runs only this one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { build } from 'esbuild';
import { MEMORY_BUDGET_BYTES } from '../src/sim/limits.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'klpscope-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
await build({ entryPoints: ['src/sim/engine.ts'], outfile: path.join(tmp, 'engine.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
const { Engine } = (await import(pathToFileURL(path.join(tmp, 'engine.mjs')).href)) as typeof import('../src/sim/engine.ts');
await build({ entryPoints: ['src/worker/session.ts'], outfile: path.join(tmp, 'session.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
const { Session } = (await import(pathToFileURL(path.join(tmp, 'session.mjs')).href)) as typeof import('../src/worker/session.ts');

// ---------------------------------------------------------------- helpers

/** A forced garbage collection: --expose-gc's gc(), or the same obtained through V8's flags. */
function findGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    v8.setFlagsFromString('--expose-gc');
    const f: unknown = vm.runInNewContext('gc');
    return typeof f === 'function' ? (f as () => void) : undefined;
  } catch {
    return undefined;
  }
}
const gc = findGc();

/** The JS heap and the typed arrays' buffers (which live outside it), after a forced collection. */
function heapUsed(): number {
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const p95 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (t: number): string => (t >= 100 ? t.toFixed(0) : t.toFixed(1));
const num = (n: number): string => Math.round(n).toLocaleString('en-US');

function table(head: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

/** A small seeded generator for the bench's own random points (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- 1. patching

function patchScenario(tasks: number, cpus: number) {
  const a = Math.round(tasks * 0.4);
  const b = Math.round(tasks * 0.3);
  return {
    format: 'klpscope/1',
    name: `bench ${tasks} tasks on ${cpus} CPUs`,
    kernel: 'mainline',
    seed: 1,
    machine: { cpus },
    tasks: [
      { comm: 'app', count: a, syscalls: ['getpid', 'read_cmdline'] },
      { comm: 'reader', count: b, syscalls: ['read_cmdline', 'getpid', 'nanosleep'] },
      { comm: 'sleeper', count: tasks - a - b, syscalls: ['nanosleep', 'getpid'] },
    ],
    script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch'],
  };
}

const COMPLETE = "livepatch: 'test_klp_livepatch': patching complete";

interface PatchRun {
  loadMs: number;
  runMs: number;
  /** CPU time of the process during the run (all its threads, the collector's included). */
  runCpuMs: number;
  events: number;
  simS: number;
  heap: number;
  violations: number;
  completed: boolean;
}

/**
 * One run. The heap is measured (`measureHeap`) in runs of its own: the
 * forced collection it needs also throws away V8's compiled code, and the
 * next run would be timed cold.
 */
function patchRun(tasks: number, cpus: number, measureHeap = false): PatchRun {
  const doc = patchScenario(tasks, cpus);
  const before = measureHeap ? heapUsed() : 0;
  const t0 = performance.now();
  const engine = Engine.load(doc);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  let completed = false;
  for (let e = engine.stepForward(); e !== undefined; e = engine.stepForward()) {
    if (e.log.some((l) => l.text === COMPLETE)) {
      completed = true;
      break;
    }
    if (engine.now > 120e6) break;
  }
  const t2 = performance.now();
  const cpu = process.cpuUsage(c1);
  const heap = measureHeap ? heapUsed() - before : 0;
  return { loadMs: t1 - t0, runMs: t2 - t1, runCpuMs: (cpu.user + cpu.system) / 1000, events: engine.step, simS: engine.now / 1e6, heap, violations: engine.state.violations, completed };
}

interface PatchFigures {
  /** Events per second of the engine on the 10,000-task run (wall, and CPU time). */
  rate10k: number;
  cpuRate10k: number;
  cli10k: number;
  cli100k: number;
  cliOk: boolean;
}

/** GNU time, for the CPU time of a child process (user + system), where the machine has it. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** The whole CLI process on a scenario file: wall ms (and CPU ms, if known) of each run; throws unless it printed "patching complete". */
function cliRuns(doc: unknown, runs: number): { wall: number; cpu: number | undefined }[] {
  const file = path.join(tmp, 'scenario.json');
  writeFileSync(file, JSON.stringify(doc));
  return Array.from({ length: runs }, () => {
    const args = ['bin/klpscope.mjs', 'run', file];
    const t = performance.now();
    const r = TIME === undefined ? spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 }) : spawnSync(TIME, ['-f', 'klpscope-cpu %U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = performance.now() - t;
    if (r.status !== 0 || !r.stdout.includes(COMPLETE)) throw new Error(`klpscope run exited ${r.status} without "${COMPLETE}": ${r.stderr}`);
    const m = /klpscope-cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
    return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined };
  });
}

function benchPatching(): PatchFigures {
  console.log('\n1. insmod test_klp_livepatch.ko → "patching complete" (mainline, cmdline_proc_show)\n');
  patchRun(1000, 8); // warm-up: JIT
  patchRun(10_000, 64);
  const sizes: [number, number, number][] = [
    [1_000, 8, 5],
    [10_000, 64, 5],
    [100_000, 256, 3],
  ];
  const rows: string[][] = [];
  let rate10k = 0;
  let cpuRate10k = 0;
  for (const [tasks, cpus, reps] of sizes) {
    const heap = patchRun(tasks, cpus, true).heap;
    patchRun(tasks, cpus); // warm again after the forced collection
    const runsOf = Array.from({ length: reps }, () => patchRun(tasks, cpus));
    const total = median(runsOf.map((r) => r.loadMs + r.runMs));
    const r = runsOf.find((x) => x.loadMs + x.runMs === total) ?? runsOf[0]!;
    const rate = r.events / (r.runMs / 1000);
    const cpuRate = r.events / (r.runCpuMs / 1000);
    if (tasks === 10_000) {
      rate10k = r.completed ? rate : 0;
      cpuRate10k = r.completed ? cpuRate : 0;
    }
    rows.push([
      `${num(tasks)} tasks / ${cpus} CPUs`,
      ms(r.loadMs),
      ms(r.runMs),
      ms(total),
      num(r.events),
      num(rate),
      ms(r.runCpuMs),
      num(cpuRate),
      `${r.simS.toFixed(3)} s`,
      mb(heap),
      r.completed ? String(r.violations) : 'NOT COMPLETED',
      reps > 1 ? `median of ${reps}` : '1',
    ]);
  }
  table(['machine', 'load ms', 'run ms', 'load→complete ms', 'events', 'events/s', 'run CPU ms', 'events/CPU s', 'sim time', 'heap (engine)', 'violations', 'runs'], rows);
  console.log(`\nheap: heapUsed + arrayBuffers after ${gc ? 'a forced gc' : 'no gc (not available)'}, engine and its trace alive, minus the heap before load`);

  console.log('\n   The whole CLI process: node bin/klpscope.mjs run FILE (compiled build/, no trace, no checkpoints)\n');
  execFileSync(process.execPath, ['scripts/build-cli.mjs']);
  const cliRows: string[][] = [];
  const cli: number[] = [];
  for (const [tasks, cpus, runs] of [
    [10_000, 64, 7],
    [100_000, 256, 3],
  ] as const) {
    const got = cliRuns(patchScenario(tasks, cpus), runs);
    const walls = got.map((g) => g.wall);
    const cpuMs = got.map((g) => g.cpu).filter((c): c is number => c !== undefined);
    cli.push(median(walls));
    cliRows.push([`${num(tasks)} tasks / ${cpus} CPUs`, `${ms(median(walls))} ms`, `${ms(Math.min(...walls))} ms`, `${ms(Math.max(...walls))} ms`, cpuMs.length > 0 ? `${ms(median(cpuMs))} ms` : 'n/a', String(runs)]);
  }
  table(['machine', 'wall median', 'min', 'max', 'CPU (user+sys) median', 'runs'], cliRows);
  return { rate10k, cpuRate10k, cli10k: cli[0]!, cli100k: cli[1]!, cliOk: true };
}

// ---------------------------------------------------------------- 2. a million events

/** The long teaching run: 200 tasks on 8 CPUs, a patch enabled then disabled; the workload goes on after. */
const LONG_RUN = {
  format: 'klpscope/1',
  name: 'bench long run',
  kernel: 'mainline',
  seed: 7,
  machine: { cpus: 8 },
  tasks: [
    { comm: 'app', count: 120, syscalls: ['getpid', 'read_cmdline'] },
    { comm: 'sleeper', count: 80, syscalls: ['nanosleep', 'read_cmdline', 'getpid'] },
  ],
  script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'sleep 1', 'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled', 'wait test_klp_livepatch'],
};

interface MillionFigures {
  runMs: number;
  heap: number;
  seekP95: number;
  backP95: number;
}

function benchMillion(): MillionFigures {
  const N = 1_000_000;
  const SEEKS = 200;
  console.log(`\n2. ${num(N)} events (200 tasks, 8 CPUs, mainline), the app's options (trace and checkpoints kept)\n`);
  const before = heapUsed();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const engine = Engine.load(LONG_RUN, { byteBudget: MEMORY_BUDGET_BYTES });
  engine.run({ maxSteps: N });
  const cpu = process.cpuUsage(c0);
  const runMs = performance.now() - t0;
  const heap = heapUsed() - before;
  const m = engine.memory;
  table(
    ['measure', 'value'],
    [
      ['events computed', num(engine.step)],
      ['wall time', `${ms(runMs)} ms (${num(engine.step / (runMs / 1000))} events/s)`],
      ['CPU time of the process', `${ms((cpu.user + cpu.system) / 1000)} ms`],
      ['heap: trace + checkpoints (measured)', mb(heap)],
      ['  as the engine counts it (memory.bytes)', `${mb(m.bytes)}: trace ${mb(m.traceBytes)}, ${num(m.checkpoints)} checkpoints ${mb(m.checkpointBytes)}, thinned ${m.thinnings}×`],
      ['  per event', `${(heap / engine.step).toFixed(0)} bytes`],
    ],
  );

  const rand = mulberry32(12345);
  // Warm-up after the forced collection (it drops compiled code): as in the app, seeks follow a run.
  for (let i = 0; i < 20; i++) engine.seek(1 + Math.floor(rand() * (N - 1)));
  const seeks: number[] = [];
  const backs: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const p = 1 + Math.floor(rand() * (N - 1));
    let a = performance.now();
    engine.seek(p);
    seeks.push(performance.now() - a);
    a = performance.now();
    engine.seek(p - 1);
    backs.push(performance.now() - a);
  }
  console.log('');
  table(
    ['measure', `p95 of ${SEEKS} random points`, 'median', 'max'],
    [
      ['seek to a random point (from the last one)', `${ms(p95(seeks))} ms`, `${ms(median(seeks))} ms`, `${ms(Math.max(...seeks))} ms`],
      ['one step back', `${ms(p95(backs))} ms`, `${ms(median(backs))} ms`, `${ms(Math.max(...backs))} ms`],
    ],
  );
  console.log(`checkpoints every ${num(m.checkpointEvery)} events: a seek replays at most that many from the one before it`);
  return { runMs, heap, seekP95: p95(seeks), backP95: p95(backs) };
}

// ---------------------------------------------------------------- 3. ten million events

function benchTenMillion(): { heap: number; events: number; limit: string | undefined } {
  const N = 10_000_000;
  console.log(`\n3. ${num(N)} events with the app's options and byte budget (${mb(MEMORY_BUDGET_BYTES)} for trace + checkpoints)\n`);
  const before = heapUsed();
  const t0 = performance.now();
  const engine = Engine.load(LONG_RUN, { byteBudget: MEMORY_BUDGET_BYTES });
  engine.run({ maxSteps: N });
  const runMs = performance.now() - t0;
  const heap = heapUsed() - before;
  const m = engine.memory;
  table(
    ['measure', 'value'],
    [
      ['events computed', `${num(engine.step)}${engine.limit === undefined ? '' : ` (then limit '${engine.limit}')`}`],
      ['wall time', `${ms(runMs)} ms`],
      ['heap: trace + checkpoints (measured)', mb(heap)],
      ['  as the engine counts it', `${mb(m.bytes)}: trace ${mb(m.traceBytes)}, ${num(m.checkpoints)} checkpoints ${mb(m.checkpointBytes)}, thinned ${m.thinnings}×, now every ${num(m.checkpointEvery)} events`],
    ],
  );
  return { heap, events: engine.step, limit: engine.limit };
}

// ---------------------------------------------------------------- 4. CLI start-up

/** Whole-process start-up of the CLI on an empty script (`node bin/klpscope.mjs`), against a bare `node`. */
function benchStartup(): { median: number; holds: boolean } {
  const RUNS = 15;
  console.log(`\n4. CLI start-up: node bin/klpscope.mjs run --script /dev/null, whole process, ${RUNS} runs\n`);
  execFileSync(process.execPath, ['scripts/build-cli.mjs']);
  const time = (args: string[]): number[] =>
    Array.from({ length: RUNS }, () => {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
      return performance.now() - t;
    });
  const cli = time(['bin/klpscope.mjs', 'run', '--script', '/dev/null']);
  const bare = time(['-e', '0']);
  const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? NaN;
  table(
    ['process', 'median', 'p90', 'min'],
    [
      ['klpscope run (compiled, build/)', `${ms(median(cli))} ms`, `${ms(p90(cli))} ms`, `${ms(Math.min(...cli))} ms`],
      ['node -e 0 (for reference)', `${ms(median(bare))} ms`, `${ms(p90(bare))} ms`, `${ms(Math.min(...bare))} ms`],
    ],
  );
  console.log(`\nklpscope's own share (median minus bare node's): ${ms(median(cli) - median(bare))} ms`);
  return { median: median(cli), holds: median(cli) < 150 };
}

// ---------------------------------------------------------------- 5. computing ahead

/**
 * The worker's session computing a run ahead in the background, its slices
 * chained one after the other as the worker's MessageChannel does (with no
 * messages between them), the view at step 100: events computed per second
 * of wall time from there to the run's end (frames every 250 ms included).
 */
function aheadRun(park: boolean, tasks: number, cpus: number): { events: number; ms: number; cpuMs: number; slices: number } {
  let last: { computed: number; ahead: boolean } | null = null;
  const later: (() => void)[] = [];
  const session = new Session(
    (r) => {
      if (r.type === 'frame') last = r.frame;
    },
    { clock: () => performance.now(), limits: { byteBudget: MEMORY_BUDGET_BYTES, maxEvents: AHEAD_EVENTS }, defer: (fn) => later.push(fn), prefetch: true, park },
  );
  // Patched, then half a minute more of the tasks' system calls (cut at AHEAD_EVENTS).
  const doc = patchScenario(tasks, cpus);
  session.handle({ type: 'load', source: { scenario: { ...doc, script: [...doc.script, 'sleep 30'] } }, id: 1 });
  session.handle({ type: 'seek', step: 100, id: 2 });
  // The load and the seek are answered in full before the first slice of computing ahead runs.
  const now = (): { computed: number; ahead: boolean } => last ?? { computed: 0, ahead: false };
  while (later.length > 0 && now().computed < 100) later.shift()?.();
  const from = now().computed;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let slices = 0;
  while (later.length > 0 && now().ahead) {
    later.shift()?.();
    slices++;
  }
  const t1 = performance.now();
  const cpu = process.cpuUsage(c0);
  session.handle({ type: 'pause', id: 3 });
  return { events: now().computed - from, ms: t1 - t0, cpuMs: (cpu.user + cpu.system) / 1000, slices };
}

/** At most this many events computed ahead (a run limit, as the app's): the run is cut there. */
const AHEAD_EVENTS = 200_000;

function benchAhead(): { parked: number; back: number } {
  const [tasks, cpus, reps] = [10_000, 64, 5];
  console.log(`\n5. Computing ahead in the worker's session: 8 ms slices, ${num(tasks)} tasks / ${cpus} CPUs, the view at step 100, to the run's end (at most ${num(AHEAD_EVENTS)} events), median of ${reps}\n`);
  aheadRun(true, 1000, 8); // warm-up: JIT
  aheadRun(false, 1000, 8);
  const parked: number[] = [];
  const back: number[] = [];
  const parkedCpu: number[] = [];
  const backCpu: number[] = [];
  let events = 0;
  let slices = 0;
  // Alternated, so that a busy moment of the machine falls on both.
  for (let i = 0; i < reps; i++) {
    const p = aheadRun(true, tasks, cpus);
    const b = aheadRun(false, tasks, cpus);
    parked.push(p.events / (p.ms / 1000));
    back.push(b.events / (b.ms / 1000));
    parkedCpu.push(p.events / (p.cpuMs / 1000));
    backCpu.push(b.events / (b.cpuMs / 1000));
    events = p.events;
    slices = p.slices;
  }
  table(
    ['between slices', 'events/s (median)', 'min', 'max', 'events/CPU s (median)'],
    [
      ['the engine parked at the end of the trace', num(median(parked)), num(Math.min(...parked)), num(Math.max(...parked)), num(median(parkedCpu))],
      ['back to the view after each slice', num(median(back)), num(Math.min(...back)), num(Math.max(...back)), num(median(backCpu))],
    ],
  );
  console.log(`\n${num(events)} events computed ahead in ${num(slices)} slices; parked / back: ${(median(parked) / median(back)).toFixed(2)}×`);
  return { parked: median(parked), back: median(back) };
}

// ---------------------------------------------------------------- main

const load = os.loadavg()[0]!;
if (process.env.BENCH_ONLY === 'ahead') {
  benchAhead();
  process.exit(0);
}
const holds = (ok: boolean): string => (ok ? 'HOLDS' : 'DOES NOT HOLD');
console.log(`klpscope engine benchmark — Node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} CPUs, load average ${load.toFixed(2)} at start`);
const patch = benchPatching();
const million = benchMillion();
const ten = benchTenMillion();
const startup = benchStartup();
benchAhead();
console.log('\nBudgets (issue 11), as measured here:');
console.log(`  engine throughput on the 10,000-task run ≥ 500,000 events/s: ${holds(patch.rate10k >= 500_000)} (${num(patch.rate10k)} events/s of wall time; ${num(patch.cpuRate10k)} per second of CPU time)`);
console.log(`  insmod → "patching complete", whole CLI process, 10,000 tasks / 64 CPUs < 0.3 s: ${holds(patch.cli10k < 300)} (median ${ms(patch.cli10k)} ms)`);
console.log(`  insmod → "patching complete", whole CLI process, 100,000 tasks / 256 CPUs < 1 s: ${holds(patch.cli100k < 1000)} (median ${ms(patch.cli100k)} ms)`);
console.log(`  1,000,000 events in < 3 s: ${holds(million.runMs < 3000)} (${ms(million.runMs)} ms)`);
console.log(`  ... with < 300 MB of heap (trace + checkpoints): ${holds(million.heap < 300 * 2 ** 20)} (${mb(million.heap)})`);
console.log(`  seek to any point of that run, p95 < 50 ms: ${holds(million.seekP95 < 50)} (${ms(million.seekP95)} ms)`);
console.log(`  one step back, p95 < 5 ms: ${holds(million.backP95 < 5)} (${ms(million.backP95)} ms)`);
const tenStop = ten.limit === undefined || ten.limit === 'events' ? '' : `, stopped by limit ${ten.limit}`;
console.log(`  10,000,000 events with the app's options within 512 MB: ${holds(ten.heap < 512 * 2 ** 20 && ten.events === 10_000_000)} (${mb(ten.heap)} after ${num(ten.events)} events${tenStop})`);
console.log(`  CLI start-up, whole process, empty scenario, under 0.15 s: ${holds(startup.holds)} (median ${ms(startup.median)} ms)`);
if (load > os.cpus().length) console.log(`  note: the machine was busy (load average ${load.toFixed(2)} on ${os.cpus().length} CPUs): wall-clock timings are pessimistic`);
