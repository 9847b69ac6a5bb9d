// What the grid's colours, shapes, ring and markers mean, in words.
import { RingSwatch, RunGlyph, StateSwatch } from './Swatch.tsx';

/** How much a cell shows at the current size: everything, no run markers, or only the colour. */
export type Detail = 'full' | 'no-markers' | 'colour';

export function Legend(props: { readonly detail: Detail }) {
  return (
    <div className="tg-legend">
      <ul aria-label="Legend: patch state">
        <li>
          <StateSwatch state={-1} /> undefined <span className="tg-how">(hollow)</span>
        </li>
        <li>
          <StateSwatch state={0} /> unpatched <span className="tg-how">(hatched)</span>
        </li>
        <li>
          <StateSwatch state={1} /> patched <span className="tg-how">(solid)</span>
        </li>
      </ul>
      <ul aria-label="Legend: pending flag and run state">
        <li>
          <RingSwatch /> ring: <span className="mono">TIF_PATCH_PENDING</span>
        </li>
        <li>
          <RunGlyph run={1} /> running
        </li>
        <li>
          <RunGlyph run={2} /> runnable
        </li>
        <li>
          <RunGlyph run={3} /> sleeping
        </li>
        <li>
          <RunGlyph run={0} /> in user space
        </li>
      </ul>
      {props.detail !== 'full' && (
        <p className="tg-note">
          {props.detail === 'colour' ? 'Cells this small show only the colour' : 'Cells this small hide the markers'}: hover one for its details.
        </p>
      )}
    </div>
  );
}
