// How events and log lines are written out: the kernel log's text, the
// `--trace` JSON lines, the `--summary` line and invariant reports.
import type { Engine } from '../engine.ts';
import { INVARIANT_NAMES } from '../types.ts';
import type { LogLine, SimEvent, Violation } from '../types.ts';
import { describeEvent } from '../events.ts';
import type { World } from '../world.ts';

/** `[SSSSS.UUUUUU] `: seconds since boot, as printk shows them. */
export function timestamp(us: number): string {
  const sec = Math.floor(us / 1e6);
  const frac = Math.floor(us % 1e6);
  return `[${String(sec).padStart(5, ' ')}.${String(frac).padStart(6, '0')}] `;
}

export function formatLogLine(l: LogLine, timestamps: boolean): string {
  return timestamps && !l.stdout ? timestamp(l.time) + l.text : l.text;
}

export function violationLine(e: SimEvent, v: Violation): string {
  const what = `invariant ${v.invariant} (${INVARIANT_NAMES[v.invariant]})`;
  const head = v.givenUp ? `${what} given up by ${v.givenUp}` : `${what} violated`;
  return `klpscope: ${timestamp(e.time)}step ${e.step}: ${head}: ${v.text}`;
}

/** A log line as `--trace` writes it: what the kernel printed, without the simulator's own marks. */
function traceLog(l: LogLine) {
  return { time: l.time, text: l.text, level: l.level, ...(l.taskDebug === undefined ? {} : { taskDebug: l.taskDebug }), ...(l.stdout === undefined ? {} : { stdout: l.stdout }) };
}

/** One `--trace` JSON line: the event with its narration written out. */
export function traceLine(e: SimEvent, world: World): string {
  return JSON.stringify({
    step: e.step,
    op: e.op,
    time: e.time,
    fn: e.fn,
    livepatch: e.livepatch,
    ...(e.task === undefined ? {} : { task: e.task, pid: e.pid }),
    ...(e.cpu === undefined ? {} : { cpu: e.cpu }),
    text: describeEvent(e, world),
    log: e.log.map(traceLog),
    switches: e.switches,
    violations: e.violations,
  });
}

export function summaryLine(engine: Engine): string {
  const s = engine.state;
  const c = s.tasks.stateCount;
  return (
    `summary: time ${(s.now / 1e6).toFixed(6)} s, ${s.steps} events, tasks ${s.tasks.live}: ` +
    `${c[0]} undefined, ${c[1]} unpatched, ${c[2]} patched, ${s.tasks.tifCount} pending; ` +
    `invariant violations ${s.violations}, given up ${s.givenUp}`
  );
}
