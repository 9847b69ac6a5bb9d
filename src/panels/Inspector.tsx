// One task in detail: who it is, where it runs, its patch_state and
// TIF_PATCH_PENDING, its kernel stack with the version each frame runs, why
// it has not switched yet (the worker's words), its switches so far, and the
// shell commands that act on it. A chooser picks a task without the grid.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { spotlightOf, spotTask } from '../app/spotlight.ts';
import { useApp, useAppStore } from '../app/store.ts';
import type { Frame, SwitchRecord } from '../worker/protocol.ts';
import { RunState } from '../sim/machine/tasks.ts';
import { patchStateName } from '../sim/names.ts';
import { patchStateWords, seconds } from './Globals.tsx';
import { RUN_WORDS as GRID_RUN_WORDS, runWords } from './taskgrid/describe.ts';
import { Panel } from './Panel.tsx';
import { enNumber } from '../sim/format.ts';
import './model.css';

type Selected = NonNullable<Frame['selected']>;

/** Above this many tasks the chooser is a text field, not a list. */
const LIST_LIMIT = 2000;

const RUN_WORDS = { ...GRID_RUN_WORDS, runnable: 'runnable, waiting for its CPU' } as const;

export function Inspector() {
  const selected = useApp((s) => s.frame?.selected ?? null);
  const task = selected?.task ?? null;
  const here = useRef<HTMLDivElement>(null);
  // A task chosen in the grid: bring its inspector into view. Not one a tour
  // stop selects: the stop scrolls its own panel into view.
  const store = useAppStore();
  useEffect(() => {
    if (task === null) return;
    const s = store.getState();
    const who = spotlightOf(s).tasks?.[0];
    if (who !== undefined && spotTask(s, who) === task) return;
    here.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [task, store]);
  return (
    <div ref={here} className="inspector-anchor">
    <Panel name="Task inspector" actions={<><PinButton task={task} /><TaskChooser selected={selected?.task ?? null} /></>}>
      {selected === null ? (
        <div className="mdl-empty">
          <strong>Click a task in the grid to inspect it</strong>
          or choose one from the list in this panel&apos;s heading.
        </div>
      ) : (
        <TaskDetails t={selected} />
      )}
    </Panel>
    </div>
  );
}

/** Pins the task's lane on the timeline, or unpins it (shortcut P). */
function PinButton(props: { readonly task: number | null }) {
  const pinned = useApp((s) => (props.task === null ? false : (s.frame?.lanes.pinned.includes(props.task) ?? false)));
  const send = useApp((s) => s.send);
  const { task } = props;
  if (task === null) return null;
  return (
    <button type="button" className="ins-pin" aria-pressed={pinned} title="Pin this task's lane on the timeline (P)" onClick={() => send({ type: 'pin', task, on: !pinned })}>
      {pinned ? 'Unpin lane' : 'Pin lane'}
    </button>
  );
}

/** Picks a task by comm:pid: a list for ordinary machines, a text field for huge ones. */
function TaskChooser(props: { readonly selected: number | null }) {
  const store = useAppStore();
  const comms = useApp((s) => s.comms);
  const send = useApp((s) => s.send);
  const id = useId();
  // Pids never change for a task index, and comms only grows, so the list is
  // rebuilt when the task table grows, not on every frame.
  const names = useMemo(() => {
    const pid = store.getState().frame?.tasks.pid;
    return comms.map((c, i) => `${c}:${pid?.[i] ?? '?'}`);
  }, [comms, store]);
  const [text, setText] = useState('');
  const [miss, setMiss] = useState(false);
  if (names.length <= LIST_LIMIT) {
    return (
      <span className="ins-chooser">
        <label htmlFor={id}>task</label>
        <select id={id} aria-label="Choose a task" value={props.selected === null ? '' : String(props.selected)} onChange={(e) => send({ type: 'select', task: e.target.value === '' ? null : Number(e.target.value) })}>
          <option value="">none</option>
          {names.map((n, i) => (
            <option key={i} value={i}>
              {n}
            </option>
          ))}
        </select>
      </span>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    const i = names.findIndex((n) => n === q || n.endsWith(`:${q}`));
    setMiss(i < 0);
    if (i >= 0) send({ type: 'select', task: i });
  };
  return (
    <form className="ins-chooser" onSubmit={submit}>
      <label htmlFor={id}>task</label>
      <input
        id={id}
        type="text"
        aria-label="Choose a task"
        aria-invalid={miss}
        placeholder="pid or comm:pid"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setMiss(false);
        }}
      />
    </form>
  );
}

function TaskDetails(props: { readonly t: Selected }) {
  const { t } = props;
  const blocked = t.frames.some((f) => f.blocking);
  // An offline CPU runs nothing, its idle task included: not "waiting for its CPU".
  const offline = useApp((s) => t.kind === 'idle' && s.frame?.cpus[t.cpu]?.online === false);
  const run = offline ? 'offline (its CPU is offline)' : runWords(t.run, RUN_WORDS);
  return (
    <>
      <div className="ins-title">
        <h3>
          {t.comm}:{t.pid}
        </h3>{' '}
        <span>{t.kind}</span> <span>CPU {t.cpu}</span> <span>{run}</span>
      </div>
      <div className={`ins-why${blocked ? ' is-blocked' : ''}`} role="note" aria-label="Why it has not switched yet">
        <span className="ins-why-label">Why</span>
        {t.why}
      </div>
      <div className="ins-state">
        <span>
          patch_state <span className={`mdl-chip${t.patchState === 1 ? ' is-on' : ''}`}>{patchStateWords(t.patchState)}</span>
        </span>
        <span className={`mdl-chip${t.pending ? ' is-pending' : ''}`} title="The task still has to switch to klp_target_state">
          TIF_PATCH_PENDING {t.pending ? 'set' : 'clear'}
        </span>
      </div>
      <TaskActions t={t} />
      <Frames t={t} />
      <History history={t.history} />
    </>
  );
}

function TaskActions(props: { readonly t: Selected }) {
  const store = useAppStore();
  const { t } = props;
  const dead = t.run === RunState.Dead;
  const idle = t.kind === 'idle';
  // The shell refuses to kill or fork the idle tasks, itself and the kworkers.
  const ordinary = t.kind === 'user' || t.kind === 'kthread';
  const acts = [
    { verb: 'Wake', cmd: `wake ${t.pid}`, ok: !idle && t.run === RunState.Sleeping, why: idle ? 'idle tasks share pid 0 and never sleep' : 'only a sleeping task can be woken' },
    { verb: 'Kill', cmd: `kill ${t.pid}`, ok: ordinary && !dead, why: dead ? 'the task has exited' : `sh may not kill a ${t.kind} task` },
    { verb: 'Fork', cmd: `fork ${t.pid}`, ok: ordinary && !dead, why: dead ? 'the task has exited' : `sh may not fork a ${t.kind} task` },
  ];
  return (
    <div className="ins-actions" role="group" aria-label={`Act on ${t.comm}:${t.pid}`}>
      {acts.map((a) => (
        <button key={a.verb} type="button" disabled={!a.ok} title={a.ok ? `Runs: ${a.cmd}` : `${a.cmd}: ${a.why}`} onClick={() => store.getState().act(a.cmd)}>
          {a.verb}
        </button>
      ))}
    </div>
  );
}

function Frames(props: { readonly t: Selected }) {
  const { frames } = props.t;
  const headId = useId();
  if (frames.length === 0) {
    return <p className="ins-section">Kernel stack: empty, {props.t.kind === 'idle' ? 'nothing on it' : 'the task is in user space'}.</p>;
  }
  const innermostFirst = frames.map((f, depth) => ({ ...f, depth })).reverse();
  return (
    <>
      <h4 className="ins-section" id={headId}>
        Kernel stack <em>(innermost first)</em>
      </h4>
      <ol className="ins-frames" aria-labelledby={headId}>
        {innermostFirst.map((f) => (
          <li key={f.depth} className={f.blocking ? 'is-blocking' : undefined}>
            <span className="ins-depth">#{f.depth}</span> <span className="ins-fn">{f.fn}</span>{' '}
            <span className={`mdl-chip${f.version === 'original' ? '' : ' is-on'}`} title={f.version === 'original' ? 'runs the original function' : `runs ${f.version}'s new function`}>
              {f.version}
            </span>{' '}
            {f.blocking && <span className="ins-block-note">Retired by this transition: while the task is inside it, it cannot switch.</span>}
          </li>
        ))}
      </ol>
    </>
  );
}

function History(props: { readonly history: readonly SwitchRecord[] }) {
  const send = useApp((s) => s.send);
  const headId = useId();
  if (props.history.length === 0) return <p className="ins-section">No switch of its patch_state so far.</p>;
  return (
    <>
      <h4 className="ins-section" id={headId}>
        Switches <em>(click to go to that step)</em>
      </h4>
      <ol className="ins-history" aria-labelledby={headId}>
        {props.history.map((h, i) => (
          <li key={i}>
            <button type="button" onClick={() => send({ type: 'seek', step: h.step })}>
              <span className="ins-step">step {enNumber(h.step)}</span> <span className="ins-time">{seconds(h.time)}</span>{' '}
              <span>
                {patchStateName(h.from)} → {patchStateName(h.to)}
              </span>{' '}
              <span className="ins-via">via {h.fn}</span>
            </button>
          </li>
        ))}
      </ol>
    </>
  );
}
