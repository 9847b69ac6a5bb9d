// The form's controls. Each one edits the value at a path of the document,
// shows it as it is (a default as a placeholder when the field is absent),
// and, when the error of the last check is at its path, is marked invalid
// with the message right under it.
import { createContext, useContext, useState } from 'react';
import type { ReactNode } from 'react';
import { formatList, getIn, parseList, pathKey, sameJson } from './doc.ts';
import type { Doc, Path } from './doc.ts';

export interface FormApi {
  readonly doc: Doc;
  /** The JSON text does not parse as an object: the form shows its last version, read only. */
  readonly disabled: boolean;
  set(path: Path, value: unknown): void;
  update(edit: (doc: Doc) => unknown, focusKey?: string): void;
  /** The message to show at the control of this key, if the error is there. */
  errorAt(key: string): string | null;
  /** The DOM id of the control of this key. */
  idFor(key: string): string;
}

export const FormContext = createContext<FormApi | null>(null);

export function useForm(): FormApi {
  const f = useContext(FormContext);
  if (f === null) throw new Error('useForm outside the scenario form');
  return f;
}

function useField(path: Path) {
  const form = useForm();
  const key = pathKey(path);
  const id = form.idFor(key);
  return { id, errId: `${id}-err`, hintId: `${id}-hint`, error: form.errorAt(key), value: getIn(form.doc, path), set: (v: unknown) => form.set(path, v) };
}

const ids = (...list: (string | false | null | undefined)[]): string | undefined => list.filter(Boolean).join(' ') || undefined;

export function ErrorText(props: { readonly id: string; readonly error: string | null }) {
  if (props.error === null) return null;
  return (
    <p id={props.id} className="ed-error">
      <span aria-hidden="true">⚠ </span>
      {props.error}
    </p>
  );
}

interface Common {
  readonly path: Path;
  readonly label: string;
  readonly hint?: ReactNode;
  readonly className?: string;
}

function Shell(props: { readonly id: string; readonly label: string; readonly hint?: ReactNode; readonly hintId: string; readonly errId: string; readonly error: string | null; readonly className?: string; readonly children: ReactNode }) {
  return (
    <div className={`ed-field ${props.className ?? ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint !== undefined && (
        <p id={props.hintId} className="ed-hint">
          {props.hint}
        </p>
      )}
      <ErrorText id={props.errId} error={props.error} />
    </div>
  );
}

/** A string; `optional` ones are removed when emptied (the field takes its default). */
export function TextField(props: Common & { readonly placeholder?: string; readonly optional?: boolean; readonly list?: string; readonly mono?: boolean; readonly rows?: number }) {
  const f = useField(props.path);
  const value = typeof f.value === 'string' ? f.value : f.value === undefined ? '' : JSON.stringify(f.value);
  const common = {
    id: f.id,
    value,
    placeholder: props.placeholder,
    className: props.mono ? 'mono' : undefined,
    spellCheck: props.mono ? false : undefined,
    'aria-invalid': f.error !== null || undefined,
    'aria-describedby': ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId),
    onChange: (e: { target: { value: string } }) => f.set(e.target.value === '' && props.optional ? undefined : e.target.value),
  };
  return (
    <Shell id={f.id} hintId={f.hintId} errId={f.errId} error={f.error} label={props.label} hint={props.hint} className={props.className}>
      {props.rows === undefined ? <input type="text" list={props.list} autoComplete="off" {...common} /> : <textarea rows={props.rows} {...common} />}
    </Shell>
  );
}

const numberText = (v: unknown): string => (typeof v === 'number' ? String(v) : '');

/** A number; emptied, the field is removed and takes its default (the placeholder). */
export function NumberField(props: Common & { readonly placeholder?: string; readonly min?: number; readonly max?: number }) {
  const f = useField(props.path);
  return (
    <Shell id={f.id} hintId={f.hintId} errId={f.errId} error={f.error} label={props.label} hint={props.hint} className={props.className}>
      <input
        id={f.id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        value={numberText(f.value)}
        placeholder={props.placeholder}
        aria-invalid={f.error !== null || undefined}
        aria-describedby={ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId)}
        onChange={(e) => f.set(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </Shell>
  );
}

export function CheckField(props: Common & { readonly defaultValue: boolean }) {
  const f = useField(props.path);
  const checked = typeof f.value === 'boolean' ? f.value : props.defaultValue;
  return (
    <div className={`ed-field ed-check ${props.className ?? ''}`}>
      <span className="ed-check-row">
        <input
          id={f.id}
          type="checkbox"
          checked={checked}
          aria-invalid={f.error !== null || undefined}
          aria-describedby={ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId)}
          onChange={(e) => f.set(e.target.checked)}
        />
        <label htmlFor={f.id}>{props.label}</label>
      </span>
      {props.hint !== undefined && (
        <p id={f.hintId} className="ed-hint">
          {props.hint}
        </p>
      )}
      <ErrorText id={f.errId} error={f.error} />
    </div>
  );
}

/** One of a few strings; a value outside them is shown as it is, to be replaced. */
export function SelectField(props: Common & { readonly options: readonly string[]; readonly defaultValue: string }) {
  const f = useField(props.path);
  const value = f.value === undefined ? props.defaultValue : typeof f.value === 'string' ? f.value : JSON.stringify(f.value);
  const options = props.options.includes(value) ? props.options : [...props.options, value];
  return (
    <Shell id={f.id} hintId={f.hintId} errId={f.errId} error={f.error} label={props.label} hint={props.hint} className={props.className}>
      <select
        id={f.id}
        value={value}
        aria-invalid={f.error !== null || undefined}
        aria-describedby={ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId)}
        onChange={(e) => f.set(e.target.value)}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {props.options.includes(o) ? o : `${o} (not valid)`}
          </option>
        ))}
      </select>
    </Shell>
  );
}

/** Several of a list of names (a listbox); names chosen but not offered are shown too. */
export function MultiSelectField(props: Common & { readonly options: readonly string[]; readonly defaultValue: readonly string[] }) {
  const f = useField(props.path);
  const selected = Array.isArray(f.value) ? f.value.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [...props.defaultValue];
  const options = [...new Set([...props.options, ...selected])];
  return (
    <Shell id={f.id} hintId={f.hintId} errId={f.errId} error={f.error} label={props.label} hint={props.hint} className={props.className}>
      <select
        id={f.id}
        multiple
        size={Math.min(options.length, 7)}
        value={selected}
        aria-invalid={f.error !== null || undefined}
        aria-describedby={ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId)}
        onChange={(e) => f.set(Array.from(e.target.selectedOptions, (o) => o.value))}
      >
        {options.map((o) => (
          <option key={o} value={o}>
            {props.options.includes(o) ? o : `${o} (not declared)`}
          </option>
        ))}
      </select>
    </Shell>
  );
}

/**
 * A list typed as words separated by commas. The text typed is kept while it
 * means the same list (`1, ` stays as typed); a change from the JSON view
 * replaces it.
 */
export function ListField(props: Common & { readonly numbers?: boolean; readonly placeholder?: string; readonly list?: string }) {
  const f = useField(props.path);
  const numbers = props.numbers ?? false;
  const [local, setLocal] = useState({ value: f.value, text: formatList(f.value) });
  let text = local.text;
  if (local.value !== f.value) {
    const typed = parseList(local.text, numbers);
    text = sameJson(typed.length > 0 ? typed : undefined, f.value) ? local.text : formatList(f.value);
    setLocal({ value: f.value, text });
  }
  return (
    <Shell id={f.id} hintId={f.hintId} errId={f.errId} error={f.error} label={props.label} hint={props.hint} className={props.className}>
      <input
        id={f.id}
        type="text"
        className="mono"
        spellCheck={false}
        autoComplete="off"
        list={props.list}
        value={text}
        placeholder={props.placeholder}
        aria-invalid={f.error !== null || undefined}
        aria-describedby={ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId)}
        onChange={(e) => {
          const typed = parseList(e.target.value, numbers);
          setLocal({ value: f.value, text: e.target.value });
          f.set(typed.length > 0 ? typed : undefined);
        }}
      />
    </Shell>
  );
}

/**
 * `[MIN, MAX]` milliseconds as two numbers, and with `forever` a checkbox for
 * `"forever"`. Emptying both ends removes the field (its default).
 */
export function RangeField(props: Common & { readonly defaults: readonly [number, number]; readonly forever?: boolean }) {
  const f = useField(props.path);
  const legend = `${f.id}-legend`;
  const isForever = f.value === 'forever';
  const pair = Array.isArray(f.value) ? f.value : [];
  const edit = (end: 0 | 1, raw: string) => {
    const base: unknown[] = Array.isArray(f.value) ? [...(f.value as unknown[])] : [...props.defaults];
    base[end] = raw === '' ? null : Number(raw);
    f.set(base[0] === null && base[1] === null ? undefined : base.slice(0, 2));
  };
  const describedBy = ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId);
  const end = (i: 0 | 1) => {
    const id = i === 0 ? f.id : `${f.id}-max`;
    const word = i === 0 ? 'min' : 'max';
    return (
      <span className="ed-range-end">
        <label id={`${id}-label`} htmlFor={id}>
          {word}
        </label>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={0}
          value={numberText(pair[i])}
          placeholder={isForever ? '' : String(props.defaults[i])}
          disabled={isForever}
          aria-labelledby={`${legend} ${id}-label`}
          aria-invalid={f.error !== null || undefined}
          aria-describedby={describedBy}
          onChange={(e) => edit(i, e.target.value)}
        />
      </span>
    );
  };
  return (
    <fieldset className={`ed-field ed-range ${props.className ?? ''}`}>
      <legend id={legend}>{props.label}</legend>
      <span className="ed-range-row">
        {end(0)}
        {end(1)}
        {props.forever && (
          <span className="ed-check-row">
            <input
              id={`${f.id}-forever`}
              type="checkbox"
              checked={isForever}
              aria-invalid={f.error !== null || undefined}
              aria-describedby={describedBy}
              onChange={(e) => f.set(e.target.checked ? 'forever' : undefined)}
            />
            <label htmlFor={`${f.id}-forever`}>forever</label>
          </span>
        )}
      </span>
      {props.hint !== undefined && (
        <p id={f.hintId} className="ed-hint">
          {props.hint}
        </p>
      )}
      <ErrorText id={f.errId} error={f.error} />
    </fieldset>
  );
}

/** The script: one command per line. */
export function ScriptField(props: Common) {
  const f = useField(props.path);
  const text = Array.isArray(f.value) ? f.value.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join('\n') : '';
  return (
    <Shell id={f.id} hintId={f.hintId} errId={f.errId} error={f.error} label={props.label} hint={props.hint} className={props.className}>
      <textarea
        id={f.id}
        className="mono ed-script"
        rows={Math.min(Math.max(text.split('\n').length + 1, 5), 16)}
        spellCheck={false}
        wrap="off"
        value={text}
        aria-invalid={f.error !== null || undefined}
        aria-describedby={ids(f.error !== null && f.errId, props.hint !== undefined && f.hintId)}
        onChange={(e) => f.set(e.target.value === '' ? [] : e.target.value.split('\n'))}
      />
    </Shell>
  );
}
