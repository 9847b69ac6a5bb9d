// @vitest-environment jsdom
// Control characters from input reach the page as text (\x1b, \x00), never
// raw: a task's name in the inspector, the task chooser and the CPUs, a line
// written to /dev/kmsg in the kernel log, and an error message naming input.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Cpus } from '../../src/panels/Cpus.tsx';
import { Inspector } from '../../src/panels/Inspector.tsx';
import { KernelLog } from '../../src/panels/KernelLog.tsx';
import { renderWithSim } from './harness.tsx';

afterEach(cleanup);

// eslint-disable-next-line no-control-regex
const RAW = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

const hostile = {
  format: 'klpscope/1',
  name: 'n\u001b[2J',
  machine: { cpus: 1 },
  tasks: [{ comm: 'a\u001b[31mred\u0000', count: 1, userMs: [1, 2] }],
  script: ['echo hi\u001b[31m > /dev/kmsg', 'sleep 1'],
};

describe('control characters from input', () => {
  it('are shown escaped in the panels that show names and log lines', async () => {
    const { container, send, store } = await renderWithSim(
      <>
        <KernelLog />
        <Inspector />
        <Cpus />
      </>,
      hostile,
    );
    await send({ type: 'select', task: 3 });
    await send({ type: 'jump', to: 'end' });
    expect(store.getState().comms[3]).toBe('a\\x1b[31mred\\x00');
    const inspector = screen.getByRole('region', { name: 'Task inspector' });
    expect(within(inspector).getAllByText(/a\\x1b\[31mred\\x00/).length).toBeGreaterThan(0);
    expect(screen.getAllByText(/hi\\x1b\[31m/).length).toBeGreaterThan(0);
    const text = container.textContent ?? '';
    expect(text).toContain('a\\x1b[31mred\\x00');
    expect(RAW.test(text)).toBe(false);
    // Option labels are not in textContent's reach through every browser: checked too.
    for (const o of container.querySelectorAll('option')) expect(RAW.test(o.textContent ?? '')).toBe(false);
  });

  it('are escaped in an error message that quotes input', async () => {
    const { store, send } = await renderWithSim(<KernelLog />);
    await send({ type: 'load', source: { scenario: { ...hostile, script: ['wake x\u0007y'] } } });
    const invalid = store.getState().invalid ?? '';
    expect(invalid).toMatch(/unknown task 'x\\x07y'/);
    expect(RAW.test(invalid)).toBe(false);
  });
});
