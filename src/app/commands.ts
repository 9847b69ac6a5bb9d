// Every command of the app as data, in one registry: its accessible name, its
// shortcut, when it is enabled and what it does. The transport buttons, the
// keyboard shortcuts and the help dialog are all generated from this list.
import { SPEEDS } from '../worker/protocol.ts';
import type { StepUnit } from '../worker/protocol.ts';
import type { AppState } from './store.ts';
import { chosenAxis } from '../panels/timeline/chosen.ts';
import { enNumber } from '../sim/format.ts';

export interface AppCommand {
  readonly id: string;
  /** The button's accessible name and the help's wording. */
  readonly label: string;
  /** How the shortcut is written in the help. */
  readonly keys: readonly string[];
  readonly keyTest: (e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>) => boolean;
  readonly enabled: (s: AppState) => boolean;
  readonly run: (s: AppState) => void;
  /** Shown as a button in the transport bar. */
  readonly button: boolean;
}

const plain = (key: string) => (e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>) => e.key === key && !e.ctrlKey && !e.metaKey && !e.altKey;
const loaded = (s: AppState) => s.frame !== null;
const playing = (s: AppState) => s.frame?.playing === true;

export const UNITS: readonly { readonly unit: StepUnit; readonly label: string; readonly key: string }[] = [
  { unit: 'event', label: 'next event', key: '1' },
  { unit: 'livepatch', label: 'next livepatch event', key: '2' },
  { unit: 'switch', label: 'next task switch', key: '3' },
  { unit: 'second', label: 'next second', key: '4' },
];

const tourOf = (s: AppState) => s.frame?.tour ?? null;
/** The next stop: the one presenter mode plays towards, else the one after the stop shown. */
const nextStop = (s: AppState): number | null => {
  const t = tourOf(s);
  if (t === null) return null;
  if (t.target !== null) return t.target;
  return t.stop < t.stops - 1 ? t.stop + 1 : null;
};
/** The previous stop: the stop shown if the view is after it, else the one before. */
const previousStop = (s: AppState): number | null => {
  const t = tourOf(s);
  if (t === null || t.stop < 0) return null;
  if (!t.at) return t.stop;
  return t.stop > 0 ? t.stop - 1 : null;
};
const remote = (keys: readonly string[]) => (e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>) => keys.some((k) => plain(k)(e));

export const COMMANDS: readonly AppCommand[] = [
  // A long computation first: Escape stops it (keys pressed meanwhile wait in the worker, in order).
  {
    id: 'cancel-compute',
    label: 'Cancel the computation',
    keys: ['Esc'],
    keyTest: plain('Escape'),
    enabled: (s) => s.computing?.cancellable === true,
    run: (s) => s.cancel(),
    button: false,
  },
  // Presenter mode next: there the remote's keys go stop to stop.
  {
    id: 'presenter-next',
    label: 'Presenter: next stop (press again to skip the replay)',
    keys: ['→', 'PageDown', 'Space', '.'],
    keyTest: remote(['ArrowRight', 'PageDown', ' ', '.']),
    enabled: (s) => s.presenter && nextStop(s) !== null,
    run: (s) => {
      const next = nextStop(s);
      if (next !== null) s.send({ type: 'tour', stop: next, play: true });
    },
    button: false,
  },
  {
    id: 'presenter-previous',
    label: 'Presenter: previous stop',
    keys: ['←', 'PageUp'],
    keyTest: remote(['ArrowLeft', 'PageUp']),
    enabled: (s) => s.presenter && previousStop(s) !== null,
    run: (s) => {
      const prev = previousStop(s);
      if (prev !== null) s.send({ type: 'tour', stop: prev });
    },
    button: false,
  },
  {
    id: 'presenter-exit',
    label: 'Leave presenter mode',
    keys: ['Esc'],
    keyTest: plain('Escape'),
    enabled: (s) => s.presenter,
    run: (s) => s.setPresenter(false),
    button: false,
  },
  {
    id: 'presenter',
    label: 'Presenter mode',
    keys: ['m'],
    keyTest: plain('m'),
    enabled: (s) => tourOf(s) !== null,
    run: (s) => s.setPresenter(!s.presenter),
    button: false,
  },
  {
    // Remotes send PageDown/PageUp: with a tour they go stop to stop everywhere.
    id: 'tour-next',
    label: 'Next tour stop',
    keys: [']', 'PageDown'],
    keyTest: remote([']', 'PageDown']),
    enabled: (s) => nextStop(s) !== null,
    run: (s) => {
      const next = nextStop(s);
      if (next !== null) s.send({ type: 'tour', stop: next });
    },
    button: false,
  },
  {
    id: 'tour-previous',
    label: 'Previous tour stop',
    keys: ['[', 'PageUp'],
    keyTest: remote(['[', 'PageUp']),
    enabled: (s) => previousStop(s) !== null,
    run: (s) => {
      const prev = previousStop(s);
      if (prev !== null) s.send({ type: 'tour', stop: prev });
    },
    button: false,
  },
  {
    id: 'jump-start',
    label: 'Jump to start',
    keys: ['Home'],
    keyTest: plain('Home'),
    enabled: (s) => loaded(s) && (s.frame?.step ?? 0) > 0,
    run: (s) => s.send({ type: 'jump', to: 'start' }),
    button: true,
  },
  {
    id: 'step-back',
    label: 'Step back',
    keys: ['←', 'PageUp'],
    // PageUp/PageDown: what presenter remotes send.
    keyTest: (e) => plain('ArrowLeft')(e) || plain('PageUp')(e),
    enabled: (s) => loaded(s) && (s.frame?.step ?? 0) > 0,
    run: (s) => s.send({ type: 'step', unit: s.unit, direction: -1 }),
    button: true,
  },
  {
    id: 'play',
    label: 'Play',
    keys: ['Space'],
    keyTest: plain(' '),
    enabled: (s) => loaded(s) && !playing(s),
    run: (s) => s.send({ type: 'play', unit: s.unit }),
    button: true,
  },
  {
    id: 'pause',
    label: 'Pause',
    keys: ['Space'],
    keyTest: plain(' '),
    enabled: (s) => playing(s),
    run: (s) => s.send({ type: 'pause' }),
    button: true,
  },
  {
    id: 'step-forward',
    label: 'Step forward',
    keys: ['→', 'PageDown'],
    keyTest: (e) => plain('ArrowRight')(e) || plain('PageDown')(e),
    enabled: loaded,
    run: (s) => s.send({ type: 'step', unit: s.unit, direction: 1 }),
    button: true,
  },
  {
    id: 'jump-end',
    label: 'Jump to end',
    keys: ['End'],
    keyTest: plain('End'),
    enabled: loaded,
    run: (s) => s.send({ type: 'jump', to: 'end' }),
    button: true,
  },
  {
    id: 'slower',
    label: 'Slower',
    keys: ['-'],
    keyTest: plain('-'),
    enabled: (s) => loaded(s) && (s.frame?.speed ?? 0) > 0,
    run: (s) => s.send({ type: 'speed', index: (s.frame?.speed ?? 0) - 1 }),
    button: false,
  },
  {
    id: 'faster',
    label: 'Faster',
    keys: ['+'],
    keyTest: (e) => (e.key === '+' || e.key === '=') && !e.ctrlKey && !e.metaKey && !e.altKey,
    enabled: (s) => loaded(s) && (s.frame?.speed ?? 0) < SPEEDS.length - 1,
    run: (s) => s.send({ type: 'speed', index: (s.frame?.speed ?? 0) + 1 }),
    button: false,
  },
  ...UNITS.map(
    (u): AppCommand => ({
      id: `unit-${u.unit}`,
      label: `Step by ${u.label}`,
      keys: [u.key],
      keyTest: plain(u.key),
      enabled: () => true,
      run: (s) => s.setUnit(u.unit),
      button: false,
    }),
  ),
  {
    id: 'pin',
    label: 'Pin or unpin the selected task\'s lane',
    keys: ['p'],
    keyTest: plain('p'),
    enabled: (s) => s.frame?.selected != null,
    run: (s) => {
      const t = s.frame?.selected?.task;
      if (t !== undefined) s.send({ type: 'pin', task: t, on: !(s.frame?.lanes.pinned.includes(t) ?? false) });
    },
    button: false,
  },
  {
    id: 'timeline-axis',
    label: 'Timeline axis: simulated time or event #',
    keys: ['x'],
    keyTest: plain('x'),
    enabled: loaded,
    run: (s) => s.setTimelineAxis(chosenAxis(s) === 'time' ? 'event' : 'time'),
    button: false,
  },
  {
    id: 'demos',
    label: 'Teaching demos',
    keys: ['d'],
    keyTest: plain('d'),
    enabled: () => true,
    run: (s) => s.setGalleryOpen(!s.galleryOpen),
    button: false,
  },
  {
    id: 'help',
    label: 'Keyboard shortcuts',
    keys: ['?'],
    keyTest: plain('?'),
    enabled: () => true,
    run: (s) => s.setHelpOpen(!s.helpOpen),
    button: false,
  },
];

export const command = (id: string): AppCommand => {
  const c = COMMANDS.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no command ${id}`);
  return c;
};

/** Key presses in text fields belong to the field, not to the app. */
export function isTyping(target: EventTarget | null): boolean {
  if (target === null || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Space and Enter on a button, link or menu item press it: they are not shortcuts there. */
export function isPressable(target: EventTarget | null): boolean {
  if (target === null || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const role = el.getAttribute('role') ?? '';
  return ['BUTTON', 'A', 'SUMMARY'].includes(el.tagName) || ['button', 'menuitem', 'link', 'checkbox', 'tab', 'option'].includes(role);
}

/** The command a key press runs, if any. */
export function commandForKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>, s: AppState): AppCommand | undefined {
  // Escape stops a long computation even from a text field (the command just run from it, say).
  if (isTyping(e.target)) return e.key === 'Escape' ? COMMANDS.find((c) => c.id === 'cancel-compute' && c.keyTest(e) && c.enabled(s)) : undefined;
  if ((e.key === ' ' || e.key === 'Enter') && isPressable(e.target)) return undefined;
  return COMMANDS.find((c) => c.keyTest(e) && c.enabled(s));
}

/** The speeds' labels, formatted once: the transport shows one at every step, and number formatting is not free. */
const SPEED_LABELS = SPEEDS.map((v) => (v === Infinity ? 'max' : `${enNumber(v)}/s`));

export const speedLabel = (index: number): string => SPEED_LABELS[index] ?? `speed ${index}`; // not a step of the speed slider
