// The guided tour of the open demo, as a bar above the panels. The stop it
// shows follows the playhead: the last stop reached at or before the current
// step ("after stop 3" between stops). It holds the stop's text, the way from
// stop to stop, presenter mode, the stop's question (predict, then reveal at
// the next stop) and, once an action has left the tour's script, the way
// back to the tour's run. The worker finds each stop's step (tour.ts).
import { useState } from 'react';
import { InvariantText } from './Guarantees.tsx';
import { useApp, useAppStore } from '../app/store.ts';
import type { StopQuestion } from '../sim/scenario/tour.ts';
import { presetEntry } from '../sim/scenario/presetIndex.ts';
import { openDemo, twinOf } from './Gallery.tsx';
import { enNumber } from '../sim/format.ts';
import './gallery.css';

/** Answers picked, by preset and stop: kept in the page only. */
type Picks = Readonly<Record<string, number>>;

export function Tour() {
  const store = useAppStore();
  const tour = useApp((s) => s.frame?.tour ?? null);
  const stops = useApp((s) => s.meta?.tour ?? null);
  const playing = useApp((s) => s.frame?.playing === true);
  const presenter = useApp((s) => s.presenter);
  const send = useApp((s) => s.send);
  const [picks, setPicks] = useState<Picks>({});
  if (tour === null) return null;
  const go = (stop: number) => send({ type: 'tour', stop, play: presenter });
  const twin = twinOf(presetEntry(tour.preset));
  const n = tour.stop + 1;
  const next = tour.target ?? (tour.stop < tour.stops - 1 ? tour.stop + 1 : null);
  const previous = tour.stop < 0 ? null : tour.at ? (tour.stop > 0 ? tour.stop - 1 : null) : tour.stop;
  const stop = tour.stop >= 0 ? stops?.[tour.stop] : undefined;
  const asked = tour.at ? stop?.question : undefined;
  // The question of the stop before, answered now that the view is on the next one.
  const answered = tour.at && tour.stop > 0 ? stops?.[tour.stop - 1]?.question : undefined;
  const key = (i: number) => `${tour.preset}#${i}`;
  const where = tour.stop < 0 ? 'Before the first stop' : tour.at ? `Stop ${n} of ${tour.stops}` : `After stop ${n} of ${tour.stops}`;
  return (
    <section className={`tour${presenter ? ' tour-presenter' : ''}`} role="region" aria-label="Guided tour">
      <div className="tour-about">
        <p className="tour-kicker">Guided tour</p>
        <h2 className="tour-title">{tour.title}</h2>
        {!presenter && <p className="tour-question">{tour.question}</p>}
      </div>
      <div className="tour-stop">
        <p className="tour-where">{where}</p>
        <p className="tour-text" aria-live={playing ? 'off' : 'polite'}>
          {tour.stop < 0 ? 'Step forward or press Next stop to reach the first stop.' : <InvariantText text={tour.text} />}
        </p>
        {answered !== undefined && <Reveal q={answered} pick={picks[key(tour.stop - 1)]} />}
        {asked !== undefined && <Ask q={asked} pick={picks[key(tour.stop)]} onPick={(i) => setPicks((p) => ({ ...p, [key(tour.stop)]: i }))} />}
        {tour.offScript !== null && (
          <p className="tour-note tour-offscript" role="status">
            This run has left the tour&rsquo;s script at step {enNumber(tour.offScript)}: the stops after it describe the tour&rsquo;s own run.{' '}
            <button type="button" className="tour-link" onClick={() => send({ type: 'tour-back' })}>
              Back to the tour&rsquo;s run
            </button>
          </p>
        )}
        {tour.unreached !== null && tour.offScript === null && (
          <p className="tour-note" role="status">
            Stop {tour.unreached + 1} is never reached in this run, so the view stays where it was.
          </p>
        )}
      </div>
      <nav className="tour-nav" aria-label="Tour stops">
        <div className="tour-steps">
          <button type="button" className="tour-move" disabled={previous === null} onClick={() => previous !== null && go(previous)}>
            <span aria-hidden="true">← </span>Previous stop
          </button>
          <span className="tour-count">{tour.stop < 0 ? `0 of ${tour.stops}` : `${n} of ${tour.stops}`}</span>
          <button type="button" className="tour-move tour-next" disabled={next === null} onClick={() => next !== null && go(next)}>
            {tour.target !== null ? 'Skip to the stop' : 'Next stop'}
            <span aria-hidden="true"> →</span>
          </button>
        </div>
        <ol className="tour-jump">
          {Array.from({ length: tour.stops }, (_, i) => (
            <li key={i}>
              <button type="button" aria-label={`Go to stop ${i + 1}`} aria-current={i === tour.stop ? 'step' : undefined} className={i < tour.found.length ? 'is-found' : undefined} onClick={() => go(i)}>
                {i + 1}
              </button>
            </li>
          ))}
        </ol>
        <div className="tour-extra">
          <button type="button" className="tour-presenter-toggle" aria-pressed={presenter} title="Presenter mode (m): →, PageDown, Space or . go to the next stop" onClick={() => store.getState().setPresenter(!presenter)}>
            {presenter ? 'Leave presenter mode' : 'Presenter mode'}
          </button>
          {twin !== undefined && !presenter && (
            <button type="button" className="tour-compare" title={twin.title} onClick={() => openDemo(store, twin.id, Math.max(0, tour.stop))}>
              Same script under {twin.kernel}
            </button>
          )}
        </div>
      </nav>
    </section>
  );
}

function Ask(props: { readonly q: StopQuestion; readonly pick: number | undefined; readonly onPick: (i: number) => void }) {
  const { q, pick } = props;
  return (
    <fieldset className="tour-ask">
      <legend>Predict: {q.ask}</legend>
      <div className="tour-answers">
        {q.answers.map((a, i) => (
          <button key={i} type="button" className="tour-answer" aria-pressed={pick === i} onClick={() => props.onPick(i)}>
            {a}
          </button>
        ))}
      </div>
      <p className="tour-hint">{pick === undefined ? 'Pick an answer, then go on to the next stop to see what happens.' : 'Noted. Go on to the next stop to see what happens.'}</p>
    </fieldset>
  );
}

function Reveal(props: { readonly q: StopQuestion; readonly pick: number | undefined }) {
  const { q, pick } = props;
  const right = pick === q.correct;
  return (
    <div className="tour-reveal" role="status">
      <p>
        <strong>{pick === undefined ? 'The answer' : right ? 'You predicted it' : 'Not quite'}:</strong> {q.answers[q.correct]}.
      </p>
      <p>
        <InvariantText text={q.why} />
      </p>
    </div>
  );
}
