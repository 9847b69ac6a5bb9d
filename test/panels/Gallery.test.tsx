// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { Gallery, openDemo, twinOf } from '../../src/panels/Gallery.tsx';
import { PRESETS, presetById } from '../../src/sim/scenario/presets.ts';
import { SELFTEST_CASES } from '../../src/sim/scenario/selftests/cases.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

const openGallery = async (user: ReturnType<typeof userEvent.setup>) => {
  await user.click(screen.getByRole('button', { name: 'Demos' }));
  return screen.getByRole('dialog', { name: 'Teaching demos' });
};

describe('<Gallery />', () => {
  it('opens a modal dialog with one card per preset, in PRESETS order, and moves focus into it', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Gallery />);
    expect(screen.queryByRole('dialog')).toBeNull();
    const trigger = screen.getByRole('button', { name: 'Demos' });
    expect(trigger.getAttribute('aria-expanded')).toBe('false');
    const dialog = await openGallery(user);
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    expect(dialog.contains(document.activeElement)).toBe(true);

    const cards = within(dialog).getAllByRole('listitem').filter((li) => li.classList.contains('gal-card'));
    expect(cards).toHaveLength(PRESETS.length);
    PRESETS.forEach((p, i) => {
      const card = within(cards[i]!);
      expect(card.getByRole('heading', { level: 3 }).textContent).toContain(p.title);
      expect(card.getByText(p.question)).toBeTruthy();
      expect(card.getByText(p.kernel).className).toContain('badge');
      expect(cards[i]!.textContent).toContain(`${p.tour.length} tour stops`);
      expect(card.getByRole('button', { name: `Open demo: ${p.title}` })).toBeTruthy();
    });
  });

  it('Open loads the preset at the first stop of its tour and closes the dialog, focus back on Demos', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Gallery />);
    const dialog = await openGallery(user);
    const p = presetById('sleeper-stalls')!;
    await user.click(within(dialog).getByRole('button', { name: `Open demo: ${p.title}` }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    const s = store.getState();
    expect(s.meta?.preset).toBe('sleeper-stalls');
    expect(s.meta?.name).toBe(p.scenario.name);
    expect(s.frame?.tour?.stop).toBe(0);
    expect(s.frame?.step).toBe(s.frame?.tour?.step);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Demos' }));

    // Reopened, the card of the open demo says so.
    const again = await openGallery(user);
    const current = within(again).getAllByRole('listitem').filter((li) => li.getAttribute('aria-current') === 'true');
    expect(current).toHaveLength(1);
    expect(current[0]!.textContent).toContain(p.title);
    expect(current[0]!.textContent).toContain('open now');
  });

  it('lists the kernel selftests by file; Open loads the case as its scenario', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Gallery />);
    const dialog = await openGallery(user);
    expect(within(dialog).getByRole('heading', { name: 'Kernel selftests' })).toBeTruthy();
    for (const c of SELFTEST_CASES) expect(within(dialog).getByRole('button', { name: `Open selftest: ${c.test} (${c.file})` })).toBeTruthy();
    const c = SELFTEST_CASES.find((x) => x.test === 'busy target module')!;
    await user.click(within(dialog).getByRole('button', { name: `Open selftest: ${c.test} (${c.file})` }));
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.getState().meta?.name).toBe(`${c.file}: ${c.test}`);
    expect(store.getState().meta?.kernel).toBe('mainline');
  });

  it('closes with Escape and with Close, giving focus back', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Gallery />);
    const trigger = screen.getByRole('button', { name: 'Demos' });
    await openGallery(user);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(trigger);

    const dialog = await openGallery(user);
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(trigger);
    // Nothing was loaded.
    expect(store.getState().meta?.preset).toBeNull();
  });

  it('closes when the backdrop is clicked, not when the dialog is', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Gallery />);
    const dialog = await openGallery(user);
    await user.click(within(dialog).getByRole('heading', { name: 'Teaching demos' }));
    expect(screen.queryByRole('dialog')).not.toBeNull();
    await user.click(dialog.parentElement!);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps Tab inside the dialog and keys away from the app behind it', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Gallery />);
    const dialog = await openGallery(user);
    const behind = vi.fn();
    window.addEventListener('keydown', behind);
    try {
      const buttons = within(dialog).getAllByRole('button');
      const last = buttons[buttons.length - 1]!;
      last.focus();
      await user.tab();
      expect(document.activeElement).toBe(buttons[0]);
      await user.tab({ shift: true });
      expect(document.activeElement).toBe(last);
      await user.keyboard(' ');
      fireEvent.keyDown(dialog, { key: 'ArrowRight' });
      expect(behind).not.toHaveBeenCalled();
    } finally {
      window.removeEventListener('keydown', behind);
    }
  });

  it('offers the v4.12 twin on every rfc-v2 bug card, and the rfc-v2 one on the fix', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Gallery />);
    const dialog = await openGallery(user);
    // The rfc-v2 presets with a twin (bug-order-open has none: its fix is what the search does not find in v4.12).
    const rfc = PRESETS.filter((p) => p.kernel === 'rfc-v2' && p.compare !== undefined);
    expect(rfc.length).toBeGreaterThan(0);
    expect(within(dialog).getAllByRole('button', { name: /^Compare with v4\.12/ })).toHaveLength(rfc.length);
    const cards = within(dialog).getAllByRole('listitem').filter((li) => li.classList.contains('gal-card'));
    PRESETS.forEach((p, i) => {
      const twin = twinOf(p);
      const compare = within(cards[i]!).queryByRole('button', { name: /^Compare with/ });
      if (twin === undefined) expect(compare).toBeNull();
      else expect(compare?.textContent).toBe(`Compare with ${twin.kernel}`);
    });

    const bug = rfc[0]!;
    const card = cards[PRESETS.indexOf(bug)]!;
    await user.click(within(card).getByRole('button', { name: /^Compare with v4\.12/ }));
    await flush();
    expect(store.getState().meta?.preset).toBe(bug.compare);
    expect(store.getState().meta?.kernel).toBe('v4.12');
    expect(store.getState().frame?.tour?.stop).toBe(0);
  });

  it('can be opened and closed by the app (controlled), e.g. from a shortcut', async () => {
    const user = userEvent.setup();
    const changes: boolean[] = [];
    let setOpen: (v: boolean) => void = () => {};
    function Host() {
      const [open, set] = useState(false);
      setOpen = set;
      return (
        <Gallery
          open={open}
          onOpenChange={(v) => {
            changes.push(v);
            set(v);
          }}
        />
      );
    }
    await renderWithSim(<Host />);
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => setOpen(true));
    expect(screen.getByRole('dialog', { name: 'Teaching demos' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(changes).toEqual([false]);
  });

  it('openDemo loads a preset at a given tour stop', async () => {
    const { store } = await renderWithSim(<Gallery />);
    await act(async () => openDemo(store, 'reverse-stalled', 2));
    await flush();
    const s = store.getState();
    expect(s.meta?.preset).toBe('reverse-stalled');
    expect(s.frame?.tour?.stop).toBe(2);
    expect(s.frame?.step).toBe(s.frame?.tour?.step);
  });
});
