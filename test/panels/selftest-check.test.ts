// The selftest panel's comparison: rows of a line diff, a count of matching
// lines, and "matches" only for exactly the expected log.
import { describe, expect, it } from 'vitest';
import { compareWithSelftest, kernelLines, selftestByName } from '../../src/panels/selftests/check.ts';
import { SELFTEST_CASES } from '../../src/sim/scenario/selftests/cases.ts';
import type { LogEntry } from '../../src/worker/protocol.ts';
import type { SimTime } from '../../src/sim/types.ts';

const entry = (text: string, o: Partial<LogEntry> = {}): LogEntry => ({ step: 1, time: 0 as SimTime, level: 'info', text, ...o });

describe('compareWithSelftest', () => {
  it('is green only for exactly the expected lines', () => {
    expect(compareWithSelftest(['a', 'b'], ['a', 'b']).matches).toBe(true);
    expect(compareWithSelftest(['a', 'b'], ['a']).matches).toBe(false);
    expect(compareWithSelftest(['a', 'b'], ['a', 'b', 'c']).matches).toBe(false);
  });

  it('marks what the run has not printed yet and what the selftest does not expect', () => {
    const c = compareWithSelftest(['a', 'b', 'c'], ['a', 'x', 'c']);
    expect(c.rows.map((r) => `${r.kind}:${r.text}`)).toEqual(['same:a', 'missing:b', 'extra:x', 'same:c']);
    expect(c.same).toBe(2);
    expect(c.expected).toBe(3);
  });

  it('compares the kernel log only: no standard output, no per-task debug lines', () => {
    expect(kernelLines([entry('% cat x'), entry('1', { stdout: true }), entry('livepatch: klp_try_switch_task: a:1 is running', { taskDebug: true, level: 'debug' })])).toEqual(['% cat x']);
  });

  it('finds a case by the name its scenario has', () => {
    const c = SELFTEST_CASES[0]!;
    expect(selftestByName(`${c.file}: ${c.test}`)).toBe(c);
    expect(selftestByName('Your first livepatch')).toBeUndefined();
  });
});
