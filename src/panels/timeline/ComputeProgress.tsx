// What the worker is computing, on the timeline: a request that has taken
// over 200 ms (a far jump, End, a stop on a branch, a load, an action), with
// its progress and a Cancel button (Escape does the same: a cancelled load
// leaves the previous scenario open, a cancelled action leaves the run as it
// was, with no branch); and the run being computed ahead in
// the background after a load or an action, so that scrubbing reaches it
// before End. Keys pressed meanwhile are not lost: the worker answers them in
// order once the computation ends or is cancelled.
import { useEffect, useState } from 'react';
import { useApp } from '../../app/store.ts';
import type { ComputeWhat } from '../../worker/protocol.ts';
import { enNumber } from '../../sim/format.ts';

const DOING: Readonly<Record<ComputeWhat, string>> = {
  load: 'Opening the scenario',
  step: 'Searching forward',
  seek: 'Computing the run up to the step asked for',
  end: 'Computing the run to its end',
  stop: 'Computing the run up to the tour stop',
  act: 'Running the action',
  'tour-back': "Going back to the tour's run",
  progress: 'Computing the run up to the same point of the script',
};

/** What Cancel leaves for a computation that it undoes. */
const UNDONE: Partial<Record<ComputeWhat, string>> = {
  load: 'Stop opening it: the scenario open now stays as it is',
  act: 'Stop the action: the run stays as it was, with no new branch',
};

const count = enNumber;

/** The background computation is shown once it has gone on this long: a short one (most demos) does not flash a line. */
const AHEAD_SHOWN_AFTER_MS = 400;

/** Whether `on` has held for `ms` (each time it turns on, the wait starts again). */
function useHeldFor(on: boolean, ms: number): boolean {
  const [since, setSince] = useState<{ readonly on: boolean; readonly held: boolean }>({ on, held: false });
  if (since.on !== on) setSince({ on, held: false });
  useEffect(() => {
    if (!on) return;
    const t = setTimeout(() => setSince({ on: true, held: true }), ms);
    return () => clearTimeout(t);
  }, [on, ms]);
  return on && since.on && since.held;
}

export function ComputeProgress() {
  const computing = useApp((s) => s.computing);
  const ahead = useApp((s) => s.frame?.ahead === true);
  const computed = useApp((s) => s.frame?.computed ?? 0);
  const cancel = useApp((s) => s.cancel);
  const showAhead = useHeldFor(ahead, AHEAD_SHOWN_AFTER_MS);
  if (computing !== null) {
    const { what, target, cancellable } = computing;
    const done = computing.computed;
    return (
      <div className="tl-compute" role="status">
        <span>
          {DOING[what]}: {count(done)}
          {target !== null ? ` of ${count(target)}` : ''} events computed…
        </span>
        <progress aria-label={DOING[what]} max={target ?? undefined} value={target !== null ? Math.min(done, target) : undefined} />
        {cancellable && (
          <button type="button" onClick={cancel} aria-keyshortcuts="Escape" title={UNDONE[what] ?? 'Stop here: the view stays where it was'}>
            Cancel
          </button>
        )}
      </div>
    );
  }
  if (!showAhead) return null;
  return (
    <div className="tl-compute tl-ahead">
      <span>Computing the run ahead: {count(computed)} events so far</span>
      <progress aria-label="Computing the run ahead" />
    </div>
  );
}
