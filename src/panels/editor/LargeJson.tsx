// The JSON view of a large document (over LARGE_DOC_CHARS, up to the 4 MiB
// file limit): a CodeMirror view, which lays out only the lines on screen, so
// that a keystroke costs the same in a document of 10,000 task groups as in a
// small one (a textarea lays out the whole text on each). The dialog's text
// follows it; a text changed from outside (Reset, a file) replaces its content.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef } from 'react';

export function LargeJson(props: { readonly id: string; readonly label: string; readonly text: string; readonly onText: (text: string) => void; readonly describedBy?: string; readonly invalid: boolean }) {
  const { id, label, text, onText, describedBy, invalid } = props;
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  /** The text this view last reported (or was given): a render with it changes nothing. */
  const known = useRef(text);
  const report = useRef(onText);
  useEffect(() => {
    report.current = onText;
  }, [onText]);

  useEffect(() => {
    const parent = host.current;
    if (parent === null) return;
    const v = new EditorView({
      parent,
      state: EditorState.create({
        doc: known.current,
        extensions: [
          // The usual keys (moving through the whole document, not only the lines on screen) and undo; Tab leaves it, as a textarea's does.
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.contentAttributes.of({ id, 'aria-label': label, 'aria-multiline': 'true', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            const t = u.state.doc.toString();
            known.current = t;
            report.current(t);
          }),
        ],
      }),
    });
    view.current = v;
    // It takes the place of the textarea, which had the focus (the text just grew past the size).
    v.focus();
    return () => {
      v.destroy();
      view.current = null;
    };
  }, [id, label]);

  // A layout effect, run with the render that brought `text`: a passive effect
  // may run after the next key was typed (Preact runs them after a frame) and
  // would put the older text back, which the view reports, and so on forever.
  useLayoutEffect(() => {
    const v = view.current;
    if (v === null || text === known.current) return;
    known.current = text;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
  }, [text]);

  useEffect(() => {
    const content = view.current?.contentDOM;
    if (content === undefined) return;
    if (invalid) content.setAttribute('aria-invalid', 'true');
    else content.removeAttribute('aria-invalid');
    if (describedBy !== undefined) content.setAttribute('aria-describedby', describedBy);
    else content.removeAttribute('aria-describedby');
  }, [invalid, describedBy]);

  return <div ref={host} className="ed-json-text ed-json-large" />;
}
