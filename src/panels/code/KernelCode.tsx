// The kernel code panel: the modelled kernel function of the current event
// as klpscope's own pseudo-code, its line highlighted (aria-current="step")
// with the values it reads or writes shown beside it. Lines only other
// kernels have can be shown in place; the rfc-v2 lines that hold the seed's
// bug say so. A plain link opens the function at the variant's kernel
// version in a public source browser (nothing is fetched by the page).
import { memo, useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { useApp } from '../../app/store.ts';
import { klpStateMacro } from '../../sim/names.ts';
import { codeRefOf } from '../../sim/trace/codemap.ts';
import { CODE_FUNCTIONS, CODE_KERNELS, codeFunction, linesOf, sourceLink } from '../../sim/trace/listings.ts';
import type { CodeFnId, CodeKernel, CodeLine, CodeValue } from '../../sim/trace/listings.ts';
import type { Frame } from '../../worker/protocol.ts';
import { Panel } from '../Panel.tsx';
import './code.css';

const FN_IDS = Object.keys(CODE_FUNCTIONS) as CodeFnId[];
const NOTE = "pseudo-code with the kernel's names, not the kernel's source";

const isKernel = (v: string | undefined): v is CodeKernel => (CODE_KERNELS as readonly string[]).includes(v ?? '');

/** The values a line shows, read from the frame after its event. */
export function lineValues(shows: readonly CodeValue[], frame: Frame, comms: readonly string[]): { name: string; value: string }[] {
  const e = frame.event;
  const t = e?.task;
  const out: { name: string; value: string }[] = [];
  for (const v of shows) {
    switch (v) {
      case 'task':
        if (t !== undefined) out.push({ name: 'task', value: `${comms[t] ?? e?.comm ?? '?'}:${frame.tasks.pid[t] ?? e?.pid ?? '?'}` });
        break;
      case 'patchState':
        if (t !== undefined) {
          const state = frame.tasks.patchState[t];
          out.push({ name: 'patch_state', value: (state === undefined ? undefined : klpStateMacro(state)) ?? '?' });
        }
        break;
      case 'tif':
        if (t !== undefined) out.push({ name: 'TIF_PATCH_PENDING', value: frame.tasks.tif[t] === 1 ? '1' : '0' });
        break;
      case 'target':
        out.push({ name: 'klp_target_state', value: klpStateMacro(frame.globals.targetState) ?? String(frame.globals.targetState) });
        break;
      case 'transition': {
        const on = frame.funcStacks.some((s) => s.versions.some((x) => x.transition));
        out.push({ name: 'func->transition', value: on ? 'true' : 'false' });
        break;
      }
      case 'patch':
        out.push({ name: 'klp_transition_patch', value: frame.globals.transitionPatch ?? 'NULL' });
        break;
    }
  }
  return out;
}

export function KernelCode() {
  // The event and the kernel variant: the values on the current line are its own (LineValues) to read.
  const event = useApp((s) => s.frame?.event ?? null);
  const variant = useApp((s) => s.frame?.globals.variant);
  const [others, setOthers] = useState(false);
  const [browse, setBrowse] = useState<CodeFnId | null>(null);
  const id = useId();
  const kernel: CodeKernel = isKernel(variant) ? variant : 'mainline';
  const ref = event === null ? null : codeRefOf(event.kind, event.args, kernel);
  const fnId = browse ?? ref?.fn ?? 'klp_init_transition';
  const fn = codeFunction(fnId);
  const currentLine = ref !== null && ref.fn === fnId ? ref.line : null;
  const mine = new Set(linesOf(fn, kernel));
  const lines = others ? fn.lines : fn.lines.filter((x) => mine.has(x));
  const link = sourceLink(fn, kernel);
  // Keep the current line in view inside the panel (never scrolling the page).
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const list = listRef.current;
    const cur = list?.querySelector<HTMLElement>('[aria-current="step"]');
    if (list == null || cur == null) return;
    const top = cur.offsetTop;
    if (top < list.scrollTop || top + cur.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = Math.max(0, top - list.clientHeight / 3);
  }, [fnId, currentLine, others]);
  const tools = (
    <div className="code-tools">
      <label htmlFor={id} className="sr-only">
        function
      </label>
      <select id={id} aria-label="Show a function" value={browse ?? ''} onChange={(e) => setBrowse(e.target.value === '' ? null : (e.target.value as CodeFnId))}>
        <option value="">current event</option>
        {FN_IDS.map((f) => (
          <option key={f} value={f}>
            {CODE_FUNCTIONS[f].name}
          </option>
        ))}
      </select>
      <label className="code-others">
        <input type="checkbox" checked={others} onChange={(e) => setOthers(e.target.checked)} aria-label="Show the other kernels' lines" /> all kernels
      </label>
    </div>
  );
  return (
    <Panel name="Kernel code" className="code-panel" actions={tools}>
      <div className="code-head">
        <code className="code-name">{fn.name}</code>
        <span className="badge">{kernel}</span>
        {link !== null && (
          <a className="code-link" href={link} target="_blank" rel="noopener noreferrer" aria-label={kernel === 'rfc-v2' ? 'the RFC v2 patch on lore.kernel.org' : `${fn.name} in ${kernel === 'v4.12' ? 'v4.12' : 'a recent kernel'} on Elixir`}>
            {kernel === 'rfc-v2' ? 'lore' : 'Elixir'}
            <span aria-hidden="true"> ↗</span>
          </a>
        )}
      </div>
      <p className="code-note" title={NOTE}>
        <span className="code-file">{fn.file ?? 'not kernel code'}</span> · {NOTE}
      </p>
      {/* Scrolls when the function is longer than the panel: focusable, so the keyboard can scroll it. */}
      <ol ref={listRef} className="code-lines" tabIndex={0} aria-label={`Pseudo-code of ${fn.name}`}>
        {lines.map((line, i) => (
          <LineItem key={i} line={line} current={line.id !== undefined && line.id === currentLine} other={!mine.has(line)} />
        ))}
      </ol>
    </Panel>
  );
}

/** A line of the pseudo-code; memoised: only the line the step leaves and the one it reaches render again. */
const LineItem = memo(Line);

function Line(props: { readonly line: CodeLine; readonly current: boolean; readonly other: boolean }) {
  const { line, current, other } = props;
  const cls = ['code-line'];
  if (current) cls.push('is-current');
  if (other) cls.push('is-other');
  if (line.bug !== undefined) cls.push('is-bug');
  return (
    <li className={cls.join(' ')} aria-current={current ? 'step' : undefined} data-line={line.id}>
      <code>{line.text}</code>
      {line.only !== undefined && <span className="code-only">{line.only.join(', ')} only</span>}
      {current && line.shows !== undefined && <LineValues shows={line.shows} />}
      {line.bug !== undefined && (
        <span className="code-bug" role="note">
          RFC v2 bug: {line.bug}
        </span>
      )}
    </li>
  );
}

/** No values to show. */
const NO_VALUES: readonly string[] = [];

/** The values the current line shows, read from the frame after its event: a frame that leaves them as they were renders nothing. */
function LineValues(props: { readonly shows: readonly CodeValue[] }) {
  // Flat (name, value, name, value, ...): strings, which useShallow compares one by one.
  const flat = useApp(useShallow((s) => (s.frame === null ? NO_VALUES : lineValues(props.shows, s.frame, s.comms).flatMap((v) => [v.name, v.value]))));
  if (flat.length === 0) return null;
  const values: { readonly name: string; readonly value: string }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) values.push({ name: flat[i] ?? '', value: flat[i + 1] ?? '' });
  return (
    <span className="code-values" aria-label="Values now">
      {values.map((v) => (
        <span key={v.name} className="code-value">
          {v.name} = <strong>{v.value}</strong>
        </span>
      ))}
    </span>
  );
}
