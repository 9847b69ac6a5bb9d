// Words for the narration of one event: tasks named `comm:pid`, patch states,
// the switches an event caused and the guarantees it broke or gave up.
import { INVARIANT_NAMES } from '../../sim/types.ts';
import type { KlpState, Switch, Violation } from '../../sim/types.ts';

export function stateName(s: KlpState): 'undefined' | 'unpatched' | 'patched' {
  return s === 1 ? 'patched' : s === 0 ? 'unpatched' : 'undefined';
}

/** `comm:pid` of a task by its index in the task table. */
export function taskName(task: number, comms: readonly string[], pids: ArrayLike<number> | undefined): string {
  const comm = comms[task];
  const pid = pids !== undefined && task < pids.length ? pids[task] : undefined;
  if (comm === undefined) return pid === undefined ? `task #${task}` : `pid ${pid}`;
  return pid === undefined ? comm : `${comm}:${pid}`;
}

export interface SwitchGroup {
  readonly from: KlpState;
  readonly to: KlpState;
  readonly tasks: readonly string[];
}

/** Switches grouped by from → to, in order of first appearance. */
export function groupSwitches(switches: readonly Switch[], name: (task: number) => string): SwitchGroup[] {
  const groups = new Map<string, { from: KlpState; to: KlpState; tasks: string[] }>();
  for (const s of switches) {
    const key = `${s.from}>${s.to}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { from: s.from, to: s.to, tasks: [] };
      groups.set(key, g);
    }
    g.tasks.push(name(s.task));
  }
  return [...groups.values()];
}

/** A list of names, cut after `max` with a count of the rest. */
export function nameList(names: readonly string[], max = 6): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export function violationWords(v: Violation): { readonly givenUp: boolean; readonly head: string; readonly text: string } {
  if (v.givenUp !== undefined) return { givenUp: true, head: `Given up by ${v.givenUp} (invariant ${v.invariant}, ${INVARIANT_NAMES[v.invariant]})`, text: v.text };
  return { givenUp: false, head: `Invariant ${v.invariant} violated (${INVARIANT_NAMES[v.invariant]})`, text: v.text };
}

export function seconds(us: number): string {
  return `${(us / 1_000_000).toFixed(6)} s`;
}
