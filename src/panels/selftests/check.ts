// A kernel selftest's expected log beside this run's, aligned by a line
// diff (jsdiff): which lines match, which the run is missing, which it has
// that the selftest does not expect. Per-task debug lines (shown only on
// request, as the selftests configure dynamic debug) and standard output
// are not part of the kernel log the selftest checks.
import { diffArrays } from 'diff';
import type { LogEntry } from '../../worker/protocol.ts';
import { SELFTEST_CASES } from '../../sim/scenario/selftests/cases.ts';
import type { SelftestCase } from '../../sim/scenario/selftests/cases.ts';

export type DiffRow =
  | { readonly kind: 'same'; readonly text: string }
  /** Expected by the selftest, not (yet) printed by this run. */
  | { readonly kind: 'missing'; readonly text: string }
  /** Printed by this run, not expected. */
  | { readonly kind: 'extra'; readonly text: string };

export interface SelftestComparison {
  readonly rows: readonly DiffRow[];
  readonly same: number;
  readonly expected: number;
  /** Every expected line printed, in order, and nothing else. */
  readonly matches: boolean;
}

/** The kernel-log lines a selftest compares: no standard output, no per-task debug lines. */
export const kernelLines = (log: readonly LogEntry[]): string[] => log.filter((l) => l.stdout !== true && l.taskDebug !== true).map((l) => l.text);

export function compareWithSelftest(expected: readonly string[], actual: readonly string[]): SelftestComparison {
  const rows: DiffRow[] = [];
  for (const part of diffArrays([...expected], [...actual])) {
    const kind = part.added ? 'extra' : part.removed ? 'missing' : 'same';
    for (const text of part.value) rows.push({ kind, text });
  }
  const same = rows.filter((r) => r.kind === 'same').length;
  return { rows, same, expected: expected.length, matches: same === expected.length && rows.length === expected.length };
}

/** The selftest a scenario was made from, by the name selftestScenario gives it. */
export const selftestByName = (name: string | undefined): SelftestCase | undefined => SELFTEST_CASES.find((c) => `${c.file}: ${c.test}` === name);
