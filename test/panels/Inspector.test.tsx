// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../src/panels/Inspector.tsx';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

const region = () => screen.getByRole('region', { name: 'Task inspector' });

/** Picks a task by comm:pid in the inspector's own chooser. */
async function choose(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.selectOptions(screen.getByRole('combobox', { name: 'Choose a task' }), name);
  await flush();
}

describe('Inspector', () => {
  it('asks for a task, and lists every task by comm:pid to choose one', async () => {
    await renderWithSim(<Inspector />);
    expect(within(region()).getByText('Click a task in the grid to inspect it')).toBeTruthy();
    const options = within(screen.getByRole('combobox', { name: 'Choose a task' }))
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toContain('sh:1');
    expect(options).toContain('slowcat:15');
    expect(options).toContain('swapper/0:0');
  });

  it('shows the selected task, its frames innermost first with the blocking one marked, and why', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Inspector />);
    await send({ type: 'seek', step: 300 });
    await choose(user, 'slowcat:15');
    expect(store.getState().frame!.selected?.pid).toBe(15);
    expect(within(region()).getByRole('heading', { name: 'slowcat:15' })).toBeTruthy();
    expect(region().textContent).toContain('user');
    expect(region().textContent).toContain('sleeping');
    expect(region().textContent).toContain('patch_state 0 (unpatched)');
    expect(region().textContent).toContain('TIF_PATCH_PENDING set');

    const why = within(region()).getByRole('note', { name: 'Why it has not switched yet' });
    expect(why.textContent).toContain(store.getState().frame!.selected!.why);
    expect(why.textContent).toMatch(/asleep in the original cmdline_proc_show/);

    const frames = within(screen.getByRole('list', { name: /Kernel stack/ })).getAllByRole('listitem');
    expect(screen.getByRole('list', { name: /innermost first/ })).toBeTruthy();
    expect(frames.map((li) => li.textContent?.match(/#\d (\w+)/)?.[1])).toEqual(['cmdline_proc_show', 'seq_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64']);
    expect(frames[0]!.className).toContain('is-blocking');
    expect(frames[0]!.textContent).toMatch(/Retired by this transition/);
    expect(frames[0]!.textContent).toContain('original');
    expect(frames[1]!.className).not.toContain('is-blocking');
  });

  it('wakes, kills and forks through shell commands', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Inspector />);
    await send({ type: 'seek', step: 300 });
    await choose(user, 'slowcat:15');
    const wake = within(region()).getByRole('button', { name: 'Wake' });
    expect(wake.getAttribute('title')).toContain('wake 15');
    await user.click(wake);
    await flush();
    expect(store.getState().log.some((l) => l.text === '% wake 15')).toBe(true);
    // The worker computes one event past an action; step onto it so the next action is not in the past.
    await send({ type: 'step', unit: 'event', direction: 1 });

    await choose(user, 'bash:6');
    const before = store.getState().frame!.tasks.count;
    await user.click(within(region()).getByRole('button', { name: 'Fork' }));
    await flush();
    expect(store.getState().log.some((l) => l.text === '% fork 6')).toBe(true);
    expect(store.getState().frame!.tasks.count).toBe(before + 1);
    await send({ type: 'step', unit: 'event', direction: 1 });

    await user.click(within(region()).getByRole('button', { name: 'Kill' }));
    await flush();
    expect(store.getState().log.some((l) => l.text === '% kill 6')).toBe(true);
    expect(region().textContent).toContain('exited');
    for (const name of ['Wake', 'Kill', 'Fork']) expect((within(region()).getByRole<HTMLButtonElement>('button', { name })).disabled).toBe(true);
  });

  it('disables what does not apply to an idle task', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Inspector />);
    await choose(user, 'swapper/1:0');
    expect(within(region()).getByRole('heading', { name: 'swapper/1:0' })).toBeTruthy();
    for (const name of ['Wake', 'Kill', 'Fork']) expect((within(region()).getByRole<HTMLButtonElement>('button', { name })).disabled).toBe(true);
  });

  it("calls an offline CPU's idle task offline, not waiting for its CPU", async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Inspector />);
    await act(async () => store.getState().load({ preset: 'kthreads-idle' }));
    await flush();
    // kthreads-idle has CPU 3 offline.
    expect(store.getState().frame!.cpus[3]?.online).toBe(false);
    await choose(user, 'swapper/3:0');
    const title = region().querySelector('.ins-title')!.textContent;
    expect(title).toContain('offline (its CPU is offline)');
    expect(title).not.toContain('waiting for its CPU');
  });

  it('says "has switched" above the very switch the history lists, and "in user space" of a task there', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Inspector />);
    await send({ type: 'jump', to: 'end' });
    await choose(user, 'slowcat:15');
    const slowcatSwitch = store.getState().frame!.selected!.history[0]!;
    await send({ type: 'seek', step: slowcatSwitch.step });
    const why = within(region()).getByRole('note', { name: 'Why it has not switched yet' });
    expect(why.textContent).toContain(`has switched to patched, at step ${slowcatSwitch.step.toLocaleString('en')} in ${slowcatSwitch.fn}`);
    expect(within(screen.getByRole('list', { name: /Switches/ })).getAllByRole('button').at(-1)!.textContent).toContain(`step ${slowcatSwitch.step.toLocaleString('en')}`);
    // Before it: no switch listed, and the why does not claim one.
    await send({ type: 'seek', step: slowcatSwitch.step - 1 });
    expect(region().textContent).toContain('No switch of its patch_state so far.');
    expect(why.textContent).not.toMatch(/has switched/);
    // A task in user space, still to switch, is described as in user space above and in the why.
    let found = false;
    for (let step = 1; step < slowcatSwitch.step && !found; step += 7) {
      await send({ type: 'seek', step });
      const f = store.getState().frame!;
      for (let t = 0; t < f.tasks.count && !found; t++) {
        if (f.tasks.run[t] !== 0 || f.tasks.tif[t] !== 1) continue;
        await send({ type: 'select', task: t });
        found = true;
        const title = region().querySelector('.ins-title')!.textContent;
        expect(title).toContain('in user space');
        expect(within(region()).getByRole('note', { name: 'Why it has not switched yet' }).textContent).toMatch(/is in user space/);
      }
    }
    expect(found).toBe(true);
  });

  it('lists the switches and goes to a switch step on click', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Inspector />);
    await send({ type: 'jump', to: 'end' });
    await choose(user, 'slowcat:15');
    const history = screen.getByRole('list', { name: /Switches/ });
    const records = store.getState().frame!.selected!.history;
    expect(records.length).toBeGreaterThan(0);
    const buttons = within(history).getAllByRole('button');
    expect(buttons).toHaveLength(records.length);
    expect(buttons[0]!.textContent).toContain(`step ${records[0]!.step.toLocaleString('en')}`);
    expect(buttons[0]!.textContent).toContain('unpatched → patched');
    expect(buttons[0]!.textContent).toContain(`via ${records[0]!.fn}`);
    await user.click(buttons[0]!);
    await flush();
    expect(store.getState().frame!.step).toBe(records[0]!.step);
  });

  it('lets one type a pid or comm:pid on a machine too big for a list', async () => {
    const user = userEvent.setup();
    const big = { format: 'klpscope/1', name: 'big', machine: { cpus: 2 }, tasks: [{ comm: 'worker', count: 2500 }] };
    const { store } = await renderWithSim(<Inspector />, big);
    expect(screen.queryByRole('combobox', { name: 'Choose a task' })).toBeNull();
    const field = screen.getByRole('textbox', { name: 'Choose a task' });
    await user.type(field, '1000{Enter}');
    await flush();
    expect(store.getState().frame!.selected?.pid).toBe(1000);
    expect(within(region()).getByRole('heading', { name: 'worker:1000' })).toBeTruthy();

    await user.clear(field);
    await user.type(field, 'worker:7{Enter}');
    await flush();
    expect(store.getState().frame!.selected?.pid).toBe(7);

    await user.clear(field);
    await user.type(field, '99999{Enter}');
    await flush();
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(store.getState().frame!.selected?.pid).toBe(7);
  });
});
