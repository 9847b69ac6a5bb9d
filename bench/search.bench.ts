// Search benchmarks (issue 9). Run with `npm run bench`. Prints figures and
// whether each budget holds; asserts nothing (timings belong to the machine).
//
// 1. States per second of the bounded search on machines of 4, 16 and 64
//    tasks (user tasks reading /proc/cmdline and sleeping, mainline, a patch
//    of cmdline_proc_show loaded after a script window), each for at most
//    5 s or 20,000 states.
// 2. Each "what if" demo (and rfc-v2 with its patch order left open): the
//    time to its first counterexample (budget: under 30 s), the length of the
//    shrunk counterexample against the shortest one made by hand (budget: at
//    most 2×), and the real kernel explored as far: no violation.
import { search } from '../src/sim/search/search.ts';
import { summaryText } from '../src/sim/search/summary.ts';
import { WHATIF_DEMOS } from '../src/sim/scenario/presets/whatif.ts';

const clock = (): number => performance.now();
const verdict = (ok: boolean): string => (ok ? 'holds' : 'MISSED');

function machine(tasks: number): Record<string, unknown> {
  // Built-in tasks (the shell, kworkers, idle tasks) come on top; these are the user tasks.
  return {
    format: 'klpscope/1',
    name: `search bench, ${tasks} tasks`,
    kernel: 'mainline',
    seed: 1,
    machine: { cpus: 2 },
    tasks: [
      { comm: 'reader', count: Math.max(1, tasks - 1), syscalls: ['read_cmdline', 'nanosleep'], userMs: [1, 20], sleepMs: [1, 50] },
      { comm: 'slowcat', syscalls: ['read_cmdline'], blockedIn: 'cmdline_proc_show' },
    ],
    script: ['sleep 0..0.2', 'insmod test_klp_livepatch.ko', 'sleep 0.3', 'wake slowcat', 'wait test_klp_livepatch'],
  };
}

console.log('1. Search rate (dfs, at most 5 s or 20,000 states each)');
for (const n of [4, 16, 64]) {
  const r = search(machine(n), { clock, timeLimitMs: 5_000, maxStates: 20_000 });
  const rate = r.elapsedMs > 0 ? Math.round((r.states * 1000) / r.elapsedMs) : 0;
  console.log(`   ${String(n).padStart(3)} tasks: ${rate.toLocaleString('en')} states/s (${r.states.toLocaleString('en')} states, ${r.runs} runs, ${(r.elapsedMs / 1000).toFixed(2)} s; ${summaryText(r)})`);
}

console.log('\n2. Each demo: time to the first counterexample (budget < 30 s), shrunk length (budget <= 2x hand-made)');
for (const demo of WHATIF_DEMOS) {
  const doc = demo.preset.scenario;
  const r = search(doc, { maxDepth: demo.maxDepth, maxStates: 200_000, clock, timeLimitMs: 60_000 });
  const len = r.found?.choices.length ?? 0;
  const found = r.found !== undefined && r.found.violation.invariant === demo.invariant;
  const real = doc.whatIf === undefined ? { ...doc, kernel: 'v4.12' } : { ...doc, whatIf: undefined };
  const fixed = search(real, { maxDepth: demo.maxDepth, maxStates: Math.max(r.states, 500), clock, timeLimitMs: 60_000 });
  console.log(
    `   ${demo.preset.id.padEnd(22)} ${found ? `invariant ${demo.invariant} in ${(r.elapsedMs / 1000).toFixed(2)} s [${verdict(r.elapsedMs < 30_000)}]` : `NOT FOUND (${summaryText(r)})`}; ` +
      `${len} changed choice${len === 1 ? '' : 's'} vs ${demo.handMade} by hand [${verdict(found && len <= 2 * demo.handMade)}]; ` +
      `real kernel, ${fixed.states.toLocaleString('en')} states: ${fixed.found === undefined ? 'no violation' : `VIOLATION ${fixed.found.violation.invariant}`}`,
  );
}
