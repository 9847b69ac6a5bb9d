// Compare mode: two runs of one script in one page, the page's own (A) and a
// second (B: the same scenario with one thing changed, see variation.ts) in
// a store and worker of its own. A is stepped by the transport and a single
// slider; B follows by script progress (the same command, the same simulated
// time since it). Side by side: the task grids, the globals and the logs,
// their differences marked, and the first line where the logs diverge, one
// click away.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { createAppStore, ProvideStore, useApp, useAppStore, useClientFactory } from '../../app/store.ts';
import type { AppStore } from '../../app/store.ts';
import type { Frame } from '../../worker/protocol.ts';
import { TaskGrid } from '../TaskGrid.tsx';
import { frameThrottle } from '../timeline/throttle.ts';
import { compared, diffRows, firstDivergence } from './diff.ts';
import { CompareGlobals } from './CompareGlobals.tsx';
import { applyVariation, parseVariation, variationLabel } from './variation.ts';
import { enNumber } from '../../sim/format.ts';
import './compare.css';

/** The most rows the log diff draws (the latest). */
const MAX_ROWS = 400;

export function Compare() {
  const a = useAppStore();
  const makeClient = useClientFactory();
  const [b] = useState(() => {
    const client = makeClient();
    return { client, store: createAppStore(client) };
  });
  useEffect(() => () => b.client.close(), [b]);
  // The second run's store beside the page's (window.klpscope), for the browser tests and bench:ui.
  useEffect(() => {
    const w = window.klpscope;
    if (w === undefined) return;
    w.compare = b.store;
    return () => {
      if (w.compare === b.store) delete w.compare;
    };
  }, [b]);
  const compare = useApp((s) => s.compare);
  const metaA = useApp((s) => s.meta);
  const frameA = useApp((s) => s.frame);
  const logA = useApp((s) => s.log);
  const setCompare = useApp((s) => s.setCompare);
  const frameB = useStore(b.store, (s) => s.frame);
  const metaB = useStore(b.store, (s) => s.meta);
  const logB = useStore(b.store, (s) => s.log);
  const errorB = useStore(b.store, (s) => s.invalid ?? s.error);
  const variation = useMemo(() => (compare === null ? null : parseVariation(compare)), [compare]);

  // B: A's scenario with the variation, computed to its end (for the log diff).
  const docA = metaA?.json;
  useEffect(() => {
    if (docA === undefined || variation === null || typeof variation === 'string') return;
    b.store.getState().load({ scenario: applyVariation(JSON.parse(docA) as unknown, variation) });
    b.store.getState().send({ type: 'jump', to: 'end' });
  }, [b, docA, variation]);
  // A, computed to its end once, so the slider spans the whole run.
  const endA = frameA?.end ?? null;
  const stepA = frameA?.step ?? 0;
  const askedEnd = useRef<string | null>(null);
  const loadedA = frameA !== null;
  useEffect(() => {
    if (docA === undefined || !loadedA || endA !== null || askedEnd.current === docA) return;
    askedEnd.current = docA;
    const here = a.getState().frame?.step ?? 0;
    a.getState().send({ type: 'jump', to: 'end' });
    a.getState().send({ type: 'seek', step: here });
  }, [a, docA, endA, loadedA]);

  // B follows A by script progress: the same command, as long after it, as
  // many events into that instant. Sent from A's store as its frame arrives,
  // not from an effect after the paint, so both sides show the same moment a
  // frame sooner.
  useEffect(() => {
    if (metaB === null) return;
    let last = '';
    const follow = (f: Frame | null) => {
      const p = f?.progress;
      const key = p === undefined ? '' : `${p.command}/${p.after}/${p.nth}`;
      if (p === undefined || key === last) return;
      last = key;
      b.store.getState().send({ type: 'progress', command: p.command, after: p.after, nth: p.nth });
    };
    follow(a.getState().frame);
    return a.subscribe((s) => follow(s.frame));
  }, [a, b, metaB]);

  const seekA = useMemo(() => frameThrottle<number>((s) => a.getState().send({ type: 'seek', step: s })), [a]);
  useEffect(() => () => seekA.cancel(), [seekA]);

  const stepB = frameB?.step ?? 0;
  const linesA = useMemo(() => compared(logA.toArray()), [logA]);
  const linesB = useMemo(() => compared(logB.toArray()), [logB]);
  const endB = frameB?.end ?? null;
  const divergence = useMemo(() => firstDivergence(linesA, linesB, endA !== null && endB !== null ? { a: endA, b: endB } : null), [linesA, linesB, endA, endB]);
  const shownA = useMemo(() => linesA.filter((l) => l.step <= stepA), [linesA, stepA]);
  const shownB = useMemo(() => linesB.filter((l) => l.step <= stepB), [linesB, stepB]);
  const rows = useMemo(() => diffRows(shownA, shownB), [shownA, shownB]);
  const differing = rows.filter((r) => r.kind !== 'same').length;
  const logRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = logRef.current;
    if (el !== null) el.scrollTop = el.scrollHeight;
  }, [rows]);

  if (variation === null) return null;
  const label = typeof variation === 'string' ? null : variationLabel(variation);
  const max = endA ?? frameA?.computed ?? 0;
  const jump = () => {
    if (divergence === null) return;
    a.getState().send({ type: 'seek', step: divergence.a });
  };
  const shownRows = rows.slice(-MAX_ROWS);
  return (
    <section className="compare" aria-label="Compare two runs">
      <div className="cmp-bar">
        <strong className="cmp-title">
          Compare: <span className="badge">{metaA?.kernel}</span> vs <span className="badge">{label ?? '?'}</span>
        </strong>
        <label className="cmp-slider">
          <span>Script progress</span>
          <input
            type="range"
            aria-label="Script progress (both runs)"
            min={0}
            max={Math.max(1, max)}
            value={Math.min(stepA, max)}
            onChange={(e) => {
              seekA.push(Number(e.target.value));
            }}
          />
          <output className="mono">
            A {enNumber(stepA)} · B {enNumber(stepB)}
          </output>
        </label>
        <div className="cmp-divergence" role="status" aria-label="First divergence">
          {divergence === null ? (
            <span>{endA !== null && endB !== null ? 'The two logs are the same.' : 'No difference in the logs so far.'}</span>
          ) : (
            <>
              <span>
                First difference: log line {divergence.line + 1}, step {enNumber(divergence.a)} (A) / {enNumber(divergence.b)} (B)
              </span>
              <button type="button" onClick={jump}>
                Jump to the first divergence
              </button>
            </>
          )}
        </div>
        <button type="button" onClick={() => setCompare(null)}>
          Close compare
        </button>
      </div>
      {typeof variation === 'string' && <p className="notice notice-invalid" role="alert">{variation}</p>}
      {errorB !== null && (
        <p className="notice notice-invalid" role="alert">
          The second run could not be opened: {errorB}
        </p>
      )}
      <div className="cmp-runs">
        <section className="cmp-run" aria-label={`Run A: ${metaA?.name ?? ''}`}>
          <h2 className="cmp-run-name">A · {metaA?.kernel} · {metaA?.name}</h2>
          <TaskGrid />
        </section>
        <CompareGlobals a={frameA?.globals ?? null} b={frameB?.globals ?? null} />
        <section className="cmp-run" aria-label={`Run B: ${metaB?.name ?? ''}`}>
          <h2 className="cmp-run-name">B · {metaB?.kernel} · {metaB?.name}</h2>
          <ProvideStore store={b.store}>
            <TaskGrid />
          </ProvideStore>
        </section>
      </div>
      <section className="cmp-log" aria-label="Kernel logs compared">
        <h2 className="cmp-log-head">
          Kernel logs, side by side <span className="panel-meta">{differing === 0 ? 'no lines differ so far' : `${differing} line${differing === 1 ? '' : 's'} only one run printed (marked)`}</span>
        </h2>
        <div ref={logRef} className="cmp-log-rows" role="table" aria-label="Log diff">
          {shownRows.map((r, i) => {
            const first = divergence !== null && ((r.a !== null && r.a === linesA[divergence.line]) || (r.b !== null && r.b === linesB[divergence.line]));
            return (
              <div key={rows.length - shownRows.length + i} role="row" className={`cmp-row cmp-row-${r.kind}${first ? ' is-first' : ''}`} aria-label={r.kind === 'same' ? undefined : r.kind === 'a' ? 'only in A' : 'only in B'}>
                <span role="cell" className="cmp-cell">{r.a?.text ?? ''}</span>
                <span role="cell" className="cmp-mark" aria-hidden="true">
                  {r.kind === 'a' ? '−' : r.kind === 'b' ? '+' : ''}
                </span>
                <span role="cell" className="cmp-cell">{r.b?.text ?? ''}</span>
              </div>
            );
          })}
        </div>
      </section>
    </section>
  );
}

export type { AppStore };
