// The transport bar: buttons from the command registry, the step unit, the
// speed, and where we are.
import { COMMANDS, speedLabel, UNITS } from '../app/commands.ts';
import { useApp, useAppStore } from '../app/store.ts';
import { SPEEDS } from '../worker/protocol.ts';
import { NotRealKernel } from './search/SearchDialog.tsx';
import type { StepUnit } from '../worker/protocol.ts';

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

export function Transport() {
  const store = useAppStore();
  const state = useApp((s) => s);
  const f = state.frame;
  return (
    <div className="transport" role="toolbar" aria-label="Time controls">
      {COMMANDS.filter((c) => c.button && (c.id !== 'play' || !f?.playing) && (c.id !== 'pause' || f?.playing)).map((c) => (
        <button key={c.id} type="button" aria-label={c.label} title={`${c.label} (${c.keys.join(', ')})`} disabled={!c.enabled(state)} onClick={() => c.run(store.getState())}>
          <Icon d={ICONS[c.id]} />
        </button>
      ))}
      <label className="field">
        <span>Step by</span>
        <select value={state.unit} onChange={(e) => state.setUnit(e.target.value as StepUnit)}>
          {UNITS.map((u) => (
            <option key={u.unit} value={u.unit}>
              {u.label} ({u.key})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Speed</span>
        <input
          type="range"
          min={0}
          max={SPEEDS.length - 1}
          value={f?.speed ?? 0}
          aria-valuetext={speedLabel(f?.speed ?? 0)}
          onChange={(e) => state.send({ type: 'speed', index: Number(e.target.value) })}
        />
        <output>{speedLabel(f?.speed ?? 0)}</output>
      </label>
      <NotRealKernel />
      <span className="where" aria-live={f?.playing ? 'off' : 'polite'}>
        {f ? `step ${f.step.toLocaleString('en')}${f.end !== null ? ` / ${f.end.toLocaleString('en')}` : ''} · ${(f.time / 1e6).toFixed(6)} s` : 'loading…'}
      </span>
      <button type="button" className="help-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => state.setHelpOpen(true)}>
        ?
      </button>
    </div>
  );
}
