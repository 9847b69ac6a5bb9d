// Tasks in words: the tooltip, the cursor announcement and the grid's
// accessible name say what the cells draw.
import type { GlobalsView } from '../../sim/view.ts';
import { patchStateName, runStateName, taskKindName } from '../../sim/names.ts';
import { must } from '../../sim/must.ts';
import type { RunStateName } from '../../sim/names.ts';
import type { TaskColumns } from '../../worker/protocol.ts';
import { enNumber } from '../../sim/format.ts';

/** Run states in words. */
export const RUN_WORDS: Readonly<Record<RunStateName, string>> = { user: 'in user space', running: 'running', runnable: 'runnable', sleeping: 'sleeping', dead: 'exited' };

/** A run state (RunState value) in words. */
export const runWords = (run: number, words: Readonly<Record<RunStateName, string>> = RUN_WORDS): string => {
  const name = runStateName(run);
  return name === undefined ? 'unknown' : words[name];
};

export interface TaskFacts {
  readonly name: string;
  readonly kind: string;
  readonly state: string;
  readonly pending: boolean;
  readonly run: string;
  readonly cpu: number;
}

export function taskFacts(tasks: TaskColumns, comms: readonly string[], i: number): TaskFacts | undefined {
  if (i < 0 || i >= tasks.count) return undefined;
  return {
    name: `${comms[i] ?? '?'}:${tasks.pid[i]}`,
    kind: taskKindName(must(tasks.kind[i], 'task', i)) ?? 'task',
    state: patchStateName(must(tasks.patchState[i], 'task', i)),
    pending: tasks.tif[i] === 1,
    run: runWords(must(tasks.run[i], 'task', i)),
    cpu: must(tasks.cpu[i], 'task', i),
  };
}

/** One line: "bash:6, user task, patched, TIF_PATCH_PENDING set, running on CPU 0". */
export function describeTask(t: TaskFacts): string {
  const where = t.run === 'running' ? `running on CPU ${t.cpu}` : `${t.run}, CPU ${t.cpu}`;
  return `${t.name}, ${t.kind} task, ${t.state}${t.pending ? ', TIF_PATCH_PENDING set' : ''}, ${where}`;
}

const n = enNumber;

/** The grid's accessible name: the counts of the whole machine, then what the filters show. */
export function gridSummary(counts: GlobalsView['counts'], shown: number, exited: number, filtered: boolean): string {
  const head = `${n(counts.live)} tasks: ${n(counts.undefined)} undefined, ${n(counts.unpatched)} unpatched, ${n(counts.patched)} patched, ${n(counts.pending)} pending.`;
  const show = filtered ? ` Showing ${n(shown)} that match the filters.` : '';
  const gone = exited > 0 ? ` ${n(exited)} exited, not shown.` : '';
  return `${head}${show}${gone} Arrow keys move, Enter selects.`;
}
