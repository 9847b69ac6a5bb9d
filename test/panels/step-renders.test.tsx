// @vitest-environment jsdom
// What a step renders again: the panels whose inputs it changed, and only
// those (the frame's unchanged parts keep their objects, share.ts; each panel
// selects what it reads). And no panel is left behind: after a step, every
// one shows it. Renders are counted through Preact's render hook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { options } from 'preact';
import { Transport } from '../../src/panels/Transport.tsx';
import { Actions } from '../../src/panels/Actions.tsx';
import { Timeline } from '../../src/panels/Timeline.tsx';
import { FuncStacks } from '../../src/panels/FuncStacks.tsx';
import { Globals } from '../../src/panels/Globals.tsx';
import { Narration } from '../../src/panels/Narration.tsx';
import { KernelCode } from '../../src/panels/code/KernelCode.tsx';
import { KernelLog } from '../../src/panels/KernelLog.tsx';
import { flush, renderWithSim } from './harness.tsx';
import { createAppStore, StoreProvider } from '../../src/app/store.ts';
import { queuedClient } from '../app/queuedClient.ts';

/** Preact's hook before each component render (`options._render`, named `__r` in its build). */
type RenderHook = { __r?: (vnode: { type: unknown }) => void };
const hooks = options as unknown as RenderHook;
let counts = new Map<string, number>();
let previous: RenderHook['__r'];

beforeEach(() => {
  counts = new Map();
  previous = hooks.__r;
  hooks.__r = (vnode) => {
    previous?.(vnode);
    const t = vnode.type as { displayName?: string; name?: string };
    const name = t.displayName ?? t.name ?? '?';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  };
});
afterEach(() => {
  hooks.__r = previous;
  cleanup();
});

const rendered = (name: string) => counts.get(name) ?? 0;

function Page() {
  return (
    <>
      <Transport />
      <Actions />
      <Narration />
      <Globals />
      <FuncStacks />
      <KernelCode />
      <KernelLog />
      <Timeline />
    </>
  );
}

describe('a step renders again only what it changed', () => {
  it('the bar, the legends, the axes and an unchanged func_stack panel stay; the step, the narration, the code and the now line move', async () => {
    const { store, send } = await renderWithSim(<Page />);
    await send({ type: 'step', unit: 'event', direction: 1 });
    // A step of the demo that leaves the func_stacks as they were (most do).
    let found = false;
    for (let tries = 0; tries < 30 && !found; tries++) {
      const before = store.getState().frame;
      if (before === null) throw new Error('no frame');
      const fnBefore = document.querySelector('.code-name')?.textContent;
      const echoed = () => store.getState().milestones.filter((m) => m.kind === 'command' && m.step <= (store.getState().frame?.step ?? 0)).length;
      const echoedBefore = echoed();
      counts.clear();
      await send({ type: 'step', unit: 'event', direction: 1 });
      const fnAfter = document.querySelector('.code-name')?.textContent;
      const after = store.getState().frame;
      if (after === null) throw new Error('no frame');
      expect(after.step).toBe(before.step + 1);
      if (JSON.stringify(after.funcStacks) !== JSON.stringify(before.funcStacks)) continue;
      found = true;
      // Equal func_stacks are the same objects, and their panel does not render again.
      expect(after.funcStacks).toBe(before.funcStacks);
      expect(rendered('FuncStacks')).toBe(0);
      // The transport's buttons are enabled as before: the bar stays, its "where" moves.
      expect(rendered('Transport')).toBe(0);
      expect(rendered('Where')).toBeGreaterThan(0);
      // The action buttons change only when the script echoes a command.
      if (echoed() === echoedBefore) expect(rendered('Actions')).toBe(0);
      else expect(rendered('Actions')).toBeGreaterThan(0);
      // The timeline's parts that draw the same thing stay.
      for (const part of ['LegendParts', 'MarksLegendParts', 'FillPatternsParts', 'AxisToggleParts']) expect(rendered(part), part).toBe(0);
      expect(rendered('Timeline')).toBeGreaterThan(0);
      expect(rendered('Narration')).toBeGreaterThan(0);
      // In the same function, of the kernel code's lines only the one left and the one reached render again.
      if (fnAfter === fnBefore) expect(rendered('Line')).toBeLessThanOrEqual(2);
      else expect(rendered('Line')).toBeGreaterThan(0);
    }
    expect(found).toBe(true);
  });

  it("the worker's answer to a step shown ahead renders again only the panels that read what it adds", async () => {
    const { client, deliver, queue } = queuedClient();
    const store = createAppStore(client);
    render(
      <StoreProvider client={() => client} store={store}>
        <Page />
      </StoreProvider>,
    );
    await act(async () => store.getState().load({ preset: 'first-livepatch' }));
    await act(async () => deliver());
    await flush();
    for (let i = 1; i <= 4; i++) {
      await act(async () => store.getState().send({ type: 'step', unit: 'event', direction: 1 }));
      // Shown at once, from the frame sent ahead.
      const shown = store.getState().frame;
      expect(shown?.step).toBe(i);
      expect(screen.getByRole('toolbar', { name: 'Time controls' }).textContent).toContain(`step ${i}`);
      const { log, samples, milestones } = store.getState();
      counts.clear();
      // The worker's answer: the same step, taken after the paint.
      expect(queue.some((r) => r.type === 'frame' && r.frame.step === i)).toBe(true);
      await act(async () => deliver());
      await act(async () => new Promise((r) => setTimeout(r, 40)));
      await flush();
      expect(queue).toEqual([]);
      const answered = store.getState().frame;
      expect(answered?.step).toBe(i);
      // The answer may bring how far the run is computed now, and the lines, samples and marks computed ahead
      // (read by the log and the timeline): nothing else, and the panels that read none of that stay.
      const s = store.getState();
      const same = answered === shown && s.log === log && s.samples === samples && s.milestones === milestones;
      if (same) expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(0);
      else expect(answered !== shown ? answered?.computed !== shown?.computed : s.log !== log || s.samples !== samples || s.milestones !== milestones).toBe(true);
      if (s.log === log) expect(rendered('KernelLog')).toBe(0);
      for (const panel of ['Transport', 'Actions', 'Narration', 'Globals', 'FuncStacks', 'KernelCode', 'Where']) expect(rendered(panel), panel).toBe(0);
    }
  });
});

describe('after a step every panel shows it', () => {
  it('the bar, the narration and the log show the new step', async () => {
    const { store, send } = await renderWithSim(<Page />);
    for (let i = 1; i <= 6; i++) {
      await send({ type: 'step', unit: 'event', direction: 1 });
      const f = store.getState().frame;
      if (f === null || f.event === null) throw new Error('no event');
      expect(f.step).toBe(i);
      expect(screen.getByRole('toolbar', { name: 'Time controls' }).textContent).toContain(`step ${i}`);
      const narration = within(screen.getByRole('region', { name: 'Narration' }));
      expect(narration.getByText(String(i), { selector: '.narration-where .mono' })).toBeTruthy();
      expect(screen.getByRole('region', { name: 'Narration' }).textContent).toContain(f.event.fn);
      // The log's lines of this step (if it printed any) are its current ones.
      const current = screen.getByRole('region', { name: 'Kernel log' }).querySelectorAll('[aria-current="step"]');
      const printed = store.getState().log.filter((e) => e.step === i).length;
      expect(current.length).toBe(printed);
    }
  });
});
