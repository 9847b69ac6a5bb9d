// The timeline: tasks by patch state as a stacked area, lanes of milestones
// and of violations below it, the current point as a line, across simulated
// time or across the events in trace order (the axis toggle, `x`; the event
// axis is the default where most of the story happens at one instant). Drag
// on the plot to scrub (to the very event on the event axis); Shift + drag
// pans and Ctrl + wheel zooms (d3-zoom, wrapped in a controller loaded after
// the first frame: the first frame does not need it); marks are buttons that
// seek to their step. d3 computes scales and shapes; React renders every
// element.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import type { ZoomTransform } from 'd3';
import { useApp } from '../app/store.ts';
import type { ScenarioMeta } from '../worker/protocol.ts';
import { Panel } from './Panel.tsx';
import { isFault } from './timeline/marks.ts';
import { nearestStep, scrubPoints } from './timeline/nearest.ts';
import { ComputeProgress } from './timeline/ComputeProgress.tsx';
import { AxisToggle, CountAxis, FramingToggle, FillPatterns, Legend, MarkLane, MarksLegend, TimeAxis, fillIds } from './timeline/parts.tsx';
import { AXIS_PHRASE, AXIS_TITLE, axisMaxZoom, axisScale, axisTicks, axisValue, stepAt } from './timeline/axis.ts';
import type { TracePoint } from './timeline/axis.ts';
import { chosenAxis } from './timeline/chosen.ts';
import { DEFAULT_WIDTH, areaPath, countScale, decimate, heldSamples, layout, pendingPath, placeMarks, stackSamples, traceEndTime } from './timeline/scales.ts';
import type { Px } from './timeline/scales.ts';
import { frameThrottle } from './timeline/throttle.ts';
import { Lanes } from './timeline/lanes/Lanes.tsx';
import type { ZoomController } from './timeline/zoom.ts';
import { useElementSize } from './timeline/useElementSize.ts';
import { useShortWindow } from './timeline/useShortWindow.ts';
import { useFocus, windowMaxZoom, windowScale } from './timeline/focus.ts';
import { enNumber } from '../sim/format.ts';
import './timeline.css';

/** Marks closer than this (px) are set apart. */
const MARK_GAP = 11;
const ZOOM_STEP = 2;

interface KnownEnd {
  readonly meta: ScenarioMeta | null;
  readonly step: number;
  readonly time: number;
}

/**
 * The step and time at the end of the computed trace, as last seen when the
 * frame was there: after a step back the frame's own time is earlier.
 */
function useKnownEnd(frame: FramePoint | null, meta: ScenarioMeta | null): { readonly step: number; readonly time: number } | null {
  const [known, setKnown] = useState<KnownEnd | null>(null);
  if (frame !== null && frame.step === frame.computed && (known === null || known.meta !== meta || known.step !== frame.step || known.time !== frame.time)) {
    // Derived state, adjusted while rendering (no effect, no extra paint).
    setKnown({ meta, step: frame.step, time: frame.time });
  }
  if (known === null || known.meta !== meta || frame === null || known.step > frame.computed) return null;
  return known;
}

/** What the timeline reads of the frame: where the view is and how far the run is computed. */
interface FramePoint {
  readonly step: number;
  readonly time: number;
  readonly computed: number;
}

/** The frame's fields the timeline reads, each selected on its own: a step re-renders the plot only for what it moved. */
function useFramePoint(): FramePoint | null {
  const loaded = useApp((s) => s.frame !== null);
  const step = useApp((s) => s.frame?.step ?? 0);
  const time = useApp((s) => s.frame?.time ?? 0);
  const computed = useApp((s) => s.frame?.computed ?? 0);
  return useMemo(() => (loaded ? { step, time, computed } : null), [loaded, step, time, computed]);
}

export function Timeline() {
  const frame = useFramePoint();
  const meta = useApp((s) => s.meta);
  const live = useApp((s) => s.frame?.globals.counts.live ?? 0);
  const limit = useApp((s) => s.frame?.limit ?? null);
  const samples = useApp((s) => s.samples).toArray();
  const milestones = useApp((s) => s.milestones).toArray();
  const cpuRuns = useApp((s) => s.cpuRuns)?.toArray() ?? null;
  const lastLogTime = useApp((s) => s.log.at(-1)?.time ?? 0);
  const send = useApp((s) => s.send);
  const axis = useApp(chosenAxis);
  const chooseAxis = useApp((s) => s.setTimelineAxis);

  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const { width } = useElementSize(wrapRef, { width: DEFAULT_WIDTH, height: 0 });
  const compact = useShortWindow();
  const l = useMemo(() => layout(width, compact), [width, compact]);
  const uid = useId();
  const ids = useMemo(() => fillIds(uid), [uid]);
  const clipId = `${ids.patched}-clip`;

  const step = frame?.step ?? 0;
  const now = frame?.time ?? 0;
  const known = useKnownEnd(frame, meta);
  const endUs = traceEndTime(samples, milestones, now, lastLogTime, known?.time ?? 0);
  const endStep = Math.max(frame?.computed ?? 0, known?.step ?? 0, step);
  const end: TracePoint = useMemo(() => ({ step: endStep, time: endUs }), [endStep, endUs]);

  // Zoom: d3-zoom owns the gesture, React the transform it reports (null: not zoomed yet).
  const [transform, setTransform] = useState<ZoomTransform | null>(null);
  const [zoomReady, setZoomReady] = useState(false);
  const zoomRef = useRef<ZoomController | null>(null);
  useEffect(() => {
    const svg = svgRef.current;
    if (svg === null) return;
    let c: ZoomController | null = null;
    let gone = false;
    void import('./timeline/zoom.ts').then(({ createZoomController }) => {
      if (gone) return;
      c = createZoomController(svg, setTransform);
      zoomRef.current = c;
      setZoomReady(true);
    });
    return () => {
      gone = true;
      c?.destroy();
      zoomRef.current = null;
      setZoomReady(false);
    };
  }, []);
  // The first pass framed (focus.ts), or the whole run.
  const focus = useFocus(meta, axis, milestones, end, step);
  const framed = focus.window;
  // A zoom window of one axis (or framing) means nothing on the other: a new axis or framing starts unzoomed.
  const framing = framed === null ? 'whole' : `${framed.lo}-${framed.hi}`;
  useEffect(() => {
    zoomRef.current?.reset();
  }, [axis, framing]);
  const maxScale = framed === null ? axisMaxZoom(axis, end) : windowMaxZoom(framed);
  useEffect(() => {
    if (!zoomReady) return;
    zoomRef.current?.update({
      extent: [
        [l.plotLeft, l.areaTop],
        [l.plotRight, l.plotBottom],
      ],
      maxScale,
    });
  }, [l, maxScale, zoomReady]);

  const x0 = useMemo(() => (framed === null ? axisScale(axis, end, l.plotLeft, l.plotRight) : windowScale(framed, l.plotLeft, l.plotRight)), [axis, end, l, framed]);
  const x = useMemo(() => (transform === null ? x0 : transform.rescaleX(x0)), [transform, x0]);
  const px: Px = useCallback((p: TracePoint) => x(axisValue(axis, p)), [x, axis]);
  const y = useMemo(() => countScale(samples, l, live), [samples, l, live]);
  const held = useMemo(() => heldSamples(samples, end), [samples, end]);
  const shown = useMemo(() => decimate(held, px, l.plotLeft, l.plotRight), [held, px, l]);
  const areas = useMemo(() => stackSamples(shown).map((s) => ({ key: s.key, d: areaPath(s, px, y) })), [shown, px, y]);
  const pending = useMemo(() => pendingPath(shown, px, y), [shown, px, y]);
  const ticks = useMemo(() => axisTicks(axis, x, l.plotRight - l.plotLeft, end), [axis, x, l, end]);
  const placed = useMemo(() => {
    const plain = milestones.filter((m) => !isFault(m));
    const faults = milestones.filter(isFault);
    return { plain: placeMarks(plain, px, MARK_GAP, undefined, l.plotRight), faults: placeMarks(faults, px, MARK_GAP, undefined, l.plotRight) };
  }, [milestones, px, l]);
  const points = useMemo(() => (axis === 'time' ? scrubPoints(samples, milestones, [...(cpuRuns ?? []), ...(known !== null ? [known] : [])]) : []), [axis, samples, milestones, cpuRuns, known]);

  // Scrubbing: a plain drag seeks, one request per frame: on the event axis to
  // the event under the pointer, on the time axis to the nearest step whose
  // time is known (a sample, a milestone, a task switch on a CPU).
  const seek = useMemo(() => frameThrottle<number>((s) => send({ type: 'seek', step: s })), [send]);
  useEffect(() => () => seek.cancel(), [seek]);
  const dragging = useRef(false);
  const scrubTo = (clientX: number) => {
    const svg = svgRef.current;
    if (svg === null) return;
    const at = clientX - svg.getBoundingClientRect().left;
    if (axis === 'event') {
      seek.push(stepAt(x, at, endStep));
      return;
    }
    const us = Math.min(Math.max(x.invert(at) * 1e6, 0), endUs);
    const target = nearestStep(points, us);
    if (target !== null) seek.push(target);
  };
  const onPointerDown = (e: ReactPointerEvent<SVGRectElement>) => {
    if (e.button !== 0 || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey || frame === null) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    dragging.current = true;
    seek.reset();
    scrubTo(e.clientX);
  };
  const onPointerMove = (e: ReactPointerEvent<SVGRectElement>) => {
    if (dragging.current) scrubTo(e.clientX);
  };
  const onPointerEnd = () => {
    dragging.current = false;
  };
  const jump = (s: number) => send({ type: 'seek', step: s });

  const clamp = (px: number) => Math.min(Math.max(px, l.plotLeft), l.plotRight);
  const nowX = px({ step, time: now });
  const futureFrom = clamp(nowX);
  const futureTo = clamp(px(end));
  const k = transform?.k ?? 1;
  const zoomed = k > 1;
  const zoomAt = nowX >= l.plotLeft && nowX <= l.plotRight ? nowX : undefined;

  let note: string | null = null;
  if (frame === null) note = 'Loading…';
  else if (endStep === 0) note = 'Nothing computed yet: step forward or play.';
  else if (endUs === 0 && axis === 'time') note = `All ${enNumber(endStep)} computed events so far happened at 0 s: the event axis (x) draws them apart.`;
  const title = axis === 'event' && endUs === 0 && endStep > 0 ? `${AXIS_TITLE.event} (all at 0 s of simulated time)` : AXIS_TITLE[axis];

  const tools = (
    <div className="tl-tools">
      <Legend ids={ids} />
      <MarksLegend />
      <AxisToggle axis={axis} onChoose={chooseAxis} />
      {focus.offered && <FramingToggle framed={framed !== null} onChoose={focus.choose} />}
      <span className="tl-hint">Drag to scrub · Shift+drag pans · Ctrl+wheel zooms</span>
      <div className="tl-zoom" role="group" aria-label="Zoom">
        <button type="button" className="tl-btn" aria-label="Zoom in" title="Zoom in" disabled={!zoomReady || k >= maxScale} onClick={() => zoomRef.current?.scaleBy(ZOOM_STEP, zoomAt)}>
          +
        </button>
        <button type="button" className="tl-btn" aria-label="Zoom out" title="Zoom out" disabled={!zoomed} onClick={() => zoomRef.current?.scaleBy(1 / ZOOM_STEP, zoomAt)}>
          −
        </button>
        <button type="button" className="tl-btn" aria-label="Reset zoom" title="Reset zoom" disabled={!zoomed} onClick={() => zoomRef.current?.reset()}>
          Reset
        </button>
      </div>
    </div>
  );

  return (
    <Panel name="Timeline" className="timeline-panel" actions={tools}>
      {/* Over the plot's top right (where the run ends): the plot and its tick labels keep their place. */}
      <div className="tl-status">
        {limit !== null && (
          <p className="tl-limit" role="status">
            <span aria-hidden="true">⚠ </span>
            {limit}.
          </p>
        )}
        <ComputeProgress />
      </div>
      <div ref={wrapRef} className="tl-wrap">
        <div className="tl-stack" data-axis={axis} role="group" aria-label={`Tasks by patch state over ${AXIS_PHRASE[axis]}, with milestones and violations`}>
          {/* The plot and its axes, drawn again only when the run, the scale or the size change. */}
          <svg className="tl-svg" width={l.width} height={l.height} aria-hidden="true">
            <defs>
              <FillPatterns ids={ids} />
              <clipPath id={clipId}>
                <rect x={l.plotLeft} y={l.areaTop - 1} width={l.plotRight - l.plotLeft} height={l.areaBottom - l.areaTop + 2} />
              </clipPath>
            </defs>
            <TimeAxis ticks={ticks} x={x} l={l} title={title} />
            <g clipPath={`url(#${clipId})`} className="tl-plot">
              {areas.map((a) => (
                <path key={a.key} className={`tl-area tl-area-${a.key}`} d={a.d} fill={`url(#${ids[a.key]})`} />
              ))}
              <path className="tl-pending" d={pending} />
            </g>
            <CountAxis y={y} l={l} />
          </svg>
          {/* Over it, what the playhead moves and what takes the pointer: a layer of its own (timeline.css), so a step repaints it and not the plot. */}
          <svg ref={svgRef} className="tl-svg-top" width={l.width} height={l.height} role="none">
            <rect
              className="tl-scrub"
              data-testid="timeline-scrub"
              x={l.plotLeft}
              y={l.areaTop}
              width={l.plotRight - l.plotLeft}
              height={l.plotBottom - l.areaTop}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerEnd}
              onPointerCancel={onPointerEnd}
            >
              <title>Drag to scrub · Shift+drag pans · Ctrl+wheel zooms</title>
            </rect>
            {futureTo > futureFrom && <rect className="tl-future" x={futureFrom} y={l.areaTop} width={futureTo - futureFrom} height={l.plotBottom - l.areaTop} />}
            {note !== null && (
              <text className="tl-note" x={(l.plotLeft + l.plotRight) / 2} y={(l.areaTop + l.areaBottom) / 2} dy="0.32em" textAnchor="middle">
                {note}
              </text>
            )}
            <MarkLane placed={placed.plain} y={l.milestoneY} l={l} step={step} onSeek={jump} />
            <MarkLane placed={placed.faults} y={l.violationY} l={l} step={step} onSeek={jump} empty={frame !== null && endUs > 0 ? 'none so far' : undefined} />
            {frame !== null && nowX >= l.plotLeft - 0.5 && nowX <= l.plotRight + 0.5 && (
              <g className="tl-now-mark" transform={`translate(${nowX},0)`} aria-hidden="true">
                <line className="tl-now" x1={0} x2={0} y1={l.areaTop} y2={l.plotBottom} />
                <path className="tl-now-head" d={`M-4,${l.areaTop - 6}h8l-4,6z`} />
              </g>
            )}
          </svg>
        </div>
        <Lanes px={px} left={l.plotLeft} right={l.plotRight} width={l.width} end={end} step={step} now={now} onSeek={jump} />
      </div>
    </Panel>
  );
}
