// What compare mode says about two runs' kernel logs: the first line where
// they differ, and the two logs side by side, aligned by a line diff (jsdiff)
// with the lines only one run printed marked. Per-task stall lines (shown
// only on request) and timestamps are left out: a run is different when the
// kernel says something different, not when it says it later.
import { diffArrays } from 'diff';
import { must } from '../../sim/must.ts';
import type { LogEntry } from '../../worker/protocol.ts';

/** The lines compared: the kernel log and the shell's output, as printed, without per-task debug lines. */
export const compared = (log: readonly LogEntry[]): LogEntry[] => log.filter((l) => l.taskDebug !== true);

export interface Divergence {
  /** Index into both compared logs of the first line that differs. */
  readonly line: number;
  /** The step at which each run printed it (or its last step, if that run printed no such line). */
  readonly a: number;
  readonly b: number;
  readonly textA: string | null;
  readonly textB: string | null;
}

/**
 * The first line where the logs differ, or null when one is (so far) a
 * prefix of the other and `done` is false: a longer log differs only once
 * both runs have ended (`done`, with each run's last step).
 */
export function firstDivergence(a: readonly LogEntry[], b: readonly LogEntry[], done: { readonly a: number; readonly b: number } | null): Divergence | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) break; // not below n
    if (x.text !== y.text) return { line: i, a: x.step, b: y.step, textA: x.text, textB: y.text };
  }
  if (a.length === b.length || done === null) return null;
  return { line: n, a: a[n]?.step ?? done.a, b: b[n]?.step ?? done.b, textA: a[n]?.text ?? null, textB: b[n]?.text ?? null };
}

export interface DiffRow {
  /** `same`: both printed it; `a`/`b`: only that run did. */
  readonly kind: 'same' | 'a' | 'b';
  readonly a: LogEntry | null;
  readonly b: LogEntry | null;
}

/** The two logs as rows: common lines side by side, a line only one run printed with a gap on the other side. */
export function diffRows(a: readonly LogEntry[], b: readonly LogEntry[]): DiffRow[] {
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  const parts = diffArrays(
    a.map((l) => l.text),
    b.map((l) => l.text),
  );
  // The parts cover each log exactly, in order: every line taken is there.
  const lineA = (): LogEntry => must(a[i++], 'line of log A', i - 1);
  const lineB = (): LogEntry => must(b[j++], 'line of log B', j - 1);
  for (const p of parts) {
    const n = p.count ?? p.value.length;
    for (let k = 0; k < n; k++) {
      if (p.added) rows.push({ kind: 'b', a: null, b: lineB() });
      else if (p.removed) rows.push({ kind: 'a', a: lineA(), b: null });
      else rows.push({ kind: 'same', a: lineA(), b: lineB() });
    }
  }
  return rows;
}
