// What the page is sent, with control characters from input escaped
// (escape.ts): every string of a view, deep, so that no panel can show a raw
// NUL or escape sequence whichever field it reads.
import { escapeControl } from '../sim/escape.ts';

/** `v` with every string in it escaped; typed arrays and numbers as they are. Copies only what changes. */
export function shown<T>(v: T): T {
  return shownAny(v) as T;
}

function shownAny(v: unknown): unknown {
  if (typeof v === 'string') return escapeControl(v);
  if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = shownAny(x);
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | null = null;
  for (const [k, x] of Object.entries(v)) {
    const y = shownAny(x);
    if (y !== x) (out ??= { ...v })[k] = y;
  }
  return out ?? v;
}
