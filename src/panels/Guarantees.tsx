// The guarantees page: every invariant by number and name, what it promises
// and the kernel mechanism that keeps it. A dialog, opened from the help and
// from every violation message (at that invariant).
import { Fragment, useCallback, useEffect, useRef } from 'react';
import { useApp } from '../app/store.ts';
import { trapTab } from './dialog.ts';
import { GUARANTEES, invariantMentions } from './guarantees.ts';

/** A link to the guarantees page, at one invariant. */
export function InvariantLink(props: { readonly invariant: number; readonly children?: string }) {
  const show = useApp((s) => s.showGuarantees);
  return (
    <button type="button" className="link-button" onClick={() => show(props.invariant)} title="What this guarantee is and what upholds it">
      {props.children ?? `invariant ${props.invariant}`}
    </button>
  );
}

/**
 * A text in which every "invariant N" (or "Invariant N") is a link to the
 * guarantees page at N: tour stops, narration, violations, search results.
 */
export function InvariantText(props: { readonly text: string }) {
  const parts = invariantMentions(props.text);
  if (parts.length === 1 && typeof parts[0] === 'string') return <>{props.text}</>;
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          <Fragment key={i}>{p}</Fragment>
        ) : (
          <InvariantLink key={i} invariant={p.invariant}>
            {p.words}
          </InvariantLink>
        ),
      )}
    </>
  );
}

export function Guarantees() {
  const open = useApp((s) => s.guarantees);
  const show = useApp((s) => s.showGuarantees);
  const ref = useRef<HTMLDivElement>(null);
  const back = useRef<HTMLElement | null>(null);
  const close = useCallback(() => {
    show(undefined);
    back.current?.focus();
  }, [show]);
  const at = open?.invariant ?? null;
  useEffect(() => {
    if (open === null) return;
    if (back.current === null && document.activeElement instanceof HTMLElement) back.current = document.activeElement;
    const el = ref.current;
    const target = at === null ? null : el?.querySelector<HTMLElement>(`#guarantee-${at}`);
    (target ?? el?.querySelector<HTMLElement>('h2'))?.focus();
    target?.scrollIntoView?.({ block: 'start' });
  }, [open, at]);
  useEffect(() => {
    if (open === null) back.current = null;
  }, [open]);
  if (open === null) return null;
  return (
    <div className="dialog-backdrop" onClick={close}>
      <div
        ref={ref}
        className="dialog guarantees"
        role="dialog"
        aria-modal="true"
        aria-labelledby="guarantees-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') close();
          else trapTab(e, e.currentTarget);
        }}
      >
        <h2 id="guarantees-title" tabIndex={-1}>
          The guarantees of the consistency model
        </h2>
        <p>After every event the simulator checks these. A message that names an invariant by number means this list.</p>
        <ol className="guarantee-list">
          {GUARANTEES.map((g) => (
            <li key={g.id} id={`guarantee-${g.id}`} tabIndex={-1} className={g.id === at ? 'is-current' : undefined} value={g.id}>
              <h3>
                {g.id}. {g.name}
              </h3>
              <p>
                <InvariantText text={g.promise} />
              </p>
              <p>
                <strong>Upheld by:</strong> <InvariantText text={g.mechanism} />
              </p>
              {g.givenUpBy !== undefined && (
                <p>
                  <strong>Knowingly given up by:</strong> <InvariantText text={g.givenUpBy} />.
                </p>
              )}
            </li>
          ))}
        </ol>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </div>
  );
}
