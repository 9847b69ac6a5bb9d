// Engine benchmarks against the budgets of docs/architecture.md
// ("Performance budgets"). Run with `npm run bench`. Prints figures and
// whether each budget holds; asserts nothing (timings belong to the machine).
//
// 1. insmod → "patching complete": user tasks (getpid / read_cmdline /
//    nanosleep mixes) on 1,000 tasks × 8 CPUs, 10,000 × 64 and 100,000 × 256,
//    patching cmdline_proc_show with the built-in test_klp_livepatch.
// 2. Time travel: on a 100,000-event trace (200 tasks, 8 CPUs), seeking back
//    1,000 events against stepping 1,000 events forward, at random points.
// 3. CLI start-up: the whole `node bin/klpscope.mjs` process on an empty script.
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Engine } from '../src/sim/engine.ts';

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

function heapUsed(): number {
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (t: number): string => (t >= 100 ? t.toFixed(0) : t.toFixed(1));
const num = (n: number): string => Math.round(n).toLocaleString('en-US');

function table(head: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
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
  events: number;
  simS: number;
  heap: number;
  violations: number;
  completed: boolean;
}

function patchRun(tasks: number, cpus: number): PatchRun {
  const doc = patchScenario(tasks, cpus);
  const before = heapUsed();
  const t0 = performance.now();
  const engine = Engine.load(doc);
  const t1 = performance.now();
  let completed = false;
  for (let e = engine.stepForward(); e !== undefined; e = engine.stepForward()) {
    if (e.log.some((l) => l.text === COMPLETE)) {
      completed = true;
      break;
    }
    if (engine.now > 120e6) break;
  }
  const t2 = performance.now();
  const heap = heapUsed() - before;
  return { loadMs: t1 - t0, runMs: t2 - t1, events: engine.step, simS: engine.now / 1e6, heap, violations: engine.state.violations, completed };
}

function benchPatching(): boolean {
  console.log('\n1. insmod test_klp_livepatch.ko → "patching complete" (mainline, cmdline_proc_show)\n');
  patchRun(1000, 8); // warm-up: JIT
  const sizes: [number, number, number][] = [
    [1_000, 8, 5],
    [10_000, 64, 3],
    [100_000, 256, 1],
  ];
  const rows: string[][] = [];
  let budget = false;
  for (const [tasks, cpus, reps] of sizes) {
    const runsOf = Array.from({ length: reps }, () => patchRun(tasks, cpus));
    const total = median(runsOf.map((r) => r.loadMs + r.runMs));
    const r = runsOf.find((x) => x.loadMs + x.runMs === total) ?? runsOf[0];
    if (tasks === 10_000) budget = r.completed && total < 1000;
    rows.push([
      `${num(tasks)} tasks / ${cpus} CPUs`,
      ms(r.loadMs),
      ms(r.runMs),
      ms(total),
      num(r.events),
      num(r.events / (r.runMs / 1000)),
      `${r.simS.toFixed(3)} s`,
      mb(r.heap),
      r.completed ? String(r.violations) : 'NOT COMPLETED',
      reps > 1 ? `median of ${reps}` : '1',
    ]);
  }
  table(['machine', 'load ms', 'run ms', 'load→complete ms', 'events', 'events/s', 'sim time', 'heap (engine)', 'violations', 'runs'], rows);
  console.log(`\nheap: process.memoryUsage().heapUsed after ${gc ? 'a forced gc' : 'no gc (not available)'}, engine and its trace alive, minus the heap before load`);
  return budget;
}

// ---------------------------------------------------------------- 2. time travel

function benchSeek(): { ratio: number; holds: boolean } {
  const TRACE = 100_000;
  const BACK = 1_000;
  const SAMPLES = 30;
  console.log(`\n2. Time travel on a ${num(TRACE)}-event trace (200 tasks, 8 CPUs, mainline)\n`);
  const doc = {
    format: 'klpscope/1',
    name: 'bench seek',
    kernel: 'mainline',
    seed: 7,
    machine: { cpus: 8 },
    tasks: [
      { comm: 'app', count: 120, syscalls: ['getpid', 'read_cmdline'] },
      { comm: 'sleeper', count: 80, syscalls: ['nanosleep', 'read_cmdline', 'getpid'] },
    ],
    script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'sleep 1', 'echo 0 > /sys/kernel/livepatch/test_klp_livepatch/enabled', 'wait test_klp_livepatch'],
  };
  const engine = Engine.load(doc);
  const t0 = performance.now();
  while (engine.step < TRACE && engine.stepForward() !== undefined);
  const fill = performance.now() - t0;
  console.log(`ran ${num(engine.step)} events (${(engine.now / 1e6).toFixed(2)} simulated s) in ${ms(fill)} ms; checkpoints every max(100, tasks) = ${num(Math.max(100, engine.state.tasks.count))} events`);

  const rand = mulberry32(12345);
  const back: number[] = [];
  const fwd: number[] = [];
  const oneBack: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const p = BACK + 1 + Math.floor(rand() * (TRACE - BACK - 1));
    engine.seek(p);
    let a = performance.now();
    engine.seek(p - BACK);
    back.push(performance.now() - a);
    a = performance.now();
    for (let j = 0; j < BACK; j++) engine.stepForward();
    fwd.push(performance.now() - a);
    a = performance.now();
    engine.seek(p - 1);
    oneBack.push(performance.now() - a);
  }
  const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ratio = avg(back) / avg(fwd);
  const ratios = back.map((b, i) => b / fwd[i]);
  const perStep = avg(fwd) / BACK;
  table(
    ['measure', `avg of ${SAMPLES} random points`, 'median', 'max'],
    [
      [`seek back ${num(BACK)} events`, `${ms(avg(back))} ms`, `${ms(median(back))} ms`, `${ms(Math.max(...back))} ms`],
      [`step ${num(BACK)} events forward`, `${ms(avg(fwd))} ms`, `${ms(median(fwd))} ms`, `${ms(Math.max(...fwd))} ms`],
      ['ratio back / forward', `${ratio.toFixed(2)}×`, `${median(ratios).toFixed(2)}×`, `${Math.max(...ratios).toFixed(2)}×`],
      ['seek back 1 event', `${ms(avg(oneBack))} ms`, `${ms(median(oneBack))} ms`, `${ms(Math.max(...oneBack))} ms`],
      ['  as steps forward', `${num(avg(oneBack) / perStep)}×`, `${num(median(oneBack) / perStep)}×`, `${num(Math.max(...oneBack) / perStep)}×`],
    ],
  );
  return { ratio, holds: ratio <= 5 };
}

// ---------------------------------------------------------------- 3. CLI start-up

/** Whole-process start-up of the CLI on an empty script (`node bin/klpscope.mjs`), against a bare `node`. */
function benchStartup(): { median: number; holds: boolean } {
  const RUNS = 15;
  console.log(`\n3. CLI start-up: node bin/klpscope.mjs run --script /dev/null, whole process, ${RUNS} runs\n`);
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
  const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
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

// ---------------------------------------------------------------- main

const load = os.loadavg()[0];
console.log(`klpscope engine benchmark — Node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} CPUs, load average ${load.toFixed(2)} at start`);
console.log('engine options: the defaults (every event kept in the trace, checkpoints every max(100, tasks) events)');
const patchBudget = benchPatching();
const seek = benchSeek();
const startup = benchStartup();
console.log('\nBudgets (docs/architecture.md), as measured here:');
console.log(`  10,000 tasks on 64 CPUs, load → "patching complete" under 1 s: ${patchBudget ? 'HOLDS' : 'DOES NOT HOLD'}`);
console.log(`  seek back 1,000 events ≤ 5× stepping 1,000 forward: ${seek.holds ? 'HOLDS' : 'DOES NOT HOLD'} (${seek.ratio.toFixed(2)}×)`);
console.log(`  CLI start-up, whole process, empty scenario, under 0.15 s: ${startup.holds ? 'HOLDS' : 'DOES NOT HOLD'} (median ${ms(startup.median)} ms)`);
console.log('  (one step back replays from the checkpoint at or before it: fewer events than the checkpoint interval;');
console.log('   read literally, "a step back costs no more than 5 steps forward" would need checkpoints every ~5 events)');
if (load > os.cpus().length) console.log(`  note: the machine was busy (load average ${load.toFixed(2)} on ${os.cpus().length} CPUs): timings are pessimistic`);
