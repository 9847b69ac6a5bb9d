// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, command, commandForKey, isTyping, UNITS } from '../../src/app/commands.ts';
import { inProcessClient } from '../../src/app/inProcessClient.ts';
import { createAppStore } from '../../src/app/store.ts';
import type { AppStore } from '../../src/app/store.ts';
import type { SimClient } from '../../src/app/client.ts';
import { DEFAULT_SCENARIO } from '../../src/sim/scenario/presets.ts';
import { DEFAULT_SPEED, SPEEDS } from '../../src/worker/protocol.ts';
import type { Request } from '../../src/worker/protocol.ts';

type Key = Parameters<typeof commandForKey>[0];
const key = (k: string, more: Partial<Key> = {}): Key => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: document.body, ...more });

/** Replies arrive as microtasks; let a few pass. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let client: SimClient;
let store: AppStore;
let sent: Request[];

beforeEach(async () => {
  const inner = inProcessClient();
  sent = [];
  client = {
    send: (m) => {
      const { id: _id, ...r } = m;
      sent.push(r);
      inner.send(m);
    },
    listen: (h) => inner.listen(h),
    close: () => inner.close(),
  };
  store = createAppStore(client);
  store.getState().load({ scenario: DEFAULT_SCENARIO });
  await settle();
});

afterEach(() => client.close());

/** Presses a key as the shortcut listener would: the command it finds runs. */
async function press(k: string, more: Partial<Key> = {}) {
  const c = commandForKey(key(k, more), store.getState());
  c?.run(store.getState());
  await settle();
  return c;
}

describe('the command registry', () => {
  it('gives every command a unique id, a label and at least one key', () => {
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
    for (const c of COMMANDS) {
      expect(c.label.trim(), c.id).not.toBe('');
      expect(c.keys.length, c.id).toBeGreaterThan(0);
      for (const k of c.keys) expect(k.trim(), c.id).not.toBe('');
    }
    expect(command('play').label).toBe('Play');
    expect(() => command('no-such-command')).toThrow();
  });

  it('ignores keys typed into inputs, textareas, selects and editable content', () => {
    expect(store.getState().frame).not.toBeNull();
    const fields = [document.createElement('input'), document.createElement('textarea'), document.createElement('select')];
    for (const target of fields) {
      expect(isTyping(target)).toBe(true);
      for (const k of [' ', '1', '-', '+', 'ArrowRight', 'End', '?']) expect(commandForKey(key(k, { target }), store.getState()), `${k} in ${target.tagName}`).toBeUndefined();
    }
    const editable = Object.assign(document.createElement('div'), { contentEditable: 'true' });
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(commandForKey(key(' ', { target: editable }), store.getState())).toBeUndefined();
    // On a button, Space and Enter press it; other keys are still shortcuts.
    const button = document.createElement('button');
    expect(isTyping(button)).toBe(false);
    expect(commandForKey(key(' ', { target: button }), store.getState())).toBeUndefined();
    expect(commandForKey(key('ArrowRight', { target: button }), store.getState())?.id).toBe('step-forward');
    // Elsewhere, the same keys are shortcuts.
    expect(commandForKey(key(' ', { target: document.body }), store.getState())?.id).toBe('play');
    expect(commandForKey(key('1'), store.getState())?.id).toBe('unit-event');
  });

  it('takes Escape from a text field only to stop a long computation', () => {
    const input = document.createElement('input');
    expect(commandForKey(key('Escape', { target: input }), store.getState())).toBeUndefined();
    // The command just run from the shell field is computing: Escape there cancels it.
    store.setState({ computing: { what: 'act', computed: 1_024, target: null, cancellable: true } });
    expect(commandForKey(key('Escape', { target: input }), store.getState())?.id).toBe('cancel-compute');
    expect(commandForKey(key('ArrowRight', { target: input }), store.getState())).toBeUndefined();
  });

  it('ignores shortcuts pressed with Ctrl, Meta or Alt', () => {
    for (const mod of ['ctrlKey', 'metaKey', 'altKey'] as const) {
      expect(commandForKey(key('1', { [mod]: true }), store.getState())).toBeUndefined();
      expect(commandForKey(key(' ', { [mod]: true }), store.getState())).toBeUndefined();
    }
  });

  it('maps Space to Play when paused and to Pause when playing', async () => {
    expect(store.getState().frame?.playing).toBe(false);
    expect((await press(' '))?.id).toBe('play');
    expect(sent.at(-1)).toEqual({ type: 'play', unit: 'event' });
    expect(store.getState().frame?.playing).toBe(true);
    expect((await press(' '))?.id).toBe('pause');
    expect(sent.at(-1)).toEqual({ type: 'pause' });
    expect(store.getState().frame?.playing).toBe(false);
  });

  it('changes the speed with - and + within the bounds of SPEEDS', async () => {
    expect(store.getState().frame?.speed).toBe(DEFAULT_SPEED);
    expect((await press('-'))?.id).toBe('slower');
    expect(store.getState().frame?.speed).toBe(DEFAULT_SPEED - 1);
    while ((store.getState().frame?.speed ?? 0) > 0) await press('-');
    expect(store.getState().frame?.speed).toBe(0);
    const before = sent.length;
    expect(await press('-')).toBeUndefined();
    expect(sent.length).toBe(before);

    expect((await press('+'))?.id).toBe('faster');
    expect(store.getState().frame?.speed).toBe(1);
    expect((await press('='))?.id).toBe('faster');
    expect(store.getState().frame?.speed).toBe(2);
    while ((store.getState().frame?.speed ?? 0) < SPEEDS.length - 1) await press('+');
    expect(store.getState().frame?.speed).toBe(SPEEDS.length - 1);
    expect(await press('+')).toBeUndefined();
  });

  it('sets the step unit with the keys 1 to 4', async () => {
    expect(UNITS.map((u) => u.key)).toEqual(['1', '2', '3', '4']);
    for (const u of [...UNITS].reverse()) {
      expect((await press(u.key))?.id).toBe(`unit-${u.unit}`);
      expect(store.getState().unit).toBe(u.unit);
    }
  });

  it('steps with the arrows in the chosen unit, and jumps with Home and End', async () => {
    expect(commandForKey(key('Home'), store.getState())).toBeUndefined();
    expect(commandForKey(key('ArrowLeft'), store.getState())).toBeUndefined();
    await press('2');
    await press('ArrowRight');
    expect(sent.at(-1)).toEqual({ type: 'step', unit: 'livepatch', direction: 1 });
    expect(store.getState().frame?.event?.livepatch).toBe(true);
    await press('End');
    expect(store.getState().frame?.step).toBe(store.getState().frame?.end);
    await press('ArrowLeft');
    expect(sent.at(-1)).toEqual({ type: 'step', unit: 'livepatch', direction: -1 });
    await press('Home');
    expect(store.getState().frame?.step).toBe(0);
  });

  it('toggles the help with ?', async () => {
    await press('?');
    expect(store.getState().helpOpen).toBe(true);
    await press('?');
    expect(store.getState().helpOpen).toBe(false);
  });
});
