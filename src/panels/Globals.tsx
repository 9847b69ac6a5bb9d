// The livepatch globals as transition.c holds them and as sysfs shows them:
// klp_target_state, klp_transition_patch, the next run of
// klp_transition_work, klp_signals_cnt, the tasks by patch state, and each
// patch's /sys/kernel/livepatch/P directory. All of it computed by the
// worker (GlobalsView); this panel only draws it.
import { useApp } from '../app/store.ts';
import { KLP_STATE_MACROS, PATCH_STATE_NAMES } from '../sim/names.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../sim/types.ts';
import type { GlobalsView, PatchView } from '../sim/view.ts';
import { Panel } from './Panel.tsx';
import { enNumber } from '../sim/format.ts';
import './model.css';

/** `klp_target_state` (and `patch_state`) values as the kernel names them. */
export function klpStateName(s: number): string {
  const state = s === KLP_PATCHED || s === KLP_UNPATCHED ? s : KLP_UNDEFINED;
  return `${KLP_STATE_MACROS[state]} (${state})`;
}

/** A task's patch_state in words: the value /proc/PID/patch_state prints, and what it means. */
export function patchStateWords(s: number): string {
  return s === KLP_PATCHED || s === KLP_UNPATCHED ? `${s} (${PATCH_STATE_NAMES[s]})` : `${KLP_UNDEFINED} (${KLP_STATE_MACROS[KLP_UNDEFINED]})`;
}

/** Simulated time (µs) in seconds, as the transport shows it. */
export const seconds = (us: number): string => `${(us / 1e6).toFixed(6)} s`;

/** SIGNALS_TIMEOUT in mainline: klp_send_signals() runs when klp_signals_cnt reaches it. */
const SIGNALS_TIMEOUT = 15;

export function Globals() {
  const globals = useApp((s) => s.frame?.globals);
  const time = useApp((s) => s.frame?.time ?? 0);
  return <Panel name="Globals">{globals === undefined ? <p className="mdl-empty">Loading…</p> : <GlobalsBody g={globals} time={time} />}</Panel>;
}

function GlobalsBody(props: { readonly g: GlobalsView; readonly time: number }) {
  const { g, time } = props;
  const c = g.counts;
  return (
    <>
      <dl className="gl-vars">
        <dt>kernel</dt>
        <dd>
          <span className="mdl-mono">{g.variant}</span>
        </dd>
        <dt title="Direction of the transition in progress">klp_target_state</dt>
        <dd className="mdl-mono">{klpStateName(g.targetState)}</dd>
        <dt title="The single patch in transition">klp_transition_patch</dt>
        <dd className="mdl-mono">{g.transitionPatch ?? 'NULL'}</dd>
        <dt title="The delayed work that retries klp_try_complete_transition()">klp_transition_work</dt>
        <dd>
          {g.nextRetry === null ? (
            <span className="gl-rel">not armed</span>
          ) : (
            <>
              <span className="mdl-mono">next run at {seconds(g.nextRetry)}</span>{' '}
              <span className="gl-rel">in {Math.max(0, (g.nextRetry - time) / 1e6).toFixed(2)} s</span>
            </>
          )}
        </dd>
        {g.variant === 'mainline' && (
          <>
            <dt title="Unsuccessful klp_try_complete_transition() passes; at 15 the remaining tasks are signalled">klp_signals_cnt</dt>
            <dd>
              <span className="mdl-mono">{g.signalsCnt}</span>{' '}
              <span className="gl-rel">(signals at {SIGNALS_TIMEOUT})</span>
            </dd>
          </>
        )}
        <dt>guarantees</dt>
        <dd>
          <span className={g.violations > 0 ? 'gl-alert gl-alert-box' : undefined} title="A guarantee of the consistency model the kernel variant promises was broken">
            {g.violations} {g.violations === 1 ? 'violation' : 'violations'}
          </span>
          {' · '}
          <span className={g.givenUp > 0 ? 'gl-alert gl-alert-box' : undefined} title="Broken knowingly, by immediate or force: reported, no error">
            {g.givenUp} given up
          </span>
        </dd>
      </dl>
      <p className="gl-counts">
        <span className="gl-counts-live">{enNumber(c.live)} live tasks:</span>
        <span>
          <span className="mdl-swatch st-undefined" aria-hidden="true" />
          {enNumber(c.undefined)} undefined
        </span>
        <span>
          <span className="mdl-swatch st-unpatched" aria-hidden="true" />
          {enNumber(c.unpatched)} unpatched
        </span>
        <span>
          <span className="mdl-swatch st-patched" aria-hidden="true" />
          {enNumber(c.patched)} patched
        </span>
        <span title="TIF_PATCH_PENDING set">
          <span className="mdl-swatch st-pending" aria-hidden="true" />
          {enNumber(c.pending)} pending
        </span>
      </p>
      {g.patches.length > 0 && (
        <ul className="gl-sysfs" aria-label="Each patch in sysfs">
          {g.patches.map((p) => (
            <SysfsPatch key={p.mod} p={p} />
          ))}
        </ul>
      )}
    </>
  );
}

function SysfsPatch(props: { readonly p: PatchView }) {
  const { p } = props;
  const dir = `/sys/kernel/livepatch/${p.mod}`;
  return (
    <li>
      <div className="gl-sysfs-dir">
        <span>
          /sys/kernel/livepatch/<b>{p.mod}</b>/
        </span>
        {p.immediate && <span className="mdl-chip is-warn">immediate</span>}
        {p.forced && <span className="mdl-chip is-warn">forced</span>}
        {!p.loaded && <span className="mdl-chip">module unloaded</span>}
      </div>
      {p.registered ? (
        <dl className="gl-files">
          <dt title={`cat ${dir}/enabled`}>enabled</dt>
          <dd>{p.enabled ? 1 : 0}</dd>
          <dt title={`cat ${dir}/transition`}>transition</dt>
          <dd>{p.transition ? 1 : 0}</dd>
        </dl>
      ) : (
        <p className="mdl-note">No such directory: the patch is {p.transition ? 'in transition but not registered' : 'freed'}.</p>
      )}
    </li>
  );
}
