// Which version of a function a stack frame runs, in one place: the task
// table stores it as a number, 0 for the original function and f + 1 for the
// new function of klp func f. Everything that reads or writes a frame's
// version goes through these helpers.
import { patchById } from './state.ts';
import type { KlpFunc, KlpGlobals } from './state.ts';

/** A frame's version: ORIGINAL, or newVersionOf(f) for the new function of klp func f. */
export type FuncVersion = number;

/** The original function, as the kernel was built. */
export const ORIGINAL: FuncVersion = 0;

export const isOriginal = (v: FuncVersion): boolean => v === ORIGINAL;

/** The version that runs klp func `f`'s new function (a nop func's too). */
export const newVersionOf = (f: KlpFunc): FuncVersion => f.id + 1;

/** What a call reaches through func `f`: a nop func (or none) leads to the original. */
export const versionOf = (f: KlpFunc | undefined): FuncVersion => (f === undefined || f.nop === true ? ORIGINAL : newVersionOf(f));

/** The index in klp_funcs of the func whose new function `v` runs; -1 for the original. */
export const funcIndexOf = (v: FuncVersion): number => v - 1;

/** The klp func whose new function `v` runs; undefined for the original. */
export const funcOfVersion = (g: KlpGlobals, v: FuncVersion): KlpFunc | undefined => (isOriginal(v) ? undefined : g.funcs[funcIndexOf(v)]);

/** The livepatch module whose new function `v` runs; null for the original. */
export function versionModule(g: KlpGlobals, v: FuncVersion): string | null {
  const f = funcOfVersion(g, v);
  return f === undefined ? null : patchById(g, f.patch).mod;
}
