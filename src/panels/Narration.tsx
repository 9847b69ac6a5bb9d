// What the current event did and why, in a sentence or two, named after the
// kernel function it models; the switches it caused and the guarantees it
// broke or knowingly gave up. At step 0, what the scenario is and how to start.
import { useApp } from '../app/store.ts';
import type { NarratedEvent } from '../sim/events.ts';
import { InvariantText } from './Guarantees.tsx';
import { Panel } from './Panel.tsx';
import { groupSwitches, nameList, seconds, stateName, taskName, violationWords } from './log/narration.ts';
import { enNumber } from '../sim/format.ts';
import './timeline.css';

function Start(props: { readonly description: string | undefined; readonly tour: boolean }) {
  return (
    <>
      {/* With a tour, the tour bar says what to press: one instruction on the page. */}
      {!props.tour && (
        <p className="narration-intro">
          Nothing has happened yet. Press <kbd>→</kbd>
          <strong>Step forward</strong> to run the next event, or <kbd>Space</kbd>
          <strong>Play</strong> to let it run; <kbd>?</kbd> lists every shortcut.
        </p>
      )}
      {props.description !== undefined && (
        <p className="narration-description">
          <InvariantText text={props.description} />
        </p>
      )}
    </>
  );
}

function EventStory(props: { readonly event: NarratedEvent; readonly name: (task: number) => string }) {
  const e = props.event;
  const groups = groupSwitches(e.switches, props.name);
  const each = e.switches.length <= 4;
  return (
    <>
      <p className="narration-where">
        Step <span className="mono">{enNumber(e.step)}</span> · <span className="mono">{seconds(e.time)}</span>
        {e.cpu !== undefined && (
          <>
            {' '}
            · CPU <span className="mono">{e.cpu}</span>
          </>
        )}
        {e.livepatch ? ' · livepatch' : ' · workload'}
      </p>
      <p className="narration-text">
        <code>{e.fn}</code>: <InvariantText text={e.text} />
      </p>
      {groups.length > 0 && (
        <ul className="narration-switches" aria-label="Switches">
          {each
            ? e.switches.map((s, i) => (
                <li key={i} className="narration-switch">
                  {props.name(s.task)} <State s={s.from} /> → <State s={s.to} />
                </li>
              ))
            : groups.map((g) => (
                <li key={`${g.from}>${g.to}`} className="narration-switch">
                  {g.tasks.length} tasks <State s={g.from} /> → <State s={g.to} />: {nameList(g.tasks)}
                </li>
              ))}
        </ul>
      )}
      {e.violations.length > 0 && (
        <ul className="narration-violations" aria-label="Violations">
          {e.violations.map((v, i) => {
            const w = violationWords(v);
            return (
              <li key={i} className={w.givenUp ? 'narration-givenup' : 'narration-violation'}>
                <strong>
                  <InvariantText text={w.head} />:
                </strong>{' '}
                <InvariantText text={w.text} />
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

function State(props: { readonly s: -1 | 0 | 1 }) {
  const n = stateName(props.s);
  return <span className={`narration-state-${n}`}>{n}</span>;
}

export function Narration() {
  const event = useApp((s) => s.frame?.event ?? null);
  const pids = useApp((s) => s.frame?.tasks.pid);
  const comms = useApp((s) => s.comms);
  const description = useApp((s) => s.meta?.description);
  const playing = useApp((s) => s.frame?.playing === true);
  const tour = useApp((s) => s.frame?.tour != null);
  const name = (task: number) => taskName(task, comms, pids);
  return (
    <Panel name="Narration" className="narration-panel">
      {/* Spoken on each step, not eight times a second while playing. */}
      <div className="narration" aria-live={playing ? 'off' : 'polite'}>
        {event === null ? <Start description={description} tour={tour} /> : <EventStory event={event} name={name} />}
      </div>
    </Panel>
  );
}
