// The actions bar: what a root shell on the simulated machine could do to
// the livepatch state, as buttons that each amount to one shell command
// (insmod, rmmod, echo into sysfs), and a field for any other command. Every
// action goes through the store's act(), which asks before discarding
// computed events when acting in the past; the worker decides what the
// command does, and refusals show in the kernel log.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import { useShallow } from 'zustand/shallow';
import { useApp, useAppStore } from '../app/store.ts';
import type { GlobalsView, PatchView } from '../sim/view.ts';
import './model.css';

const sysfs = (patch: string, file: string): string => `/sys/kernel/livepatch/${patch}/${file}`;

/** Variants whose klp_patch has the `immediate` flag (insmod NAME.ko immediate=1 stands in for it). */
const HAS_IMMEDIATE = new Set(['v4.12', 'rfc-v2']);

interface Target {
  readonly name: string;
  readonly module: GlobalsView['modules'][number] | undefined;
  readonly patch: PatchView | undefined;
}

/** One group per module, with the patch it carries (a patch is named after its module). */
function targets(g: Pick<GlobalsView, 'modules' | 'patches'>): Target[] {
  const names = [...g.modules.map((m) => m.name), ...g.patches.map((p) => p.mod)];
  return [...new Set(names)].map((name) => ({
    name,
    module: g.modules.find((m) => m.name === name),
    patch: g.patches.find((p) => p.mod === name && p.registered),
  }));
}

/** The script's commands (not its sleep and wait directives), with the time each runs at when that is known in advance. */
export function scriptCommands(json: string | undefined): { readonly command: string; readonly at: number | null }[] {
  if (json === undefined) return [];
  let script: unknown;
  try {
    script = (JSON.parse(json) as { script?: unknown }).script;
  } catch {
    return [];
  }
  if (!Array.isArray(script)) return [];
  const out: { command: string; at: number | null }[] = [];
  let t: number | null = 0;
  for (const raw of script) {
    if (typeof raw !== 'string') continue;
    const line = raw.trim().replace(/\s+/g, ' ');
    const sleep = /^sleep ([0-9.]+)$/.exec(line);
    if (sleep !== null) t = t === null ? null : t + Number(sleep[1]);
    else if (line.startsWith('wait ')) t = null;
    else if (line !== '' && !line.startsWith('#')) out.push({ command: line, at: t });
  }
  return out;
}

/**
 * Commands the script will still run from the current step: the script's
 * commands minus those already run (the milestones of their `% command` echoes).
 */
function useScriptAhead(): ReadonlyMap<string, number | null> {
  const json = useApp((s) => s.meta?.json);
  const actions = useApp((s) => s.frame?.actions.length ?? 0);
  // The commands echoed up to the step on screen (their milestones: the log page holds only a window of a long log),
  // compared one by one (useShallow): most steps echo none, and leave this panel as it was.
  const echoed = useApp(
    useShallow((s) => {
      const step = s.frame?.step ?? 0;
      const out: string[] = [];
      for (const m of s.milestones) if (m.step <= step && m.kind === 'command') out.push(m.label);
      return out;
    }),
  );
  const commands = useMemo(() => scriptCommands(json), [json]);
  return useMemo(() => {
    const ahead = new Map<string, number | null>();
    // Once the run has left the script, the user is on their own.
    if (actions > 0) return ahead;
    const ran = new Map<string, number>();
    for (const label of echoed) ran.set(label, (ran.get(label) ?? 0) + 1);
    for (const c of commands) {
      const n = ran.get(c.command) ?? 0;
      if (n > 0) ran.set(c.command, n - 1);
      else if (!ahead.has(c.command)) ahead.set(c.command, c.at);
    }
    return ahead;
  }, [commands, echoed, actions]);
}

export function Actions() {
  const store = useAppStore();
  // The globals this panel reads, each on its own: a step that changes only the others (counts, the time of the next retry) leaves it as it was.
  const variant = useApp((s) => s.frame?.globals.variant);
  const modules = useApp((s) => s.frame?.globals.modules);
  const patches = useApp((s) => s.frame?.globals.patches);
  const g = useMemo(() => (variant === undefined || modules === undefined || patches === undefined ? undefined : { variant, modules, patches }), [variant, modules, patches]);
  const ahead = useScriptAhead();
  const actResult = useApp((s) => s.actResult);
  const errorId = useId();
  /** The typed command sent last: cleared from the field once it ran, kept if refused. */
  const submitted = useRef<string | null>(null);
  const [immediate, setImmediate] = useState(false);
  const [hovered, setHovered] = useState<{ readonly command: string; readonly note?: string } | null>(null);
  const [typed, setTyped] = useState('');
  const [history, setHistory] = useState<readonly string[]>([]);
  const [back, setBack] = useState(-1);

  const run = (command: string) => store.getState().act(command);
  const preview = hovered ?? (typed.trim() !== '' ? { command: typed.trim() } : null);
  const canImmediate = g !== undefined && HAS_IMMEDIATE.has(g.variant) && g.modules.some((m) => m.livepatch && !m.loaded);

  const button = (label: string, name: string, command: string, enabledIf = true, noteIf?: string): ReactNode => {
    // What the script is about to do itself is not offered as a click: doing it first would make the script's own line fail.
    const scripted = ahead.has(command);
    const at = ahead.get(command);
    const enabled = enabledIf && !scripted;
    const note = scripted ? `the script does this ${at === null || at === undefined ? 'later' : `at ${at.toFixed(3)} s`}` : noteIf;
    return (
    <button
      key={name}
      type="button"
      aria-label={name}
      title={scripted ? `${command}: ${note}` : command}
      disabled={!enabled}
      onClick={() => {
        run(command);
        // The button may be replaced (Load becomes Unload): do not keep showing its command.
        setHovered(null);
        if (command.endsWith(' immediate=1')) setImmediate(false);
      }}
      onMouseEnter={() => setHovered({ command, note })}
      onMouseLeave={() => setHovered(null)}
      onFocus={() => setHovered({ command, note })}
      onBlur={() => setHovered(null)}
    >
      {label}
      {scripted && <span className="act-scripted"> (script)</span>}
    </button>
    );
  };

  useEffect(
    () =>
      store.subscribe((s, prev) => {
        const r = s.actResult;
        if (r !== prev.actResult && r !== null && r.error === null && r.command === submitted.current) {
          submitted.current = null;
          setTyped('');
          setBack(-1);
        }
      }),
    [store],
  );
  const typedError = actResult !== null && actResult.error !== null && actResult.command === typed.trim() ? actResult.error : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const command = typed.trim();
    if (command === '') return;
    submitted.current = command;
    run(command);
    setHistory((h) => [command, ...h.filter((x) => x !== command)].slice(0, 50));
  };

  const recall = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const next = Math.max(-1, Math.min(history.length - 1, back + (e.key === 'ArrowUp' ? 1 : -1)));
    setBack(next);
    setTyped(history[next] ?? '');
  };

  return (
    <div className="actions-bar" role="toolbar" aria-label="Act on the system">
      {g !== undefined &&
        targets(g).map((t) => {
          const m = t.module;
          const p = t.patch;
          const loadCmd = `insmod ${t.name}.ko${immediate && canImmediate && m?.livepatch ? ' immediate=1' : ''}`;
          return (
            <span key={t.name} className="act-group" role="group" aria-label={`Module ${t.name}`}>
              <span className="act-name">{t.name}</span>
              <span className="act-state">{stateOf(t)}</span>
              {m !== undefined && (m.loaded ? button('Unload', `Unload ${t.name}`, `rmmod ${t.name}`) : button('Load', `Load ${t.name}`, loadCmd))}
              {p !== undefined &&
                (p.transition
                  ? button('Reverse transition', `Reverse transition of ${p.mod}`, `echo ${p.enabled ? 0 : 1} > ${sysfs(p.mod, 'enabled')}`, true, 'a write during the transition reverses it')
                  : p.enabled
                    ? button('Disable', `Disable ${p.mod}`, `echo 0 > ${sysfs(p.mod, 'enabled')}`)
                    : button('Enable', `Enable ${p.mod}`, `echo 1 > ${sysfs(p.mod, 'enabled')}`))}
              {p !== undefined && g.variant === 'mainline' && button('Force', `Force ${p.mod}`, `echo 1 > ${sysfs(p.mod, 'force')}`, p.transition, p.transition ? 'marks every task switched' : 'only during a transition')}
            </span>
          );
        })}
      {canImmediate && (
        <label className="act-check" title="Load the next livepatch module with klp_patch.immediate set: no per-task transition, no consistency guarantee">
          <input type="checkbox" checked={immediate} onChange={(e) => setImmediate(e.target.checked)} />
          immediate=1 on the next load
        </label>
      )}
      <form className="act-shell" onSubmit={submit}>
        <input
          type="text"
          aria-label="Shell command"
          aria-invalid={typedError !== null}
          aria-describedby={typedError !== null ? errorId : undefined}
          placeholder="Run a command, e.g. cat /proc/cmdline"
          spellCheck={false}
          autoComplete="off"
          disabled={g === undefined}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setBack(-1);
          }}
          onKeyDown={recall}
        />
        <button type="submit" disabled={g === undefined || typed.trim() === ''}>
          Run
        </button>
        {typedError !== null && (
          <span id={errorId} className="act-error" role="alert">
            {typedError}
          </span>
        )}
      </form>
      <span className="act-preview">
        {preview === null ? (
          ''
        ) : (
          <>
            will run: <code>{preview.command}</code>
            {preview.note !== undefined && ` (${preview.note})`}
          </>
        )}
      </span>
    </div>
  );
}

function stateOf(t: Target): string {
  const { module: m, patch: p } = t;
  if (p !== undefined) return `${p.enabled ? 'enabled' : 'disabled'}${p.transition ? ', in transition' : ''}${p.immediate ? ', immediate' : ''}`;
  if (m === undefined) return '';
  if (!m.loaded) return 'not loaded';
  return m.livepatch ? 'loaded, no patch' : 'loaded';
}
