// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Actions } from '../../src/panels/Actions.tsx';
import type { AppStore } from '../../src/app/store.ts';
import type { Request } from '../../src/worker/protocol.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

/** reader sleeps in pipe_read forever, so a patch of pipe_read stalls in transition. */
const stalled = (kernel: 'mainline' | 'v4.12', script: string[] = []) => ({
  format: 'klpscope/1',
  name: `${kernel}: stalled`,
  kernel,
  seed: 1,
  machine: { cpus: 2 },
  tasks: [{ comm: 'reader', syscalls: ['read_pipe'], blockedIn: 'pipe_read' }],
  modules: [{ name: 'lp_pipe', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'pipe_read' }] }] } }],
  script,
});

const bar = () => screen.getByRole('toolbar', { name: 'Act on the system' });
const logged = (store: AppStore, text: string) => store.getState().log.some((l) => l.text.includes(text));

/**
 * The worker computes one event past an action's operation to find where it
 * ends, so right after an action the frame is one event short of what is
 * computed; stepping onto it keeps the next action from being "in the past".
 */
const onward = (send: (r: Request) => Promise<void>) => send({ type: 'step', unit: 'event', direction: 1 });

describe('Actions', () => {
  it('loads and unloads a module with insmod and rmmod, showing the command', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Actions />, stalled('mainline'));
    const load = within(bar()).getByRole('button', { name: 'Load lp_pipe' });
    expect(load.getAttribute('title')).toBe('insmod lp_pipe.ko');
    await user.hover(load);
    expect(bar().textContent).toContain('will run: insmod lp_pipe.ko');
    await user.click(load);
    await flush();
    expect(logged(store, '% insmod lp_pipe.ko')).toBe(true);
    expect(logged(store, "enabling patch 'lp_pipe'")).toBe(true);
    expect(store.getState().frame!.globals.modules.find((m) => m.name === 'lp_pipe')?.loaded).toBe(true);
    await onward(send);

    const unload = within(bar()).getByRole('button', { name: 'Unload lp_pipe' });
    expect(unload.getAttribute('title')).toBe('rmmod lp_pipe');
    await user.click(unload);
    await flush();
    // Refused while the patch is in transition: the kernel's words are in the log.
    expect(logged(store, '% rmmod lp_pipe')).toBe(true);
    expect(logged(store, 'rmmod: ERROR: Module lp_pipe is in use')).toBe(true);
  });

  it('reverses a transition in progress by writing enabled', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Actions />, stalled('mainline', ['insmod lp_pipe.ko']));
    await send({ type: 'step', unit: 'second', direction: 1 });
    expect(store.getState().frame!.globals.transitionPatch).toBe('lp_pipe');
    expect(within(bar()).queryByRole('button', { name: 'Disable lp_pipe' })).toBeNull();
    const reverse = within(bar()).getByRole('button', { name: 'Reverse transition of lp_pipe' });
    expect(reverse.textContent).toBe('Reverse transition');
    expect(reverse.getAttribute('title')).toBe('echo 0 > /sys/kernel/livepatch/lp_pipe/enabled');
    await user.hover(reverse);
    expect(bar().textContent).toContain('will run: echo 0 > /sys/kernel/livepatch/lp_pipe/enabled');
    await user.click(reverse);
    await flush();
    expect(logged(store, '% echo 0 > /sys/kernel/livepatch/lp_pipe/enabled')).toBe(true);
    expect(logged(store, "'lp_pipe': reversing transition from patching to unpatching")).toBe(true);
  });

  it('forces a transition in mainline, only while one is in progress', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Actions />, stalled('mainline', ['insmod lp_pipe.ko']));
    await send({ type: 'step', unit: 'livepatch', direction: 1 });
    await send({ type: 'step', unit: 'second', direction: 1 });
    const force = within(bar()).getByRole<HTMLButtonElement>('button', { name: 'Force lp_pipe' });
    expect(force.disabled).toBe(false);
    expect(force.getAttribute('title')).toBe('echo 1 > /sys/kernel/livepatch/lp_pipe/force');
    await user.click(force);
    await flush();
    expect(logged(store, 'forcing remaining tasks to the patched state')).toBe(true);
    await send({ type: 'jump', to: 'end' });
    expect(store.getState().frame!.globals.transitionPatch).toBeNull();
    expect((within(bar()).getByRole<HTMLButtonElement>('button', { name: 'Force lp_pipe' })).disabled).toBe(true);
    const disable = within(bar()).getByRole('button', { name: 'Disable lp_pipe' });
    expect(disable.getAttribute('title')).toBe('echo 0 > /sys/kernel/livepatch/lp_pipe/enabled');
  });

  it('offers immediate=1 for the next livepatch load in v4.12, not in mainline', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Actions />, stalled('v4.12'));
    expect(within(bar()).queryByRole('button', { name: 'Force lp_pipe' })).toBeNull();
    const box = within(bar()).getByRole('checkbox', { name: /immediate=1/ });
    await user.click(box);
    const load = within(bar()).getByRole('button', { name: 'Load lp_pipe' });
    expect(load.getAttribute('title')).toBe('insmod lp_pipe.ko immediate=1');
    await user.click(load);
    await flush();
    expect(logged(store, '% insmod lp_pipe.ko immediate=1')).toBe(true);
    // v4.12 sets patch->enabled after klp_try_complete_transition(), which the worker shows with the next event.
    await onward(send);
    const patch = store.getState().frame!.globals.patches.find((p) => p.mod === 'lp_pipe');
    expect(patch?.immediate).toBe(true);
    // An immediate patch has no transition: it is enabled at once, and v4.12 can disable it again.
    expect(within(bar()).getByRole('button', { name: 'Disable lp_pipe' })).toBeTruthy();

    cleanup();
    await renderWithSim(<Actions />, stalled('mainline'));
    expect(within(bar()).queryByRole('checkbox')).toBeNull();
  });

  it('runs a typed command on Enter or with Run', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Actions />, stalled('mainline'));
    const field = within(bar()).getByRole('textbox', { name: 'Shell command' });
    await user.type(field, 'cat /proc/cmdline{Enter}');
    await flush();
    expect(logged(store, '% cat /proc/cmdline')).toBe(true);
    expect(store.getState().log.some((l) => l.stdout === true && l.text.startsWith('BOOT_IMAGE='))).toBe(true);
    expect((field as HTMLInputElement).value).toBe('');
    await onward(send);

    await user.type(field, 'echo hello > /dev/kmsg');
    expect(bar().textContent).toContain('will run: echo hello > /dev/kmsg');
    await user.click(within(bar()).getByRole('button', { name: 'Run' }));
    await flush();
    expect(store.getState().log.some((l) => l.text === 'hello')).toBe(true);

    // The last command comes back with the up arrow.
    await user.click(field);
    await user.keyboard('{ArrowUp}');
    expect((field as HTMLInputElement).value).toBe('echo hello > /dev/kmsg');
  });

  it('reports a command the shell cannot parse at the field, keeping the text; a good one clears it', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Actions />, stalled('mainline'));
    const field = within(bar()).getByRole<HTMLInputElement>('textbox', { name: 'Shell command' });
    await user.type(field, 'frobnicate 3{Enter}');
    await flush();
    // Not the scenario-loading banner: the message is the field's.
    expect(store.getState().invalid).toBeNull();
    expect(field.value).toBe('frobnicate 3');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const message = within(bar()).getByRole('alert');
    expect(message.textContent).toMatch(/frobnicate|command/i);
    expect(field.getAttribute('aria-describedby')).toBe(message.id);
    await user.clear(field);
    await user.type(field, 'cat /proc/cmdline{Enter}');
    await flush();
    expect(field.value).toBe('');
    expect(field.getAttribute('aria-invalid')).toBe('false');
    expect(logged(store, '% cat /proc/cmdline')).toBe(true);
  });

  it('does not offer as a click what the script is about to do, and says when the script does it', async () => {
    const { store } = await renderWithSim(<Actions />);
    await act(async () => store.getState().load({ preset: 'first-livepatch' }));
    await flush();
    const load = within(bar()).getByRole<HTMLButtonElement>('button', { name: 'Load test_klp_livepatch' });
    expect(load.disabled).toBe(true);
    expect(load.title).toContain('the script does this at 0.000 s');
  });

  it('asks before acting in the past, since that discards the later events', async () => {
    const user = userEvent.setup();
    const { send, store } = await renderWithSim(<Actions />, stalled('mainline'));
    await send({ type: 'step', unit: 'second', direction: 1 });
    await send({ type: 'step', unit: 'event', direction: -1 });
    const computed = store.getState().frame!.computed;
    await user.click(within(bar()).getByRole('button', { name: 'Load lp_pipe' }));
    await flush();
    expect(store.getState().pendingAct).toBe('insmod lp_pipe.ko');
    expect(store.getState().frame!.computed).toBe(computed);
    expect(logged(store, '% insmod lp_pipe.ko')).toBe(false);
  });
});
