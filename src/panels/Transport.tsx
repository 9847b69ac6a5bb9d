// The transport bar: buttons from the command registry, the step unit, the
// speed, and where we are.
import { COMMANDS, speedLabel, UNITS } from '../app/commands.ts';
import { useShallow } from 'zustand/shallow';
import { useApp, useAppStore } from '../app/store.ts';
import type { AppState } from '../app/store.ts';
import { SPEEDS } from '../worker/protocol.ts';
import { NotRealKernel } from './search/SearchDialog.tsx';
import type { StepUnit } from '../worker/protocol.ts';
import { enNumber } from '../sim/format.ts';

/** Drawn, so no font needs the glyphs. */
const ICONS: Record<string, string> = {
  'jump-start': 'M3 2h2v12H3zM14 2v12L6 8z',
  'step-back': 'M2 2h2v12H2zM14 2v12L6 8z',
  play: 'M4 2v12l10-6z',
  pause: 'M3 2h4v12H3zM9 2h4v12H9z',
  'step-forward': 'M2 2v12l8-6zM12 2h2v12h-2z',
  'jump-end': 'M11 2h2v12h-2zM2 2v12l8-6z',
};

function Icon(props: { readonly d: string | undefined }) {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d={props.d} fill="currentColor" />
    </svg>
  );
}

/** The transport's buttons, in order. */
const BUTTONS = COMMANDS.filter((c) => c.button);

/** A button of the bar: hidden (Play while playing, Pause while not), enabled or disabled. */
type ButtonState = 'hidden' | 'enabled' | 'disabled';

/** Each button's state, in order: compared item by item (useShallow), a step that changes none does not render the bar again. */
function buttonStates(s: AppState): ButtonState[] {
  const playing = s.frame?.playing === true;
  return BUTTONS.map((c) => ((c.id === 'play' && playing) || (c.id === 'pause' && !playing) ? 'hidden' : c.enabled(s) ? 'enabled' : 'disabled'));
}

export function Transport() {
  const store = useAppStore();
  const states = useApp(useShallow(buttonStates));
  const unit = useApp((s) => s.unit);
  const setUnit = useApp((s) => s.setUnit);
  const speed = useApp((s) => s.frame?.speed ?? 0);
  const send = useApp((s) => s.send);
  const setHelpOpen = useApp((s) => s.setHelpOpen);
  return (
    <div className="transport" role="toolbar" aria-label="Time controls">
      {BUTTONS.map((c, i) =>
        states[i] === 'hidden' ? null : (
          <button key={c.id} type="button" aria-label={c.label} title={`${c.label} (${c.keys.join(', ')})`} disabled={states[i] !== 'enabled'} onClick={() => c.run(store.getState())}>
            <Icon d={ICONS[c.id]} />
          </button>
        ),
      )}
      <label className="field">
        <span>Step by</span>
        <select value={unit} onChange={(e) => setUnit(e.target.value as StepUnit)}>
          {UNITS.map((u) => (
            <option key={u.unit} value={u.unit}>
              {u.label} ({u.key})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Speed</span>
        <input type="range" min={0} max={SPEEDS.length - 1} value={String(speed)} aria-valuetext={speedLabel(speed)} onChange={(e) => send({ type: 'speed', index: Number(e.target.value) })} />
        <output>{speedLabel(speed)}</output>
      </label>
      <NotRealKernel />
      <Where />
      <button type="button" className="help-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setHelpOpen(true)}>
        ?
      </button>
    </div>
  );
}

/** Where the view is: the step (of the end, once known) and the simulated time. The one part of the bar each step changes. */
function Where() {
  const text = useApp((s) => {
    const f = s.frame;
    return f ? `step ${enNumber(f.step)}${f.end !== null ? ` / ${enNumber(f.end)}` : ''} · ${(f.time / 1e6).toFixed(6)} s` : 'loading…';
  });
  const playing = useApp((s) => s.frame?.playing === true);
  return (
    <span className="where" aria-live={playing ? 'off' : 'polite'}>
      {text}
    </span>
  );
}
