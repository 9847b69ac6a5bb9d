// Checks a tour stop's claims where the stop lands: its expectations (task
// states, counts, log lines, globals) and that what its spotlight names
// exists there. Pure: reads the engine at its current step.
import type { Engine } from '../engine.ts';
import { transitionPatch } from '../livepatch/transition.ts';
import { Sched } from '../machine/tasks.ts';
import type { TaskId } from '../types.ts';
import { must } from '../must.ts';
import { fnName } from '../world.ts';
import type { StopExpectation, TourStop } from './tour.ts';

const STATE_NAMES = { '-1': 'undefined', '0': 'unpatched', '1': 'patched' } as const;
const stateName = (s: number): string => STATE_NAMES[String(s) as keyof typeof STATE_NAMES] ?? String(s);

/** Live tasks with this comm, or the one with this pid. */
export function tasksMatching(engine: Engine, who: string | number): TaskId[] {
  const t = engine.kernel.tasks;
  const out: TaskId[] = [];
  for (let id = 0 as TaskId; id < t.count; id++) {
    if (t.sched[id] === Sched.Dead) continue;
    if (typeof who === 'number' ? t.pid[id] === who && t.kind[id] !== 0 : t.comm[id] === who) out.push(id);
  }
  return out;
}

/** Whether a line containing `text` was written by the engine's current step (kernel log, debug lines and `cat` output). */
export function logWritten(engine: Engine, text: string): boolean {
  const upto = Math.min(engine.step, engine.trace.length);
  for (let i = 0; i < upto; i++) if (must(engine.trace[i], 'event of step', i + 1).log.some((l) => l.text.includes(text))) return true;
  return false;
}

/** Why `x` does not hold at the engine's current step, or null when it holds. */
export function expectationFailure(engine: Engine, x: StopExpectation): string | null {
  const k = engine.kernel;
  switch (x.kind) {
    case 'task': {
      const who = x.pid ?? x.comm;
      const ids = tasksMatching(engine, who);
      const name = typeof who === 'number' ? `pid ${who}` : who;
      if (ids.length === 0) return `no live task ${name}`;
      for (const id of ids) {
        if (x.patchState !== undefined && k.tasks.patchState[id] !== x.patchState)
          return `${name} (pid ${k.tasks.pid[id]}) is ${stateName(must(k.tasks.patchState[id], 'task', id))}, expected ${stateName(x.patchState)}`;
        if (x.pending !== undefined && (k.tasks.tif[id] === 1) !== x.pending) return `${name} (pid ${k.tasks.pid[id]}) ${x.pending ? 'has no' : 'has'} TIF_PATCH_PENDING`;
      }
      return null;
    }
    case 'counts': {
      const c = k.tasks.stateCount;
      const have = { undefined: c[0], unpatched: c[1], patched: c[2], pending: k.tasks.tifCount };
      for (const key of ['undefined', 'unpatched', 'patched', 'pending'] as const) {
        const want = x[key];
        if (want !== undefined && have[key] !== want) return `${have[key]} tasks ${key}, expected ${want}`;
      }
      return null;
    }
    case 'log': {
      const there = logWritten(engine, x.includes);
      if (there === x.present) return null;
      return x.present ? `no line "${x.includes}" yet` : `the line "${x.includes}" is already written`;
    }
    case 'global': {
      switch (x.name) {
        case 'klp_target_state':
          return k.klp.targetState === x.value ? null : `klp_target_state is ${stateName(k.klp.targetState)}, expected ${stateName(x.value)}`;
        case 'klp_transition_patch': {
          const tp = transitionPatch(k)?.mod ?? null;
          return tp === x.value ? null : `klp_transition_patch is ${tp ?? 'NULL'}, expected ${x.value ?? 'NULL'}`;
        }
        case 'klp_signals_cnt':
          return k.klp.signalsCnt === x.value ? null : `klp_signals_cnt is ${k.klp.signalsCnt}, expected ${x.value}`;
        case 'klp_transition_work': {
          const armed = k.klp.workAt >= 0;
          return armed === x.value ? null : `klp_transition_work is ${armed ? '' : 'not '}armed`;
        }
      }
    }
  }
}

/** Every claim of `stop` that does not hold at the engine's current step (empty when the stop is honest). */
export function stopFailures(engine: Engine, stop: TourStop): string[] {
  const out: string[] = [];
  for (const x of stop.expect ?? []) {
    const why = expectationFailure(engine, x);
    if (why !== null) out.push(why);
  }
  const s = stop.spotlight;
  if (s !== undefined) {
    for (const who of s.tasks ?? []) if (tasksMatching(engine, who).length === 0) out.push(`spotlight: no live task ${String(who)}`);
    if (s.cpu !== undefined && (s.cpu < 0 || s.cpu >= engine.scenario.machine.cpus)) out.push(`spotlight: no CPU ${s.cpu}`);
    if (s.function !== undefined && !funcsWithStack(engine).has(s.function)) out.push(`spotlight: ${s.function} has no func_stack here`);
    if (s.logLine !== undefined && !logWritten(engine, s.logLine)) out.push(`spotlight: no line "${s.logLine}" yet`);
  }
  return out;
}

/** Functions that have a func_stack now. */
function funcsWithStack(engine: Engine): Set<string> {
  const g = engine.kernel.klp;
  const names = new Set<string>();
  g.funcStack.forEach((stack, fn) => {
    if (stack !== undefined && stack.length > 0) names.add(fnName(engine.kernel.world, fn));
  });
  return names;
}
