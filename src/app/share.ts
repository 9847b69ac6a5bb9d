// Structural sharing between the frames the worker sends: each frame arrives
// as a fresh structured clone, so every part of it is a new object even where
// nothing changed. Before a frame reaches the store, the parts equal to the
// previous frame's are replaced by the previous frame's own objects. A panel
// whose selector reads a part that a step did not change then gets the same
// reference, and does not render again (useApp compares with Object.is).
import type { Frame } from '../worker/protocol.ts';

/**
 * Typed arrays longer than this are not compared (a 100,000-task machine's
 * columns, while playing): the new ones are taken as they come.
 */
export const SHARE_COLUMN_LIMIT = 20_000;

type TypedArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array;

function sameTyped(a: TypedArray, b: TypedArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length || a.length > SHARE_COLUMN_LIMIT) return false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    // -0 and 0 are different values (a Float64Array can hold both): 1/v tells them apart.
    if (v !== b[i] || (v === 0 && 1 / v !== 1 / (b[i] as number))) return false;
  }
  return true;
}

/**
 * `next`, with every part that equals the same part of `prev` replaced by
 * prev's (plain data: objects, arrays, typed arrays, primitives). Returns
 * `prev` itself when the two are equal throughout.
 */
export function share<T>(prev: T, next: T): T {
  if (Object.is(prev, next)) return prev;
  if (typeof prev !== 'object' || typeof next !== 'object' || prev === null || next === null) return next;
  if (ArrayBuffer.isView(prev) || ArrayBuffer.isView(next)) {
    return ArrayBuffer.isView(prev) && ArrayBuffer.isView(next) && !(prev instanceof DataView) && !(next instanceof DataView) && sameTyped(prev as unknown as TypedArray, next as unknown as TypedArray) ? prev : next;
  }
  if (Array.isArray(prev) !== Array.isArray(next)) return next;
  if (Array.isArray(prev) && Array.isArray(next)) {
    const p: readonly unknown[] = prev;
    const n: readonly unknown[] = next;
    let same = p.length === n.length;
    let changed = false;
    const out: unknown[] = new Array<unknown>(n.length);
    for (let i = 0; i < n.length; i++) {
      const v = i < p.length ? share(p[i], n[i]) : n[i];
      out[i] = v;
      if (i >= p.length || !Object.is(v, p[i])) same = false;
      if (!Object.is(v, n[i])) changed = true;
    }
    if (same) return prev;
    // Nothing of prev in it: next as it came.
    return (changed ? out : next) as T;
  }
  if (Object.getPrototypeOf(prev) !== Object.prototype || Object.getPrototypeOf(next) !== Object.prototype) return next;
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = Object.keys(n);
  let same = keys.length === Object.keys(p).length;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = k in p ? share(p[k], n[k]) : n[k];
    out[k] = v;
    if (!(k in p) || !Object.is(v, p[k])) same = false;
    if (!Object.is(v, n[k])) changed = true;
  }
  if (same) return prev;
  return (changed ? out : next) as T;
}

/** Fields of a frame the store reads from the reply itself (appends, task names, the frame sent ahead), never from the frame it keeps. */
const TAKEN_BY_THE_STORE: ReadonlySet<keyof Frame> = new Set(['log', 'samples', 'milestones', 'lanes', 'comms', 'next']);

/**
 * `next` with the parts it shares with `prev` (the frame before it) taken
 * from `prev`. Returns `prev` itself when nothing a panel reads differs (its
 * appends, task names and frame sent ahead are then prev's: the store takes
 * those from the reply, never from the frame it keeps).
 */
export function shareFrame(prev: Frame | null, next: Frame): Frame {
  if (prev === null || prev === next) return next;
  const out: Record<string, unknown> = { ...next };
  let same = true;
  // Every part a panel reads, whatever the frame carries (the task table column by column, through share).
  for (const k of Object.keys(next) as (keyof Frame)[]) {
    if (TAKEN_BY_THE_STORE.has(k)) continue;
    out[k] = share(prev[k], next[k]);
    if (out[k] !== prev[k]) same = false;
  }
  for (const k of Object.keys(prev) as (keyof Frame)[]) if (!TAKEN_BY_THE_STORE.has(k) && !(k in next)) same = false;
  // Of the lanes, panels read the pinned tasks (and whether CPU runs are drawn); the runs and marks are appends.
  const pinned = share(prev.lanes.pinned, next.lanes.pinned);
  if (pinned !== next.lanes.pinned) out.lanes = { ...next.lanes, pinned };
  if (pinned !== prev.lanes.pinned || (prev.lanes.cpuRuns === null) !== (next.lanes.cpuRuns === null)) same = false;
  return same ? prev : (out as unknown as Frame);
}
