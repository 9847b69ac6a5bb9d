// The guided tour of the open demo, as a bar above the panels: the question
// the demo answers, the stop's text in type large enough for a projector, and
// the way from stop to stop. The worker finds each stop's step (tour.ts) and
// goes there; this bar only asks for a stop. Shown while the frame has a tour.
import { useApp, useAppStore } from '../app/store.ts';
import { presetEntry } from '../sim/scenario/presetIndex.ts';
import { openDemo, twinOf } from './Gallery.tsx';
import './gallery.css';

export function Tour() {
  const store = useAppStore();
  const tour = useApp((s) => s.frame?.tour ?? null);
  const step = useApp((s) => s.frame?.step ?? null);
  const send = useApp((s) => s.send);
  if (tour === null) return null;
  const n = tour.stop + 1;
  const go = (stop: number) => send({ type: 'tour', stop });
  const twin = twinOf(presetEntry(tour.preset));
  const away = tour.step !== null && step !== tour.step;
  return (
    <section className="tour" role="region" aria-label="Guided tour">
      <div className="tour-about">
        <p className="tour-kicker">Guided tour</p>
        <h2 className="tour-title">{tour.title}</h2>
        <p className="tour-question">{tour.question}</p>
      </div>
      <div className="tour-stop">
        <p className="tour-text" aria-live="polite">
          {tour.text}
        </p>
        {tour.step === null && (
          <p className="tour-note">This stop is never reached in this run of the scenario, so the view stays where it was.</p>
        )}
        {away && (
          <p className="tour-note">
            You have moved on from this stop —{' '}
            <button type="button" className="tour-link" onClick={() => go(tour.stop)}>
              Back to stop {n}
            </button>
          </p>
        )}
      </div>
      <nav className="tour-nav" aria-label="Tour stops">
        <div className="tour-steps">
          <button type="button" className="tour-move" disabled={tour.stop <= 0} onClick={() => go(tour.stop - 1)}>
            <span aria-hidden="true">← </span>Previous stop
          </button>
          <span className="tour-count">
            Stop {n} of {tour.stops}
          </span>
          <button type="button" className="tour-move tour-next" disabled={tour.stop >= tour.stops - 1} onClick={() => go(tour.stop + 1)}>
            Next stop<span aria-hidden="true"> →</span>
          </button>
        </div>
        <ol className="tour-jump">
          {Array.from({ length: tour.stops }, (_, i) => (
            <li key={i}>
              <button type="button" aria-label={`Go to stop ${i + 1}`} aria-current={i === tour.stop ? 'step' : undefined} onClick={() => go(i)}>
                {i + 1}
              </button>
            </li>
          ))}
        </ol>
        {twin !== undefined && (
          <button type="button" className="tour-compare" title={twin.title} onClick={() => openDemo(store, twin.id, tour.stop)}>
            Same script under {twin.kernel}
          </button>
        )}
      </nav>
    </section>
  );
}
