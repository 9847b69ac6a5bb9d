// @vitest-environment jsdom
// The guarantees page lists invariants 1–12, each with its number, name, a
// two-sentence explanation and the kernel mechanism that upholds it; it
// opens at the invariant a link names. Every "invariant N" the app shows is
// such a link: in violation messages, narration, tour stops and their
// answers, scenario descriptions, and on the page itself.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Guarantees, InvariantText } from '../../src/panels/Guarantees.tsx';
import { GUARANTEES, invariantMentions } from '../../src/panels/guarantees.ts';
import { Narration } from '../../src/panels/Narration.tsx';
import { Tour } from '../../src/panels/Tour.tsx';
import { PRESETS } from '../../src/sim/scenario/presets.ts';
import { INVARIANT_NAMES } from '../../src/sim/types.ts';
import { StoreProvider } from '../../src/app/store.ts';
import type { AppStore } from '../../src/app/store.ts';
import { inProcessClient } from '../../src/app/inProcessClient.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(cleanup);

const dialog = () => screen.getByRole('dialog', { name: 'The guarantees of the consistency model' });
const sentences = (t: string) => t.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '');
const MENTION = /\b[Ii]nvariant (\d+)/g;

describe('the guarantees page', () => {
  it('lists every invariant 1–12 by number and name, with a two-sentence explanation and the mechanism that upholds it', async () => {
    const { store } = await renderWithSim(<Guarantees />);
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => store.getState().showGuarantees(null));
    const items = within(dialog()).getAllByRole('listitem');
    expect(items).toHaveLength(12);
    expect(GUARANTEES.map((g) => g.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    items.forEach((li, i) => {
      const g = GUARANTEES[i]!;
      const n = i + 1;
      expect(li.id).toBe(`guarantee-${n}`);
      expect(li.getAttribute('value')).toBe(String(n));
      expect(within(li).getByRole('heading', { level: 3 }).textContent).toBe(`${n}. ${INVARIANT_NAMES[g.id]}`);
      expect(g.name).toBe(INVARIANT_NAMES[g.id]);
      expect(sentences(g.promise), `invariant ${n}: ${g.promise}`).toHaveLength(2);
      expect(li.textContent).toContain(g.promise);
      expect(g.mechanism.length).toBeGreaterThan(20);
      expect(li.textContent).toContain(`Upheld by: ${g.mechanism}`);
      if (g.givenUpBy !== undefined) expect(li.textContent).toContain(`Knowingly given up by: ${g.givenUpBy}.`);
    });
    // Immediate and force give up 3, 4, 5 and 7, and say so.
    expect(GUARANTEES.filter((g) => g.givenUpBy !== undefined).map((g) => g.id)).toEqual([3, 4, 5, 7]);
  });

  it('opens at the invariant asked for, follows links within the page, and closes with Escape', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Guarantees />);
    act(() => store.getState().showGuarantees(11));
    const eleven = dialog().querySelector('#guarantee-11')!;
    expect(eleven.className).toContain('is-current');
    expect(document.activeElement).toBe(eleven);
    // Invariant 7's mechanism names invariant 5: a link to it.
    const seven = dialog().querySelector<HTMLElement>('#guarantee-7')!;
    await user.click(within(seven).getByRole('button', { name: 'invariant 5' }));
    expect(store.getState().guarantees).toEqual({ invariant: 5 });
    expect(dialog().querySelector('#guarantee-5')!.className).toContain('is-current');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('every "invariant N" is a link', () => {
  it('splits a text at each mention of an invariant 1–12, keeping the words as written', () => {
    expect(invariantMentions('no mention')).toEqual(['no mention']);
    expect(invariantMentions('Invariant 5 at a switch, and invariant 12.')).toEqual([{ words: 'Invariant 5', invariant: 5 }, ' at a switch, and ', { words: 'invariant 12', invariant: 12 }, '.']);
    // Not an invariant: stays text.
    expect(invariantMentions('invariant 13 and invariants 2')).toEqual(['invariant 13 and invariants 2']);
  });

  it('in every text a preset shows: descriptions, tour stops and the answers they reveal', () => {
    let store: AppStore | undefined;
    const texts = PRESETS.flatMap((p) => [p.scenario.description ?? '', p.question, ...p.tour.flatMap((s) => [s.text, s.question?.why ?? '', ...(s.question?.answers ?? [])])]);
    const mentioning = texts.filter((t) => /\binvariant \d/i.test(t));
    // The bug and what-if demos name the invariant they break.
    expect(mentioning.length).toBeGreaterThanOrEqual(5);
    for (const text of mentioning) {
      const { container, unmount } = render(
        <StoreProvider client={inProcessClient} onStore={(s) => (store = s)}>
          <p>
            <InvariantText text={text} />
          </p>
        </StoreProvider>,
      );
      const links = within(container).getAllByRole('button');
      const mentions = [...text.matchAll(MENTION)];
      expect(links.map((l) => l.textContent), text).toEqual(mentions.map((m) => m[0]));
      expect(container.textContent).toBe(text);
      act(() => links[0]!.click());
      expect(store!.getState().guarantees).toEqual({ invariant: Number(mentions[0]![1]) });
      unmount();
    }
  });

  it('in the guarantees page itself, for every mention', async () => {
    const { store } = await renderWithSim(<Guarantees />);
    act(() => store.getState().showGuarantees(null));
    const all = GUARANTEES.flatMap((g) => [g.promise, g.mechanism, g.givenUpBy ?? '']).join(' ');
    const mentions = [...all.matchAll(MENTION)].length;
    expect(mentions).toBeGreaterThan(0);
    expect(within(dialog()).getAllByRole('button', { name: /^[Ii]nvariant \d+$/ })).toHaveLength(mentions);
  });

  it("in a violation's narration and in a tour stop that names one", async () => {
    const user = userEvent.setup();
    const { store, send } = await renderWithSim(
      <>
        <Tour />
        <Narration />
      </>,
    );
    await act(async () => store.getState().load({ preset: 'bug-a-rfc', tour: 0 }));
    await flush();
    await send({ type: 'jump', to: 'end' });
    const v = store.getState().milestones.find((m) => m.kind === 'violation')!;
    await send({ type: 'seek', step: v.step });
    const violations = screen.getByRole('list', { name: 'Violations' });
    await user.click(within(violations).getByRole('button', { name: 'Invariant 11' }));
    expect(store.getState().guarantees).toEqual({ invariant: 11 });
    act(() => store.getState().showGuarantees(undefined));

    const preset = PRESETS.find((p) => p.tour.some((s) => /\binvariant \d/i.test(s.text)))!;
    const at = preset.tour.findIndex((s) => /\binvariant \d/i.test(s.text));
    await act(async () => store.getState().load({ preset: preset.id, tour: at }));
    await flush();
    expect(store.getState().frame!.tour).toMatchObject({ stop: at });
    const tour = screen.getByRole('region', { name: 'Guided tour' });
    const n = /\b[Ii]nvariant (\d+)/.exec(preset.tour[at]!.text)![1];
    const named = within(tour).getAllByRole('button', { name: new RegExp(`^[Ii]nvariant ${n}$`) });
    await user.click(named[0]!);
    expect(store.getState().guarantees).toEqual({ invariant: Number(n) });
  });
});
