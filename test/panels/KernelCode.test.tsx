// @vitest-environment jsdom
// The Kernel code panel: the current event's function as klpscope's
// pseudo-code, its line marked aria-current="step" with the values it reads
// or writes, the other kernels' lines on request, the rfc-v2 bug notes, and a
// plain link to the function in a public source browser.
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KernelCode } from '../../src/panels/code/KernelCode.tsx';
import { presetById } from '../../src/sim/scenario/presets.ts';
import { renderWithSim } from './harness.tsx';

afterEach(cleanup);

const panel = () => within(screen.getByRole('region', { name: 'Kernel code' }));
const current = () => screen.getByRole('region', { name: 'Kernel code' }).querySelectorAll('[aria-current="step"]');
const fnName = () => screen.getByRole('region', { name: 'Kernel code' }).querySelector('.code-name')?.textContent ?? '';

describe('<KernelCode />', () => {
  it('highlights the line of the current event, aria-current on it alone, with its values, and follows a step', async () => {
    const { store, send } = await renderWithSim(<KernelCode />);
    // Step until klp_init_transition marks the tasks: its line shows the task and its patch_state.
    let guard = 0;
    while (store.getState().frame?.event?.kind !== 'init' && guard++ < 50) await send({ type: 'step', unit: 'event', direction: 1 });
    expect(store.getState().frame?.event?.kind).toBe('init');
    expect(current()).toHaveLength(1);
    const line = current()[0] as HTMLElement;
    expect(fnName()).toBe('klp_init_transition');
    expect(line.className).toContain('is-current');
    expect(line.textContent).toContain('func->transition = true');
    const where = `${fnName()}:${line.getAttribute('data-line')}`;

    // The next events move the line (or the function), and there is still one current line.
    const seen = new Set([where]);
    for (let i = 0; i < 12; i++) {
      await send({ type: 'step', unit: 'event', direction: 1 });
      expect(current()).toHaveLength(1);
      seen.add(`${fnName()}:${current()[0]?.getAttribute('data-line')}`);
    }
    expect(seen.size).toBeGreaterThan(2);
    // A task's line shows the task and its patch_state at that moment, inline.
    const values = screen.getAllByLabelText('Values now');
    expect(values.length).toBe(1);
    expect(values[0]!.closest('[aria-current="step"]')).not.toBeNull();
  });

  it('shows the values its line reads at that moment: the task, its patch_state and klp_target_state', async () => {
    const { store, send } = await renderWithSim(<KernelCode />);
    let guard = 0;
    while (store.getState().frame?.event?.kind !== 'switch-checked' && guard++ < 200) await send({ type: 'step', unit: 'event', direction: 1 });
    const f = store.getState().frame!;
    const values = within(screen.getByLabelText('Values now')).getAllByText(/./, { selector: '.code-value' }).map((e) => e.textContent);
    const t = f.event!.task!;
    // klp_try_switch_task of a task that passed its stack check: now patched, as klp_target_state says.
    expect(values).toEqual([`task = ${store.getState().comms[t]}:${f.tasks.pid[t]}`, 'patch_state = KLP_PATCHED', 'klp_target_state = KLP_PATCHED']);
    expect(f.tasks.patchState[t]).toBe(1);

  });

  it('shows only the current kernel\'s lines, the other kernels\' in place on request, and notes the rfc-v2 bug lines', async () => {
    await renderWithSim(<KernelCode />, presetById('bug-a-rfc')?.scenario);
    fireEvent.change(panel().getByRole('combobox', { name: 'Show a function' }), { target: { value: 'klp_init_transition' } });
    expect(fnName()).toBe('klp_init_transition');
    const lines = () => [...screen.getByRole('list', { name: 'Pseudo-code of klp_init_transition' }).querySelectorAll('li')];
    const mine = lines().length;
    // rfc-v2: the line that sets klp_target_state late holds the bug, and says why.
    const notes = panel().getAllByRole('note');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]!.textContent).toMatch(/^RFC v2 bug: .*klp_target_state/);
    expect(notes[0]!.closest('li')?.className).toContain('is-bug');
    expect(lines().some((l) => l.className.includes('is-other'))).toBe(false);

    fireEvent.click(panel().getByRole('checkbox', { name: "Show the other kernels' lines" }));
    const all = lines();
    expect(all.length).toBeGreaterThan(mine);
    const others = all.filter((l) => l.className.includes('is-other'));
    expect(others.length).toBe(all.length - mine);
    // Each other kernel's line says whose it is, in place among the rest.
    for (const o of others) expect(o.querySelector('.code-only')?.textContent).toMatch(/only$/);
    expect(others.every((o) => !/rfc-v2/.test(o.querySelector('.code-only')?.textContent ?? ''))).toBe(true);
  });

  it('links the function at the variant\'s kernel as a plain link, and names the file', async () => {
    await renderWithSim(<KernelCode />);
    fireEvent.change(panel().getByRole('combobox', { name: 'Show a function' }), { target: { value: 'klp_init_transition' } });
    const link = panel().getByRole('link', { name: /klp_init_transition in a recent kernel on Elixir/ });
    expect(link.getAttribute('href')).toBe('https://elixir.bootlin.com/linux/v6.12/A/ident/klp_init_transition');
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toContain('noopener');
    expect(panel().getByText('kernel/livepatch/transition.c')).toBeTruthy();
    // Pseudo-code of our own, said so.
    expect(panel().getByText(/not the kernel.s source/)).toBeTruthy();
  });

  it('links the v4.12 source for v4.12 and the RFC on lore for rfc-v2', async () => {
    await renderWithSim(<KernelCode />, presetById('bug-a-v412')?.scenario);
    fireEvent.change(panel().getByRole('combobox', { name: 'Show a function' }), { target: { value: 'klp_complete_transition' } });
    expect(panel().getByRole('link').getAttribute('href')).toBe('https://elixir.bootlin.com/linux/v4.12/A/ident/klp_complete_transition');
    cleanup();
    await renderWithSim(<KernelCode />, presetById('bug-a-rfc')?.scenario);
    expect(panel().getByRole('link', { name: 'the RFC v2 patch on lore.kernel.org' }).getAttribute('href')).toMatch(/^https:\/\/lore\.kernel\.org\//);
  });
});
