// Which axis the timeline shows: the one the user chose, else the default for
// the trace computed so far (autoAxis). One function, used by the timeline and
// by the `x` shortcut that toggles it.
import type { AppState } from '../../app/store.ts';
import { autoAxis } from './axis.ts';
import type { AxisKind, TracePoint } from './axis.ts';

/** The end of the computed trace as the series and the frame know it. */
export function traceEnd(s: Pick<AppState, 'frame' | 'samples' | 'milestones'>): TracePoint {
  const f = s.frame;
  const time = Math.max(0, f?.time ?? 0, s.samples.at(-1)?.time ?? 0, s.milestones.at(-1)?.time ?? 0);
  return { step: Math.max(f?.computed ?? 0, f?.step ?? 0), time };
}

const memo = new WeakMap<object, { readonly milestones: object; readonly end: TracePoint; readonly kind: AxisKind }>();

/** The default axis for what is computed (memoised on the series, which change only by append). */
export function defaultAxis(s: Pick<AppState, 'frame' | 'samples' | 'milestones'>): AxisKind {
  const end = traceEnd(s);
  const m = memo.get(s.samples);
  if (m !== undefined && m.milestones === s.milestones && m.end.step === end.step && m.end.time === end.time) return m.kind;
  const kind = autoAxis([...s.samples.toArray(), ...s.milestones.toArray()], end);
  memo.set(s.samples, { milestones: s.milestones, end, kind });
  return kind;
}

export function chosenAxis(s: Pick<AppState, 'frame' | 'samples' | 'milestones' | 'timelineAxis'>): AxisKind {
  return s.timelineAxis ?? defaultAxis(s);
}
