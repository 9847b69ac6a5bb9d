// @vitest-environment jsdom
// The selftest panel follows the playhead: the worker computes the run ahead,
// so the store's log holds lines the playhead has not reached yet.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { SelftestCheck } from '../../src/panels/SelftestCheck.tsx';
import { SELFTEST_CASES, selftestScenario } from '../../src/sim/scenario/selftests/cases.ts';
import { renderWithSim } from './harness.tsx';

afterEach(cleanup);

describe('SelftestCheck', () => {
  const c = SELFTEST_CASES.find((x) => x.file === 'test-callbacks.sh' && x.test === 'module_coming notifier');
  if (c === undefined) throw new Error('no module_coming notifier case');

  it('counts only the lines printed up to the playhead, and turns green at the end', async () => {
    const { store, send } = await renderWithSim(<SelftestCheck />, selftestScenario(c));
    await send({ type: 'jump', to: 'end' });
    expect(screen.getByRole('status').textContent).toContain('The log matches the selftest');
    await send({ type: 'seek', step: 0 });
    expect(store.getState().frame?.step).toBe(0);
    // The log still holds the run computed ahead, but none of it is shown yet.
    expect(store.getState().log.some((l) => l.step > 0)).toBe(true);
    expect(screen.getByRole('status').textContent).toMatch(new RegExp(`0 of ${c.expected.length} expected lines so far$`));
  });
});
