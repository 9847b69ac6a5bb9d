// The grid's cues as small SVGs for the DOM (legend, CPUs panel): the same
// shapes the canvas draws, coloured by the same theme variables (see
// taskgrid.css), so a swatch reads the same in colour and in greyscale.
import { hatchSegments } from './draw.ts';
import { patchStateName } from '../../sim/names.ts';

const HATCH = hatchSegments(10)
  .map(([a, b, c, d]) => `M${3 + a} ${3 + b}L${3 + c} ${3 + d}`)
  .join('');

/** A cell: hollow (undefined), hatched (unpatched) or solid (patched), ringed when TIF_PATCH_PENDING is set. */
export function StateSwatch(props: { readonly state: number; readonly pending?: boolean; readonly size?: number }) {
  const size = props.size ?? 16;
  return (
    <svg className={`sw sw-${patchStateName(props.state)}`} width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {props.state === 1 ? (
        <rect className="sw-solid" x={3} y={3} width={10} height={10} />
      ) : (
        <>
          <rect className="sw-body" x={3.75} y={3.75} width={8.5} height={8.5} />
          {props.state === 0 && <path className="sw-hatch" d={HATCH} />}
        </>
      )}
      {props.pending === true && <rect className="sw-ring" x={1} y={1} width={14} height={14} />}
    </svg>
  );
}

/** Only the ring, for the legend. */
export function RingSwatch(props: { readonly size?: number }) {
  const size = props.size ?? 16;
  return (
    <svg className="sw" width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect className="sw-ring" x={1} y={1} width={14} height={14} />
    </svg>
  );
}

/** The run-state markers the canvas draws in a cell's corner. RunState: 0 user, 1 running, 2 runnable, 3 sleeping. */
export function RunGlyph(props: { readonly run: number; readonly size?: number }) {
  const size = props.size ?? 12;
  const shape = (() => {
    switch (props.run) {
      case 0:
        return <path className="gl-fill" d="M5 1.2L9.2 8.6H0.8z" />;
      case 1:
        return <circle className="gl-fill" cx={5} cy={5} r={3.4} />;
      case 2:
        return <circle className="gl-line" cx={5} cy={5} r={3.1} />;
      case 3:
        return <rect className="gl-fill" x={1} y={3.7} width={8} height={2.6} />;
      default:
        return null;
    }
  })();
  return (
    <svg className="gl" width={size} height={size} viewBox="0 0 10 10" aria-hidden="true" focusable="false">
      {shape}
    </svg>
  );
}
