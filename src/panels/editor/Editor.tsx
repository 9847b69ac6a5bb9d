// "Edit scenario": a header button that opens the scenario editor. This shell
// stays small: the dialog, with the schema (and so zod), is a separate chunk
// loaded on first use, and fetched ahead when the pointer or focus reaches
// the button.
import { Component, lazy, Suspense, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useApp } from '../../app/store.ts';

const loadDialog = () => import('./EditorDialog.tsx');
const EditorDialog = lazy(loadDialog);

function preload(): void {
  // A failed prefetch is retried by lazy() when the dialog opens.
  loadDialog().catch(() => undefined);
}

/** If the dialog's chunk cannot be fetched, says so instead of taking the page down. */
class LoadFailure extends Component<{ readonly onClose: () => void; readonly children: ReactNode }, { readonly error: string | null }> {
  override state = { error: null as string | null };

  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="dialog-backdrop">
        <div className="dialog" role="alertdialog" aria-label="Scenario editor" aria-describedby="ed-load-failure">
          <p id="ed-load-failure">The scenario editor could not be loaded ({this.state.error}). Reload the page to try again.</p>
          <button type="button" autoFocus onClick={this.props.onClose}>
            Close
          </button>
        </div>
      </div>
    );
  }
}

export function Editor() {
  const ready = useApp((s) => s.meta !== null);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="ed-trigger"
        aria-haspopup="dialog"
        aria-expanded={open}
        disabled={!ready}
        title="Edit the open scenario as a form or as JSON"
        onPointerEnter={preload}
        onFocus={preload}
        onClick={() => setOpen(true)}
      >
        Edit scenario
      </button>
      {open && (
        <LoadFailure onClose={() => setOpen(false)}>
          <Suspense
            fallback={
              <div className="dialog-backdrop">
                <p className="dialog" role="status">
                  Loading the scenario editor…
                </p>
              </div>
            }
          >
            <EditorDialog onClose={() => setOpen(false)} returnFocus={button} />
          </Suspense>
        </LoadFailure>
      )}
    </>
  );
}
