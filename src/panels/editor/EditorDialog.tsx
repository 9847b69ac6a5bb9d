// The scenario editor's dialog (loaded on demand by Editor.tsx, with the
// schema and so zod): the form and the JSON text side by side, kept in step.
// The JSON text is the truth: a form edit rewrites it from the document; a
// JSON edit that parses as an object becomes the form's document. Both are
// checked with parseScenario ~200 ms after the last keystroke, and the error
// is shown at the control that holds its path and in the summary line.
import { trapTab } from '../dialog.ts';
import { lazy, Suspense, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent, RefObject } from 'react';
import { useAppStore } from '../../app/store.ts';
import { presetById } from '../../sim/scenario/presets.ts';
import type { ScenarioError } from '../../sim/scenario/types.ts';
import { MAX_FILE_BYTES } from '../../sim/limits.ts';
import { checkClient, checkText, errorOf, LARGE_DOC_CHARS } from './check.ts';
import type { CheckResult } from './check.ts';
import { JSON_FIELD, docOf, docText, errorTarget, fileName, lineRange, setIn } from './doc.ts';
import type { Doc, ErrorTarget, Path } from './doc.ts';
import { openDraft, saveDraft } from './draft.ts';
import { FormContext } from './fields.tsx';
import type { FormApi } from './fields.tsx';
import { ScenarioForm } from './ScenarioForm.tsx';
import './editor.css';

/** How long typing pauses before the document is checked. */
export const CHECK_DELAY_MS = 200;

type Check = { readonly text: string; readonly ok: true; readonly summary: string } | { readonly text: string; readonly ok: false; readonly error: ScenarioError };

const toCheck = (text: string, r: CheckResult): Check => (r.ok ? { text, ok: true, summary: r.summary } : { text, ok: false, error: errorOf(r) });
const check = (text: string): Check => toCheck(text, checkText(text));

/** The message shown at the control (the summary line shows the whole one). */
function fieldMessage(e: ScenarioError, t: ErrorTarget): string {
  if (e.kind === 'unsupported' || t.field === JSON_FIELD) return e.message;
  if (t.line !== undefined) return `Line ${t.line}: ${e.expected}`;
  const item = /^\[(\d+)\]/.exec(e.where.slice(t.field.length));
  return item ? `Item ${Number(item[1]) + 1}: ${e.expected}` : e.expected;
}

/** The large-document view (CodeMirror) is loaded only when a document is that large. */
const LargeJson = lazy(() => import('./LargeJson.tsx').then((m) => ({ default: m.LargeJson })));

interface EditorState {
  /** The JSON text: what is checked, applied and saved. */
  readonly text: string;
  /** The form's document: the text's, or its last version that parsed as an object. */
  readonly doc: Doc;
  /** The text parses as an object (the form can edit it). */
  readonly docOk: boolean;
  /** Over LARGE_DOC_CHARS: the JSON view only (no form), checked in a worker, never parsed while typing. */
  readonly large: boolean;
  /** The text before the last reset or file opened, to undo it. */
  readonly undo: { readonly what: string; readonly text: string } | null;
}

const fromText = (text: string, prev: Doc, undo: EditorState['undo'] = null): EditorState => {
  if (text.length > LARGE_DOC_CHARS) return { text, doc: prev, docOk: false, large: true, undo };
  const doc = docOf(text);
  return { text, doc: doc ?? prev, docOk: doc !== null, large: false, undo };
};



export default function EditorDialog(props: { readonly onClose: () => void; readonly returnFocus: RefObject<HTMLElement | null> }) {
  const { onClose, returnFocus } = props;
  const store = useAppStore();
  const uid = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // What was loaded when the dialog opened: "Reset" goes back to it.
  const [opened] = useState(() => {
    const meta = store.getState().meta;
    const json = meta?.json ?? '{"format": "klpscope/1"}';
    const preset = meta?.preset != null ? presetById(meta.preset) : undefined;
    return { json, text: docText(docOf(json) ?? { format: 'klpscope/1' }), preset };
  });
  const [kept] = useState(() => openDraft(store, opened.json));
  const [base, setBase] = useState(() => kept?.draft.base ?? opened.json);
  const [start, setStart] = useState(() => kept?.draft.start ?? opened.text);
  const [stale, setStale] = useState(kept?.stale ?? false);
  const [state, setState] = useState<EditorState>(() => fromText(kept?.draft.text ?? opened.text, docOf(opened.text) ?? {}));
  const [result, setResult] = useState<Check | null>(() => (state.large ? null : check(state.text)));
  const { text } = state;
  const [checker] = useState(checkClient);
  const [fileError, setFileError] = useState<string | null>(null);
  useEffect(() => () => checker.close(), [checker]);

  // The draft outlives the dialog: reopening shows it again.
  useEffect(() => {
    saveDraft(store, { base, start, text, applied: false });
  }, [store, base, start, text]);

  // The check runs once typing pauses: a large document's in the check worker.
  const checked = result?.text;
  useEffect(() => {
    if (checked === text) return;
    const t = setTimeout(() => {
      if (text.length > LARGE_DOC_CHARS) checker.check(text, (r) => setResult(toCheck(text, r)));
      else setResult(check(text));
    }, CHECK_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, checked, checker]);

  // Focus moves into the dialog when it opens and back when it closes.
  useEffect(() => {
    dialog.current?.focus();
    const back = returnFocus;
    return () => back.current?.focus();
  }, [returnFocus]);

  // A form edit may ask for a control to get focus once it is rendered (a new row's first field).
  const pendingFocus = useRef<string | null>(null);
  const idFor = useCallback((key: string) => `${uid}-${key.replace(/\[(\d+)\]/g, '-$1').replace(/[^\w-]/g, '_')}`, [uid]);
  // In the commit itself (a layout effect), so focus is where it belongs as soon as the click's work is done.
  useLayoutEffect(() => {
    if (pendingFocus.current === null) return;
    document.getElementById(idFor(pendingFocus.current))?.focus();
    pendingFocus.current = null;
  });

  const target = useMemo(() => (result === null || result.ok ? null : errorTarget(result.error.where)), [result]);
  const message = result === null || result.ok || target === null ? null : fieldMessage(result.error, target);

  const form = useMemo<FormApi>(
    () => ({
      doc: state.doc,
      disabled: !state.docOk,
      set: (path: Path, value: unknown) =>
        setState((s) => {
          const doc = setIn(s.doc, path, value) as Doc;
          return { ...s, doc, text: docText(doc), docOk: true, large: false, undo: null };
        }),
      update: (edit, focusKey) => {
        if (focusKey !== undefined) pendingFocus.current = focusKey;
        setState((s) => {
          const doc = edit(s.doc) as Doc;
          return { ...s, doc, text: docText(doc), docOk: true, large: false, undo: null };
        });
      },
      errorAt: (key) => (target !== null && target.field === key ? message : null),
      idFor,
    }),
    [state.doc, state.docOk, target, message, idFor],
  );

  const setText = (next: string) => setState((s) => fromText(next, s.doc));
  /** Replaces the whole text (reset, file), keeping the one before for "Undo". */
  const replaceWith = (what: string, next: string) => setState((s) => fromText(next, s.doc, { what, text: s.text }));
  /** The draft is now about the open scenario. */
  const rebase = () => {
    setStale(false);
    setBase(opened.json);
    setStart(opened.text);
  };

  const apply = () => {
    let r = result;
    if (r === null || r.text !== text) {
      r = check(text);
      setResult(r);
    }
    if (!r.ok) return;
    store.getState().load({ scenario: JSON.parse(text) as unknown });
    saveDraft(store, { base, start, text, applied: true });
    onClose();
  };

  const reset = () => {
    const to = opened.preset !== undefined ? docText(opened.preset.scenario as unknown as Doc) : opened.text;
    rebase();
    replaceWith('reset', to);
  };

  const save = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName(state.doc.name);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  const showError = () => {
    if (target === null) return;
    if (target.field === JSON_FIELD) {
      document.getElementById(`${uid}-json`)?.focus();
      return;
    }
    const el = document.getElementById(idFor(target.field));
    el?.focus();
    if (target.line !== undefined && el instanceof HTMLTextAreaElement) el.setSelectionRange(...lineRange(el.value, target.line));
  };

  // A modal: keys stay inside (the app's shortcuts do not run behind it), Tab cycles through it.
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      apply();
    } else {
      trapTab(e, dialog.current);
    }
  };

  const jsonError = target?.field === JSON_FIELD ? message : null;
  const resetLabel = opened.preset !== undefined ? 'Reset to preset' : 'Reset';

  return (
    <div className="dialog-backdrop ed-backdrop">
      <div ref={dialog} className="ed-dialog" role="dialog" aria-modal="true" aria-labelledby={`${uid}-title`} aria-describedby={`${uid}-intro`} tabIndex={-1} onKeyDown={onKeyDown}>
        <div className="ed-head">
          <h2 id={`${uid}-title`}>Scenario editor</h2>
          <p id={`${uid}-intro`} className="ed-intro">
            Edit the form or the JSON: each follows the other and both are checked as you type. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> applies; <kbd>Esc</kbd> closes and keeps your
            draft.
          </p>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
        {stale && (
          <p className="ed-note">
            This draft was started from another scenario than the one now open.{' '}
            <button
              type="button"
              onClick={() => {
                rebase();
                replaceWith('start over', opened.text);
              }}
            >
              Start over from the open scenario
            </button>
          </p>
        )}
        <div className="ed-body">
          <div className="ed-form">
            {state.large ? (
              <p className="ed-note" id={`${uid}-form-note`}>
                This document is large ({(text.length / 1024).toFixed(0)} kB, up to {MAX_FILE_BYTES / 1024 / 1024} MiB): edit it as JSON. The form is off so that typing stays quick, and the
                document is checked in the background.
              </p>
            ) : (
              <>
            {!state.docOk && (
              <p className="ed-note" id={`${uid}-form-note`}>
                The JSON text is not a JSON object right now: the form shows its last version and is read-only until the JSON is fixed.
              </p>
            )}
            <FormContext.Provider value={form}>
              <ScenarioForm uid={uid} />
            </FormContext.Provider>
              </>
            )}
          </div>
          <div className="ed-json">
            <label htmlFor={`${uid}-json`}>Scenario JSON</label>
            {state.large ? (
              <Suspense fallback={<p className="ed-note">Opening the large-document view…</p>}>
              <LargeJson
                id={`${uid}-json`}
                label="Scenario JSON"
                text={text}
                onText={setText}
                invalid={jsonError !== null}
                describedBy={jsonError !== null ? `${uid}-json-err` : undefined}
              />
              </Suspense>
            ) : (
              <textarea
                id={`${uid}-json`}
                className="ed-json-text"
                spellCheck={false}
                autoCapitalize="off"
                autoComplete="off"
                wrap="off"
                value={text}
                aria-invalid={jsonError !== null || undefined}
                aria-describedby={jsonError !== null ? `${uid}-json-err` : undefined}
                onChange={(e) => setText(e.target.value)}
              />
            )}
            {jsonError !== null && (
              <p id={`${uid}-json-err`} className="ed-error">
                <span aria-hidden="true">⚠ </span>
                {jsonError}
              </p>
            )}
          </div>
        </div>
        <div className="ed-foot">
          <div className="ed-summary">
            {fileError !== null && (
              <p role="alert" className="ed-bad">
                {fileError}
              </p>
            )}
            {result === null ? (
              <p role="status" className="ed-checking">
                Checking…
              </p>
            ) : result.ok ? (
              <p role="status" className="ed-ok">
                <span aria-hidden="true">✓ </span>
                {result.summary}
              </p>
            ) : (
              <p role="alert" className="ed-bad">
                <span aria-hidden="true">⚠ </span>
                <span className="mono">{result.error.message}</span>{' '}
                <button type="button" className="ed-link" onClick={showError}>
                  {target?.line !== undefined ? `Show line ${target.line}` : 'Show'}
                </button>
              </p>
            )}
          </div>
          <div className="ed-buttons">
            {state.undo !== null && (
              <button type="button" onClick={() => setText(state.undo?.text ?? text)} title="Back to the text before it">
                Undo {state.undo.what}
              </button>
            )}
            <button type="button" onClick={reset} title={opened.preset !== undefined ? `Back to the preset "${opened.preset.title}"` : 'Back to the scenario as it was when the editor opened'}>
              {resetLabel}
            </button>
            <button type="button" onClick={() => fileInput.current?.click()} title="Read a .json scenario into the editor (without applying it)">
              Open file…
            </button>
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              aria-label="Open scenario file in the editor"
              className="sr-only"
              tabIndex={-1}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file === undefined) return;
                // A file past the limit is not read at all (docs/scenario.md §12).
                if (file.size > MAX_FILE_BYTES) setFileError(`${file.name} was not opened: it has ${(file.size / 1024 / 1024).toFixed(1)} MiB, more than the ${MAX_FILE_BYTES / 1024 / 1024} MiB a scenario may have.`);
                else {
                  setFileError(null);
                  void file.text().then((t) => replaceWith('open file', t));
                }
              }}
            />
            <button type="button" onClick={save} title={`Download ${fileName(state.doc.name)}`}>
              Save to file
            </button>
            <button type="button" className="ed-apply" disabled={result === null || !result.ok} aria-keyshortcuts="Control+Enter Meta+Enter" onClick={apply}>
              Apply
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}
