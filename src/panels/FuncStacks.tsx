// Each patched function's klp_ops func_stack, top first: the version most
// calls reach, the versions it replaced below it, the original at the
// bottom. For each version, how many live tasks would run it if they called
// the function now (the worker resolves that as klp_ftrace_handler would).
import { useId } from 'react';
import { useSpotlight } from '../app/spotlight.ts';
import { useApp } from '../app/store.ts';
import type { FuncStackView, VersionView } from '../sim/view.ts';
import { Panel } from './Panel.tsx';
import { enNumber } from '../sim/format.ts';
import './model.css';

export function FuncStacks() {
  const stacks = useApp((s) => s.frame?.funcStacks);
  const live = useApp((s) => s.frame?.globals.counts.live ?? 0);
  const spot = useSpotlight().function;
  return (
    <Panel name="Function stacks">
      {stacks === undefined || stacks.length === 0 ? (
        <div className="mdl-empty">
          <strong>No function is patched</strong>
          Load a livepatch module (the Load buttons above, or <code>insmod NAME.ko</code>) and each function it replaces appears here with its stack of versions.
        </div>
      ) : (
        <>
          <p className="mdl-note" title="A call reaches the top version, unless the function is in transition and the task's patch_state sends it one version down.">
            Top version first. Bars: live tasks that would run each version now.
          </p>
          <ul className="fs-list">
            {stacks.map((s) => (
              <FuncStack key={s.fn} stack={s} live={live} spotlit={s.fn === spot} />
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}

function FuncStack(props: { readonly stack: FuncStackView; readonly live: number; readonly spotlit: boolean }) {
  const { stack, live } = props;
  const headId = useId();
  return (
    <li className={props.spotlit ? 'is-spotlit' : undefined} aria-current={props.spotlit ? 'true' : undefined}>
      <div className="fs-func-head">
        <h3 id={headId}>{stack.fn}</h3>
        <span>
          {stack.versions.length - 1} {stack.versions.length === 2 ? 'patch' : 'patches'}
        </span>
      </div>
      <ol className="fs-stack" aria-labelledby={headId}>
        {stack.versions.map((v, i) => (
          <Version key={v.patch ?? '(original)'} v={v} top={i === 0} live={live} />
        ))}
      </ol>
    </li>
  );
}

function Version(props: { readonly v: VersionView; readonly top: boolean; readonly live: number }) {
  const { v, top, live } = props;
  const original = v.patch === null;
  const share = live > 0 ? v.tasks / live : 0;
  const name = original ? 'original' : v.patch;
  return (
    <li className={`fs-version${original ? ' is-original' : ''}${top ? ' is-top' : ''}`}>
      <div className="fs-version-name">
        <b>{name}</b>{' '}
        {original ? (
          <span className="fs-where">the function as built</span>
        ) : (
          <>
            <Flag name="patched" on={v.patched} title="func->patched: on the func_stack, the ftrace handler can see it" />{' '}
            <Flag name="transition" on={v.transition} title="func->transition: being applied or reverted; the handler consults the task's patch_state" />{' '}
            {v.immediate && (
              <span className="mdl-chip is-warn" title="immediate: no stack check protects this version">
                immediate
              </span>
            )}
          </>
        )}
      </div>
      <div className="fs-count">
        <div className="fs-bar" aria-hidden="true">
          {/* Scaled, not sized: a change of share is then drawn by the compositor, not laid out again at every frame of its transition. */}
          <span style={{ transform: `scaleX(${share.toFixed(4)})` }} />
        </div>
        <span className="fs-n">
          {enNumber(v.tasks)} {v.tasks === 1 ? 'task' : 'tasks'}
        </span>
      </div>
    </li>
  );
}

function Flag(props: { readonly name: string; readonly on: boolean; readonly title: string }) {
  return (
    <span className={`mdl-chip${props.on ? ' is-on' : ''}`} title={props.title}>
      {props.name} {props.on ? 1 : 0}
    </span>
  );
}
