// Pieces of the timeline that only draw: the fill patterns, the legend, the
// axes and a lane of milestone marks. The Timeline composes them.
import { memo } from 'react';
import type { KeyboardEvent } from 'react';
import type { ScaleLinear } from 'd3';
import type { Layout, PlacedMark, StateKey } from './scales.ts';
import { isGivenUp, labelWidth, MARK_STYLES, markLabel, markPath, markShortLabel, markTitle } from './marks.ts';
import type { MilestoneKind } from '../../worker/protocol.ts';
import { countTicks, STATE_KEYS } from './scales.ts';
import { AXIS_KINDS, AXIS_TITLE, AXIS_WORDS } from './axis.ts';
import type { AxisKind } from './axis.ts';
import { SVG_TAB_STOP } from '../svgFocus.ts';
import { enNumber } from '../../sim/format.ts';

/** Pattern ids for the three states, unique per timeline. */
export type Fills = Readonly<Record<StateKey, string>>;

export function fillIds(prefix: string): Fills {
  const p = prefix.replace(/[^a-zA-Z0-9_-]/g, '');
  return { patched: `${p}-patched`, unpatched: `${p}-unpatched`, undefined: `${p}-undefined` };
}

/** Colour is never the only cue: patched is solid, unpatched hatched, undefined dotted. */
function FillPatternsParts(props: { readonly ids: Fills }) {
  return (
    <>
      <pattern id={props.ids.patched} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect className="tl-fill-patched" width="6" height="6" />
      </pattern>
      <pattern id={props.ids.unpatched} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect className="tl-fill-unpatched-bg" width="6" height="6" />
        <line className="tl-fill-unpatched-line" x1="1.5" y1="0" x2="1.5" y2="6" />
      </pattern>
      <pattern id={props.ids.undefined} width="5" height="5" patternUnits="userSpaceOnUse">
        <rect className="tl-fill-undefined-bg" width="5" height="5" />
        <circle className="tl-fill-undefined-dot" cx="2.5" cy="2.5" r="1.1" />
      </pattern>
    </>
  );
}

const STATE_WORDS: Readonly<Record<StateKey, string>> = {
  patched: 'patched',
  unpatched: 'unpatched',
  undefined: 'undefined',
};

/** Said after a word where there is room (a narrow timeline drops it). */
const Note = (props: { readonly children: string }) => <span className="tl-legend-note"> {props.children}</span>;

function Swatch(props: { readonly fill: string }) {
  return (
    <svg className="tl-swatch" width="14" height="12" aria-hidden="true" focusable="false">
      <rect x="0.5" y="0.5" width="13" height="11" fill={`url(#${props.fill})`} className="tl-swatch-box" />
    </svg>
  );
}

function LineSwatch(props: { readonly className: string }) {
  return (
    <svg className="tl-swatch" width="16" height="12" aria-hidden="true" focusable="false">
      <line className={props.className} x1="0" y1="6" x2="16" y2="6" />
    </svg>
  );
}

function LegendParts(props: { readonly ids: Fills }) {
  return (
    <ul className="tl-legend" aria-label="Legend">
      {STATE_KEYS.map((k) => (
        <li key={k}>
          <Swatch fill={props.ids[k]} />
          {STATE_WORDS[k]}
          {k === 'undefined' && <Note>(no transition)</Note>}
        </li>
      ))}
      <li>
        <LineSwatch className="tl-pending" />
        pending<Note>(TIF_PATCH_PENDING)</Note>
      </li>
      <li>
        <LineSwatch className="tl-now" />
        now
      </li>
    </ul>
  );
}

/** What each milestone glyph means, behind a disclosure so the header stays one line. */
function MarksLegendParts() {
  return (
    <details className="tl-marks">
      <summary>Marks</summary>
      <ul aria-label="Milestone marks">
        {(Object.keys(MARK_STYLES) as MilestoneKind[]).map((kind) => (
          <li key={kind}>
            <svg width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true" focusable="false">
              <g className={`tl-mark-${kind}`}>
                <path className="tl-mark-glyph" d={markPath(kind)} />
              </g>
            </svg>
            {MARK_STYLES[kind].words}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A count on the tasks axis, short enough to clear the axis's name (200,129 reads 200.1K). */
export const countLabel = (v: number): string => (v >= 100_000 ? new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(v) : enNumber(v));

function CountAxisParts(props: { readonly y: ScaleLinear<number, number>; readonly l: Layout }) {
  const { y, l } = props;
  return (
    <g className="tl-axis" aria-hidden="true">
      {countTicks(y).map((v) => (
        <g key={v} transform={`translate(${l.plotLeft},${y(v)})`}>
          <line className="tl-tick" x1={-4} x2={0} />
          <text x={-7} dy="0.32em" textAnchor="end">
            {countLabel(v)}
          </text>
        </g>
      ))}
      <text className="tl-axis-name" x={8} y={(l.areaTop + l.areaBottom) / 2} dy="0.32em">
        Tasks
      </text>
      <text className="tl-axis-name" x={8} y={l.milestoneY} dy="0.32em">
        Milestones
      </text>
      <text className="tl-axis-name" x={8} y={l.violationY} dy="0.32em">
        Violations
      </text>
    </g>
  );
}

function TimeAxisParts(props: { readonly ticks: readonly { readonly value: number; readonly label: string }[]; readonly x: (s: number) => number; readonly l: Layout; readonly title: string }) {
  const { l } = props;
  const visible = props.ticks.filter((t) => {
    const px = props.x(t.value);
    return px >= l.plotLeft - 0.5 && px <= l.plotRight + 0.5;
  });
  return (
    <g className="tl-axis" aria-hidden="true">
      <text className="tl-axis-title" data-testid="timeline-axis-title" x={(l.plotLeft + l.plotRight) / 2} y={l.titleY} textAnchor="middle">
        {props.title}
      </text>
      <line className="tl-domain" x1={l.plotLeft} x2={l.plotRight} y1={l.axisY} y2={l.axisY} />
      {visible.map((t) => {
        const px = props.x(t.value);
        return (
          <g key={t.value}>
            <line className="tl-grid" x1={px} x2={px} y1={l.areaTop} y2={l.plotBottom} />
            <line className="tl-tick" x1={px} x2={px} y1={l.axisY} y2={l.axisY + 4} />
            <text x={px} y={l.axisY + 6} dy="0.71em" textAnchor={px > l.plotRight - 30 ? 'end' : 'middle'}>
              {t.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** A lane of marks, each a focusable button that seeks to its step. */
export function MarkLane(props: {
  readonly placed: readonly PlacedMark[];
  readonly y: number;
  readonly l: Layout;
  readonly step: number;
  readonly onSeek: (step: number) => void;
  /** Said in the lane while it has no marks. */
  readonly empty?: string;
}) {
  const { l } = props;
  const onKey = (e: KeyboardEvent, step: number) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    // Space would otherwise also reach the app's Play shortcut.
    e.preventDefault();
    e.stopPropagation();
    props.onSeek(step);
  };
  return (
    <g className="tl-lane">
      <line className="tl-lane-base" x1={l.plotLeft} x2={l.plotRight} y1={props.y} y2={props.y} />
      {props.placed.length === 0 && props.empty !== undefined && (
        <text className="tl-lane-empty" x={l.plotLeft + 6} y={props.y} dy="0.32em">
          {props.empty}
        </text>
      )}
      {props.placed.map((p, i) => {
        if (p.x < l.plotLeft - 6 || p.x > l.plotRight + 6) return null;
        const m = p.milestone;
        // A short label to the right, if it fits before the next mark and the plot's end.
        const short = markShortLabel(m);
        const room = Math.min(props.placed[i + 1]?.x ?? Infinity, l.plotRight + 12) - p.x - 14;
        const label = short !== '' && labelWidth(short) <= room ? short : null;
        const cls = ['tl-mark', `tl-mark-${m.kind}`];
        if (isGivenUp(m)) cls.push('tl-mark-givenup');
        if (m.step > props.step) cls.push('tl-mark-future');
        if (m.step === props.step) cls.push('tl-mark-current');
        return (
          <g
            key={i}
            className={cls.join(' ')}
            transform={`translate(${p.x},${props.y})`}
            role="button"
            {...SVG_TAB_STOP}
            aria-label={markLabel(m)}
            onClick={() => props.onSeek(m.step)}
            onKeyDown={(e) => onKey(e, m.step)}
          >
            <title>{markTitle(m)}</title>
            <rect className="tl-mark-hit" x={-6} y={-9} width={12} height={18} rx={3} />
            <path className="tl-mark-glyph" d={markPath(m.kind)} />
            {label !== null && (
              <text className="tl-mark-label" x={8} dy="0.32em">
                {label}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}

/** Simulated time or event #: two buttons, one pressed; `x` toggles them from anywhere. */
function AxisToggleParts(props: { readonly axis: AxisKind; readonly onChoose: (axis: AxisKind) => void }) {
  return (
    <div className="tl-axis-toggle" role="group" aria-label="Timeline axis" title="Timeline axis: simulated time or the events in order (x)">
      {AXIS_KINDS.map((k) => (
        <button key={k} type="button" className="tl-btn" aria-pressed={props.axis === k} aria-keyshortcuts="x" aria-label={AXIS_TITLE[k]} onClick={() => props.onChoose(k)}>
          {AXIS_WORDS[k]}
        </button>
      ))}
    </div>
  );
}

/** The first pass framed, or the whole run: a pair of buttons, the one shown pressed. */
function FramingToggleParts(props: { readonly framed: boolean; readonly onChoose: (framed: boolean) => void }) {
  return (
    <div className="tl-axis-toggle" role="group" aria-label="Timeline view" title="The first pass of the transition, drawn across the plot, or the whole run">
      <button type="button" className="tl-btn" aria-pressed={props.framed} onClick={() => props.onChoose(true)}>
        First pass
      </button>
      <button type="button" className="tl-btn" aria-pressed={!props.framed} onClick={() => props.onChoose(false)}>
        Whole run
      </button>
    </div>
  );
}

// Memoised: the timeline renders again at every step (its now line moves), these only when what they draw changes.
export const FillPatterns = memo(FillPatternsParts);
export const Legend = memo(LegendParts);
export const MarksLegend = memo(MarksLegendParts);
export const CountAxis = memo(CountAxisParts);
export const TimeAxis = memo(TimeAxisParts);
export const AxisToggle = memo(AxisToggleParts);
export const FramingToggle = memo(FramingToggleParts);
