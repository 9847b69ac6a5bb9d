// The task grid keeps its selection (order, slots, groups) across frames that
// change only what the filters do not read: sameSelection must never keep a
// selection that selectTasks would have made differently.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS, GROUP_BY, STATE_FILTERS, sameSelection, selectTasks } from '../../src/panels/taskgrid/layout.ts';
import type { Filters } from '../../src/panels/taskgrid/layout.ts';
import { TASK_KIND_NAMES } from '../../src/sim/names.ts';
import type { TaskColumns } from '../../src/worker/protocol.ts';

const COMMS = ['swapper/0', 'sh', 'kworker/0:1', 'bash', 'bash', 'kauditd', 'worker', 'worker'];

const task = fc.record({
  pid: fc.integer({ min: 1, max: 12 }),
  patchState: fc.integer({ min: -1, max: 1 }),
  tif: fc.integer({ min: 0, max: 1 }),
  run: fc.integer({ min: 0, max: 4 }),
  kind: fc.integer({ min: 0, max: 4 }),
  cpu: fc.integer({ min: 0, max: 3 }),
});
type Task = typeof task extends fc.Arbitrary<infer T> ? T : never;

function columns(ts: readonly Task[]): TaskColumns {
  return {
    count: ts.length,
    pid: Int32Array.from(ts, (t) => t.pid),
    patchState: Int8Array.from(ts, (t) => t.patchState),
    tif: Uint8Array.from(ts, (t) => t.tif),
    run: Uint8Array.from(ts, (t) => t.run),
    kind: Uint8Array.from(ts, (t) => t.kind),
    cpu: Int16Array.from(ts, (t) => t.cpu),
  };
}

const filters: fc.Arbitrary<Filters> = fc.record({
  text: fc.constantFrom('', 'bash', 'work', '3', ' 7 ', 'zz'),
  kind: fc.constantFrom('all' as const, ...TASK_KIND_NAMES),
  state: fc.constantFrom(...STATE_FILTERS),
  group: fc.constantFrom(...GROUP_BY),
});

/** A frame and the next: the next changes some fields of some tasks. */
const twoFrames = fc
  .array(task, { minLength: 1, maxLength: COMMS.length })
  .chain((a) => fc.tuple(fc.constant(a), fc.array(fc.tuple(fc.nat(a.length - 1), fc.constantFrom<keyof Task>('pid', 'patchState', 'tif', 'run', 'kind', 'cpu'), fc.integer({ min: -1, max: 12 })), { maxLength: 6 })));

const plain = (s: ReturnType<typeof selectTasks>) => ({ order: [...s.order], slot: [...s.slot], groups: s.groups, exited: s.exited });

describe('sameSelection', () => {
  it('holds only where selectTasks gives the same selection (property)', () => {
    fc.assert(
      fc.property(twoFrames, filters, ([a, edits], f) => {
        const b = a.map((t) => ({ ...t }));
        for (const [i, field, v] of edits) b[i]![field] = field === 'run' ? Math.max(0, Math.min(4, v)) : v;
        const ca = columns(a);
        const cb = columns(b);
        const comms = COMMS.slice(0, a.length);
        if (sameSelection(ca, cb, f)) expect(plain(selectTasks(cb, comms, f))).toEqual(plain(selectTasks(ca, comms, f)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the selection of a playing frame under the default filters: patch states, flags and CPUs move, tasks stay', () => {
    const a = columns(COMMS.map((_, i) => ({ pid: i + 1, patchState: 0, tif: 1, run: i % 4, kind: 3, cpu: 0 })));
    const b: TaskColumns = { ...a, patchState: a.patchState.map(() => 1), tif: a.tif.map(() => 0), run: a.run.map((r) => (r + 1) % 4), cpu: a.cpu.map(() => 2) };
    expect(sameSelection(a, b, DEFAULT_FILTERS)).toBe(true);
    // A task that exits leaves the grid.
    const gone: TaskColumns = { ...b, run: b.run.map((r, i) => (i === 3 ? 4 : r)) };
    expect(sameSelection(a, gone, DEFAULT_FILTERS)).toBe(false);
    // Grouped or filtered by state, a switch moves the task.
    expect(sameSelection(a, b, { ...DEFAULT_FILTERS, group: 'state' })).toBe(false);
    expect(sameSelection(a, b, { ...DEFAULT_FILTERS, state: 'pending' })).toBe(false);
    expect(sameSelection(a, b, { ...DEFAULT_FILTERS, state: 'patched' })).toBe(false);
    // A grown task table is a new selection.
    expect(sameSelection(a, columns([...COMMS, 'x'].map((_, i) => ({ pid: i + 1, patchState: 0, tif: 1, run: 0, kind: 3, cpu: 0 }))), DEFAULT_FILTERS)).toBe(false);
  });
});
