// "Find a counterexample": a bounded search of the current scenario's
// choices in a worker of its own, with live progress and Cancel (which ends
// the worker); a found counterexample opens as a run of its own, at the
// violation. The "What if" switches pick which safeguards the search (and
// the scenario, when opened with them) takes out.
import { useEffect, useRef, useState } from 'react';
import { trapTab } from '../dialog.ts';
import { InvariantLink, InvariantText } from '../Guarantees.tsx';
import { useApp } from '../../app/store.ts';
import { WHAT_IFS } from '../../sim/search/whatIf.ts';
import type { SearchProgress } from '../../sim/search/search.ts';
import { progressLine } from '../../sim/search/summary.ts';
import type { FoundCounterexample, SearchReply, SearchRequest } from '../../worker/searchProtocol.ts';
import { enNumber } from '../../sim/format.ts';

/** What a link or a test may start instead of the real worker. */
export type SearchWorkerFactory = () => Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener'>;

const realWorker: SearchWorkerFactory = () => new Worker(new URL('../../worker/search.worker.ts', import.meta.url), { type: 'module' });

type Status =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly progress: SearchProgress | null }
  | { readonly kind: 'cancelled'; readonly progress: SearchProgress | null }
  | { readonly kind: 'done'; readonly summary: string; readonly found: FoundCounterexample | null }
  | { readonly kind: 'error'; readonly message: string };

/** The whatIf ids of a scenario document (JSON text). */
export function whatIfOf(json: string | undefined): string[] {
  if (json === undefined) return [];
  try {
    const doc = JSON.parse(json) as { whatIf?: unknown };
    return Array.isArray(doc.whatIf) ? doc.whatIf.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The header's mark of a scenario with a safeguard taken out. */
export function NotRealKernel() {
  const json = useApp((s) => s.meta?.json);
  const ids = whatIfOf(json);
  if (ids.length === 0) return null;
  return (
    <span className="badge badge-not-real" role="note" title={`What if: ${ids.join(', ')}`}>
      not the real kernel: {ids.join(', ')}
    </span>
  );
}

export function SearchDialog({ makeWorker = realWorker }: { readonly makeWorker?: SearchWorkerFactory }) {
  const meta = useApp((s) => s.meta);
  const load = useApp((s) => s.load);
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [chosen, setChosen] = useState<string[]>([]);
  const worker = useRef<ReturnType<SearchWorkerFactory> | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const doc = (): Record<string, unknown> => (meta ? (JSON.parse(meta.json) as Record<string, unknown>) : {});
  const withSwitches = (): Record<string, unknown> => {
    const { whatIf: _w, choices: _c, ...rest } = doc();
    return chosen.length > 0 ? { ...rest, whatIf: chosen } : rest;
  };

  useEffect(() => {
    if (open) dialog.current?.focus();
  }, [open]);
  useEffect(() => () => worker.current?.terminate(), []);

  const stop = () => {
    worker.current?.terminate();
    worker.current = null;
  };
  const start = () => {
    stop();
    const w = makeWorker();
    worker.current = w;
    setStatus({ kind: 'running', progress: null });
    w.addEventListener('message', (ev: MessageEvent<SearchReply>) => {
      const r = ev.data;
      if (r.type === 'progress') setStatus((s) => (s.kind === 'running' ? { kind: 'running', progress: r.progress } : s));
      else if (r.type === 'done') {
        setStatus({ kind: 'done', summary: r.summary, found: r.found });
        stop();
      } else {
        setStatus({ kind: 'error', message: r.message });
        stop();
      }
    });
    const req: SearchRequest = { type: 'search', scenario: withSwitches(), maxStates: 200_000, maxDepth: 400, timeLimitMs: 60_000 };
    w.postMessage(req);
  };
  const cancel = () => {
    stop();
    setStatus((s) => ({ kind: 'cancelled', progress: s.kind === 'running' ? s.progress : null }));
  };
  const close = () => {
    if (status.kind === 'running') cancel();
    setOpen(false);
  };
  const openFound = (f: FoundCounterexample) => {
    load({ scenario: { ...withSwitches(), name: `${meta?.name ?? 'scenario'} (counterexample)`, choices: f.choices }, step: f.step });
    setOpen(false);
  };
  const applySwitches = () => {
    load({ scenario: withSwitches() });
    setOpen(false);
  };

  const kernel = meta?.kernel ?? 'mainline';
  const running = status.kind === 'running';
  return (
    <>
      <button type="button" className="search-open" onClick={() => {
          setChosen(whatIfOf(meta?.json));
          setOpen(true);
        }}
        disabled={meta === null} aria-haspopup="dialog" title="Search the scenario's choices for a run that breaks a guarantee">
        Find a counterexample
      </button>
      {open && (
        <div className="dialog-backdrop" onClick={close}>
          <div
            className="dialog search-dialog"
            role="dialog"
            aria-modal="true"
            aria-labelledby="search-title"
            tabIndex={-1}
            ref={dialog}
            onClick={(e) => e.stopPropagation()}
            onKeyDown={(e) => {
              if (e.key === 'Escape') close();
              else trapTab(e, dialog.current);
            }}
          >
            <h2 id="search-title">Find a counterexample</h2>
            <p className="search-what">
              Runs <strong>{meta?.name}</strong> again and again, changing a few of its choices (which task runs, when a sleeper wakes, a script window, a race), and checks every
              guarantee at every event. Finding nothing means only that: no violation within the bounds.
            </p>
            <fieldset className="search-whatif">
              <legend>What if (not the real kernel)</legend>
              {WHAT_IFS.filter((w) => w.variants.includes(kernel as 'mainline')).map((w) => (
                <label key={w.id} title={`${w.why} Kernel: ${w.kernel}`}>
                  <input
                    type="checkbox"
                    checked={chosen.includes(w.id)}
                    disabled={running}
                    onChange={(e) => setChosen((c) => (e.target.checked ? [...c, w.id] : c.filter((x) => x !== w.id)))}
                  />{' '}
                  <code>{w.id}</code>: {w.title}
                </label>
              ))}
              <button type="button" onClick={applySwitches} disabled={running}>
                Open the scenario with these switches
              </button>
            </fieldset>
            <div className="search-actions">
              <button type="button" onClick={start} disabled={running}>
                Start the search
              </button>
              <button type="button" onClick={cancel} disabled={!running}>
                Cancel
              </button>
              <button type="button" onClick={close}>
                Close
              </button>
            </div>
            <p className="search-status" role="status" aria-live="polite">
              {status.kind === 'idle' && 'Not started.'}
              {status.kind === 'running' && `Searching: ${status.progress ? progressLine(status.progress) : 'starting'}`}
              {status.kind === 'cancelled' && `Cancelled${status.progress ? ` after ${progressLine(status.progress)}` : ''}.`}
              {status.kind === 'done' && <InvariantText text={status.summary} />}
              {status.kind === 'error' && `The search failed: ${status.message}`}
            </p>
            {status.kind === 'done' && status.found && (
              <p>
                <button type="button" className="search-found" onClick={() => openFound(status.found as FoundCounterexample)}>
                  Open the counterexample (step {enNumber(status.found.step)})
                </button>{' '}
                It breaks <InvariantLink invariant={status.found.invariant} />.
              </p>
            )}
          </div>
        </div>
      )}
    </>
  );
}
