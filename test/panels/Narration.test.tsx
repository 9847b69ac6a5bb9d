// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { Narration } from '../../src/panels/Narration.tsx';
import { renderWithSim } from './harness.tsx';
import { groupSwitches, nameList, seconds, stateName, taskName, violationWords } from '../../src/panels/log/narration.ts';
import type { Switch, TaskId } from '../../src/sim/types.ts';
import { DEFAULT_SCENARIO } from '../../src/sim/scenario/presets.ts';
import signalsAndForce from '../scenarios/08-mainline-signals-and-force.json';
import caseA from '../scenarios/10-rfc-v2-bug-case-a.json';

afterEach(cleanup);

const sw = (task: number, from: -1 | 0 | 1, to: -1 | 0 | 1): Switch => ({ task: task as TaskId, from, to });

describe('narration words', () => {
  it('names tasks comm:pid by their index', () => {
    const pids = Int32Array.from([0, 1, 12]);
    expect(taskName(2, ['swapper/0', 'sh', 'bash'], pids)).toBe('bash:12');
    expect(taskName(2, ['swapper/0', 'sh', 'bash'], undefined)).toBe('bash');
    expect(taskName(5, [], pids)).toBe('task #5');
    expect(taskName(1, [], pids)).toBe('pid 1');
  });

  it('names patch states and groups switches by from → to', () => {
    expect([stateName(-1), stateName(0), stateName(1)]).toEqual(['undefined', 'unpatched', 'patched']);
    const groups = groupSwitches([sw(1, 0, 1), sw(2, 1, -1), sw(3, 0, 1)], (t) => `t${t}`);
    expect(groups).toEqual([
      { from: 0, to: 1, tasks: ['t1', 't3'] },
      { from: 1, to: -1, tasks: ['t2'] },
    ]);
    expect(nameList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(nameList(['a', 'b'], 2)).toBe('a, b');
    expect(seconds(3_000_086)).toBe('3.000086 s');
  });

  it('tells a guarantee given up by force or immediate from a violation', () => {
    const given = violationWords({ invariant: 5, text: 'kwatch:5 switched', givenUp: 'force' });
    expect(given).toEqual({ givenUp: true, head: 'Given up by force (invariant 5, per-task consistency)', text: 'kwatch:5 switched' });
    const real = violationWords({ invariant: 11, text: 'still old code' });
    expect(real).toEqual({ givenUp: false, head: 'Invariant 11 violated (request honoured)', text: 'still old code' });
  });
});

describe('<Narration />', () => {
  it('at step 0 says how to start and what the scenario is', async () => {
    await renderWithSim(<Narration />);
    const region = screen.getByRole('region', { name: 'Narration' });
    expect(region.querySelector('[aria-live="polite"]')).not.toBeNull();
    expect(region.textContent).toContain('Step forward');
    expect(region.textContent).toContain('Play');
    for (const key of ['→', 'Space', '?']) expect(within(region).getByText(key, { selector: 'kbd' })).toBeTruthy();
    expect(within(region).getByText(DEFAULT_SCENARIO.description)).toBeTruthy();
  });

  it("shows the current event's function, text, step and time, and changes when stepping", async () => {
    const { store, send } = await renderWithSim(<Narration />);
    const region = screen.getByRole('region', { name: 'Narration' });
    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    const first = store.getState().frame!.event!;
    expect(first.fn).toBe('klp_init_transition');
    expect(within(region).getByText('klp_init_transition', { selector: 'code' })).toBeTruthy();
    expect(region.textContent).toContain(`klp_init_transition: ${first.text}`);
    expect(region.textContent).toContain('Step 1');
    expect(region.textContent).toContain('0.000000 s');
    expect(region.textContent).not.toContain(DEFAULT_SCENARIO.description);

    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    const second = store.getState().frame!.event!;
    expect(second.fn).not.toBe(first.fn);
    expect(within(region).getByText(second.fn, { selector: 'code' })).toBeTruthy();
    expect(region.textContent).toContain(second.text);
    expect(region.textContent).not.toContain(first.text);
  });

  it('lists the switches the event caused, naming tasks comm:pid', async () => {
    const { store, send } = await renderWithSim(<Narration />);
    await send({ type: 'step', unit: 'switch', direction: 1 });
    const e = store.getState().frame!.event!;
    expect(e.fn).toBe('klp_try_switch_task');
    expect(e.switches).toHaveLength(1);
    const switches = screen.getByRole('list', { name: 'Switches' });
    expect(switches.textContent).toBe('sh:1 unpatched → patched');
    expect(screen.getByText(/stack holds no version this transition retires/)).toBeTruthy();
  });

  it('sums up an event that switched many tasks', async () => {
    const { store, send } = await renderWithSim(<Narration />);
    await send({ type: 'step', unit: 'switch', direction: 1 });
    const frame = store.getState().frame!;
    // No preset event switches more than a few tasks at once; a synthetic one does.
    const switches = Array.from({ length: 9 }, (_, i) => sw(i, 0, 1));
    act(() => store.setState({ frame: { ...frame, event: { ...frame.event!, switches } } }));
    const list = screen.getByRole('list', { name: 'Switches' });
    expect(list.textContent).toBe(`9 tasks unpatched → patched: ${Array.from({ length: 6 }, (_, i) => taskName(i, store.getState().comms, frame.tasks.pid)).join(', ')} and 3 more`);
  });

  it('marks guarantees given up by force apart from real violations', async () => {
    const forced = await renderWithSim(<Narration />, signalsAndForce);
    await forced.send({ type: 'jump', to: 'end' });
    const force = forced.store.getState().milestones.find((m) => m.kind === 'force')!;
    await forced.send({ type: 'seek', step: force.step });
    const given = screen.getByRole('list', { name: 'Violations' });
    expect(given.textContent).toContain('Given up by force (invariant 5, per-task consistency)');
    expect(given.querySelector('.narration-givenup')).not.toBeNull();
    expect(given.querySelector('.narration-violation')).toBeNull();
    cleanup();

    const bug = await renderWithSim(<Narration />, caseA);
    await bug.send({ type: 'jump', to: 'end' });
    const v = bug.store.getState().milestones.find((m) => m.kind === 'violation')!;
    await bug.send({ type: 'seek', step: v.step });
    const real = screen.getByRole('list', { name: 'Violations' });
    expect(real.textContent).toContain('Invariant 11 violated (request honoured)');
    expect(real.querySelector('.narration-violation')).not.toBeNull();
  });
});
