// The editor's check of a document: parseScenario, turned into what the
// dialog shows (a one-line summary, or the error with its path). It runs in
// the check worker for large documents (checkClient) so that typing never
// waits for it, and in the page otherwise.
import { parseScenario } from '../../sim/scenario/schema.ts';
import { ScenarioError } from '../../sim/scenario/types.ts';
import type { Scenario } from '../../sim/scenario/types.ts';
import { enNumber } from '../../sim/format.ts';

/** Past this many characters the editor shows the JSON view only and checks in a worker. */
export const LARGE_DOC_CHARS = 100_000;

/** A check's outcome, as it crosses to and from the worker (plain data). */
export type CheckResult = { readonly ok: true; readonly summary: string } | { readonly ok: false; readonly where: string; readonly expected: string; readonly kind: 'invalid' | 'unsupported' };

export const summaryOf = (s: Scenario): string => {
  const tasks = s.tasks.reduce((n, t) => n + t.count, 0);
  const plural = (n: number, w: string) => `${enNumber(n)} ${w}${n === 1 ? '' : 's'}`;
  return `Valid: ${s.kernel}, ${plural(s.machine.cpus, 'CPU')}, ${plural(tasks, 'task')} in ${plural(s.tasks.length, 'group')}, ${plural(s.modules.length, 'module')}, ${plural(s.script.length, 'script line')}.`;
};

export function checkText(text: string): CheckResult {
  try {
    return { ok: true, summary: summaryOf(parseScenario(text)) };
  } catch (e) {
    const err = e instanceof ScenarioError ? e : new ScenarioError('scenario', e instanceof Error ? e.message : String(e));
    return { ok: false, where: err.where, expected: err.expected, kind: err.kind };
  }
}

export const errorOf = (r: CheckResult & { ok: false }): ScenarioError => new ScenarioError(r.where, r.expected, r.kind);

export interface CheckClient {
  /** Checks `text`; the answer comes back through the callback, unless a later check was asked for meanwhile. */
  check(text: string, done: (r: CheckResult) => void): void;
  close(): void;
}

/** Checks in a worker where there is one (the browser), else in this thread after a turn (tests). */
export function checkClient(): CheckClient {
  if (typeof Worker === 'undefined') {
    let seq = 0;
    return {
      check: (text, done) => {
        const id = ++seq;
        setTimeout(() => {
          if (id === seq) done(checkText(text));
        }, 0);
      },
      close: () => {
        seq++;
      },
    };
  }
  const worker = new Worker(new URL('./check.worker.ts', import.meta.url), { type: 'module' });
  let seq = 0;
  let waiting: ((r: CheckResult) => void) | undefined;
  worker.addEventListener('message', (ev: MessageEvent<{ id: number; result: CheckResult }>) => {
    if (ev.data.id === seq) waiting?.(ev.data.result);
  });
  return {
    check: (text, done) => {
      waiting = done;
      worker.postMessage({ id: ++seq, text });
    },
    close: () => worker.terminate(),
  };
}
