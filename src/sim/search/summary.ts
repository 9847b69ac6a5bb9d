// How a search's result is said, in the CLI and in the app alike. A search
// that finds nothing says exactly what it covered, never that the kernel is
// safe.
import { INVARIANT_NAMES } from '../types.ts';
import type { SearchProgress, SearchResult } from './search.ts';
import { enNumber } from '../format.ts';

const count = (n: number): string => enNumber(Math.round(n));

/** States per second, from the progress so far. */
export function rate(p: SearchProgress): number {
  return p.elapsedMs > 0 ? (p.states * 1000) / p.elapsedMs : 0;
}

export function progressLine(p: SearchProgress): string {
  return `${count(p.states)} states, depth ${count(p.depth)}, ${count(rate(p))} states/s, ${count(p.runs)} runs`;
}

const STOPPED: Readonly<Record<SearchResult['stop'], string>> = {
  violation: '',
  exhausted: 'every run within the bounds explored',
  states: 'state bound reached',
  time: 'time bound reached',
  cancelled: 'cancelled',
};

/** One line: what was explored, and whether a violation was found. */
export function summaryText(r: SearchResult): string {
  const figures = `${count(r.states)} states, depth ${count(r.depth)}, ${count(rate(r))} states/s`;
  const f = r.found;
  if (f !== undefined) {
    const v = f.violation;
    const n = f.choices.length;
    return `violation found: invariant ${v.invariant} (${INVARIANT_NAMES[v.invariant]}) at step ${count(f.step)}: ${v.text} (${figures}; ${n} changed choice${n === 1 ? '' : 's'})`;
  }
  const changes = r.maxChanges === undefined ? 'random walks' : `runs with up to ${r.maxChanges} changed choice${r.maxChanges === 1 ? '' : 's'}`;
  return `no violation in ${count(r.states)} states to depth ${count(r.depth)} (${changes}, ${STOPPED[r.stop]}; ${count(rate(r))} states/s)`;
}
