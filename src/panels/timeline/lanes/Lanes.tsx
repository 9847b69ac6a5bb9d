// The timeline's lanes, below its stacked area and on its axis (simulated
// time or event #; they follow the axis chosen, zoom and pan): one per CPU, what runs on it and where it switches
// task; one per pinned task, its run state, patch_state, TIF_PATCH_PENDING,
// stack checks and its switch. Both groups collapse. A machine of 10,000
// tasks or more has no CPU lanes: only the pinned ones are drawn.
import { useCallback, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useApp } from '../../../app/store.ts';
import { CpuLanesCanvas } from './CpuLanesCanvas.tsx';
import { marksByTask, runsByCpu, taskLane } from './geometry.ts';
import type { Window } from './geometry.ts';
import { LANE_TASK_LIMIT } from '../../../worker/protocol.ts';
import type { TracePoint } from '../axis.ts';
import { SVG_TAB_STOP } from '../../svgFocus.ts';
import { enNumber } from '../../../sim/format.ts';
import './lanes.css';

export const LANE_H = 16;
const GAP = 4;

const NONE: readonly number[] = [];
const STATE_WORD: Readonly<Record<number, string>> = { [-1]: 'undefined', 0: 'unpatched', 1: 'patched' };

function onButtonKey(e: KeyboardEvent, run: () => void): void {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  // Space would otherwise also reach the app's Play shortcut.
  e.preventDefault();
  e.stopPropagation();
  run();
}

export interface LanesProps {
  /** A point of the trace to pixels: the timeline's axis, zoomed and panned. */
  readonly px: (p: TracePoint) => number;
  readonly left: number;
  readonly right: number;
  readonly width: number;
  /** The end of the computed trace. */
  readonly end: TracePoint;
  readonly step: number;
  readonly now: number;
  readonly onSeek: (step: number) => void;
}

export function Lanes(props: LanesProps) {
  const { px, left, right, width, end } = props;
  const loaded = useApp((s) => s.frame !== null);
  const pinned = useApp((s) => s.frame?.lanes.pinned ?? NONE);
  const ncpu = useApp((s) => s.frame?.cpus.length ?? 0);
  const kinds = useApp((s) => s.frame?.tasks.kind);
  const pids = useApp((s) => s.frame?.tasks.pid);
  const taskCount = useApp((s) => s.frame?.tasks.count ?? 0);
  const cpuRuns = useApp((s) => s.cpuRuns);
  const laneMarks = useApp((s) => s.laneMarks);
  const comms = useApp((s) => s.comms);
  const send = useApp((s) => s.send);
  const [cpusOpen, setCpusOpen] = useState(true);
  const [tasksOpen, setTasksOpen] = useState(true);

  const w: Window = useMemo(() => ({ px, left, right, end }), [px, left, right, end]);
  const byCpu = useMemo(() => (cpuRuns === null ? [] : runsByCpu(cpuRuns.toArray(), ncpu)), [cpuRuns, ncpu]);
  const byTask = useMemo(() => marksByTask(laneMarks.toArray()), [laneMarks]);
  const name = (t: number) => `${comms[t] ?? 'task'} (pid ${pids?.[t] ?? '?'})`;

  const showCpus = cpusOpen && cpuRuns !== null;
  const kindOf = useCallback((t: number) => kinds?.[t] ?? 3, [kinds]);
  const top = showCpus ? ncpu * (LANE_H + GAP) : 0;
  const taskShapes = useMemo(() => (tasksOpen ? pinned.map((t, i) => ({ task: t, shape: taskLane(byTask.get(t) ?? [], w, top + i * (LANE_H + GAP), LANE_H) })) : []), [tasksOpen, pinned, byTask, w, top]);
  const height = top + (tasksOpen ? pinned.length * (LANE_H + GAP) : 0);
  const nowX = px({ step: props.step, time: props.now });

  if (!loaded) return null;
  const tooMany = cpuRuns === null;
  return (
    <div className="lanes" data-testid="lanes">
      <div className="lanes-head">
        <button type="button" className="tl-btn lanes-toggle" aria-expanded={showCpus} disabled={tooMany} onClick={() => setCpusOpen(!cpusOpen)}>
          {cpusOpen && !tooMany ? '▾' : '▸'} CPU lanes ({ncpu})
        </button>
        <button type="button" className="tl-btn lanes-toggle" aria-expanded={tasksOpen} onClick={() => setTasksOpen(!tasksOpen)}>
          {tasksOpen ? '▾' : '▸'} Pinned tasks ({pinned.length})
        </button>
        <span className="tl-hint">
          {tooMany ? `${enNumber(taskCount)} tasks: only pinned lanes are drawn (CPU lanes under ${enNumber(LANE_TASK_LIMIT)} tasks). ` : ''}
          {pinned.length === 0 ? 'Pin a task from the task inspector or the grid (P) to see its lane.' : 'Each lane: patch_state on top, running/runnable/sleeping, pending flag below; ✕ a failed stack check, ◆ its switch.'}
        </span>
      </div>
      {height > 0 && (
        <div className="lanes-body" style={{ height }}>
        {showCpus && <CpuLanesCanvas runs={byCpu} kindOf={kindOf} comms={comms} w={w} width={width} laneH={LANE_H} gap={GAP} />}
        <svg className="lanes-svg" width={width} height={height} role="group" aria-label="Lanes of CPUs and pinned tasks">
          {showCpus &&
            byCpu.map((_, cpu) => (
              <g key={`c${cpu}`} className="lane lane-cpu" data-cpu={cpu}>
                <text className="lane-name" x={left - 6} y={cpu * (LANE_H + GAP) + LANE_H / 2} dy="0.32em" textAnchor="end">
                  CPU {cpu}
                </text>
              </g>
            ))}
          {taskShapes.map(({ task, shape }, i) => {
            const y = top + i * (LANE_H + GAP);
            return (
              <g key={`t${task}`} className="lane lane-task" data-task={task}>
                <g className="lane-unpin" role="button" {...SVG_TAB_STOP} aria-label={`Unpin ${name(task)}`} onClick={() => send({ type: 'pin', task, on: false })} onKeyDown={(e) => onButtonKey(e, () => send({ type: 'pin', task, on: false }))}>
                  <title>Unpin</title>
                  <rect className="lane-unpin-hit" x={2} y={y} width={14} height={LANE_H} rx={3} />
                  <path className="lane-unpin-glyph" d={`M5,${y + 4}l8,8M13,${y + 4}l-8,8`} />
                </g>
                <text className="lane-name" x={left - 6} y={y + LANE_H / 2} dy="0.32em" textAnchor="end">
                  {(comms[task] ?? '').slice(0, 8)} {pids?.[task]}
                </text>
                <rect className="lane-bg" x={left} y={y} width={right - left} height={LANE_H} />
                {Object.entries(shape.runs).map(([cls, d]) => (
                  <path key={cls} className={`lane-body lane-run-${cls}`} d={d} />
                ))}
                {Object.entries(shape.states).map(([cls, d]) => (
                  <path key={cls} className={`lane-state lane-state-${cls}`} d={d} />
                ))}
                <path className="lane-pending" d={shape.pending} />
                {shape.checks
                  .filter((c) => c.result === 'stalled')
                  .map((c, j) => (
                    <path key={j} className="lane-check-stalled" d={`M${c.x - 3},${y + 5}l6,6M${c.x + 3},${y + 5}l-6,6`}>
                      <title>{`step ${c.step}: stack check, cannot switch yet`}</title>
                    </path>
                  ))}
                {shape.switches.map((s) => (
                  <g
                    key={s.step}
                    className={`lane-switch${s.step > props.step ? ' lane-future' : ''}`}
                    role="button"
                    {...SVG_TAB_STOP}
                    data-step={s.step}
                    aria-label={`${name(task)} switches from ${STATE_WORD[s.from]} to ${STATE_WORD[s.to]} at step ${s.step}`}
                    transform={`translate(${s.x},${y + LANE_H / 2})`}
                    onClick={() => props.onSeek(s.step)}
                    onKeyDown={(e) => onButtonKey(e, () => props.onSeek(s.step))}
                  >
                    <title>{`step ${s.step}: switches to ${STATE_WORD[s.to]}`}</title>
                    <rect className="lane-switch-hit" x={-6} y={-LANE_H / 2} width={12} height={LANE_H} />
                    <path className="lane-switch-glyph" d="M0,-6L6,0L0,6L-6,0Z" />
                  </g>
                ))}
              </g>
            );
          })}
          {Math.min(right, px(end)) > Math.max(left, nowX) && <rect className="tl-future" x={Math.max(left, nowX)} y={0} width={Math.min(right, px(end)) - Math.max(left, nowX)} height={height} />}
          {nowX >= left - 0.5 && nowX <= right + 0.5 && <line className="tl-now" x1={nowX} x2={nowX} y1={0} y2={height} aria-hidden="true" />}
        </svg>
        </div>
      )}
    </div>
  );
}
