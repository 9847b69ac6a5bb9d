// Compare mode's second run: the same scenario with one thing changed (the
// kernel variant, `immediate` on every livepatch module, the seed, or one
// "what if" switch), written in links as `c=WHAT:VALUE`. Pure: no React.
import { WHAT_IFS } from '../../sim/search/whatIf.ts';

export type Kernel = 'rfc-v2' | 'v4.12' | 'mainline';
export const KERNELS: readonly Kernel[] = ['rfc-v2', 'v4.12', 'mainline'];

export type Variation =
  | { readonly kind: 'kernel'; readonly kernel: Kernel }
  | { readonly kind: 'immediate'; readonly on: boolean }
  | { readonly kind: 'seed'; readonly seed: number }
  | { readonly kind: 'whatIf'; readonly id: string; readonly on: boolean };

export function encodeVariation(v: Variation): string {
  switch (v.kind) {
    case 'kernel':
      return `kernel:${v.kernel}`;
    case 'immediate':
      return `immediate:${v.on ? 1 : 0}`;
    case 'seed':
      return `seed:${v.seed}`;
    case 'whatIf':
      return `whatif:${v.id}:${v.on ? 1 : 0}`;
  }
}

/** Reads `c=`'s value; a string says what is wrong with it. */
export function parseVariation(text: string): Variation | string {
  const [what, value, extra] = text.split(':');
  const bad = (expected: string) => `the comparison in this link is "${text.slice(0, 40)}" (expected ${expected})`;
  switch (what) {
    case 'kernel':
      return value !== undefined && (KERNELS as readonly string[]).includes(value) && extra === undefined ? { kind: 'kernel', kernel: value as Kernel } : bad(`kernel:${KERNELS.join('|')}`);
    case 'immediate':
      return (value === '0' || value === '1') && extra === undefined ? { kind: 'immediate', on: value === '1' } : bad('immediate:0 or immediate:1');
    case 'seed':
      return /^\d{1,9}$/.test(value ?? '') && extra === undefined ? { kind: 'seed', seed: Number(value) } : bad('seed:N, N an integer');
    case 'whatif':
      return value !== undefined && WHAT_IFS.some((w) => w.id === value) && (extra === '0' || extra === '1') ? { kind: 'whatIf', id: value, on: extra === '1' } : bad(`whatif:ID:0|1 with ID one of ${WHAT_IFS.map((w) => w.id).join(', ')}`);
    default:
      return bad('kernel:…, immediate:…, seed:… or whatif:…');
  }
}

type Doc = Record<string, unknown>;
const isDoc = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The scenario document of the second run: `doc` with the variation applied (the worker validates it). */
export function applyVariation(doc: unknown, v: Variation): unknown {
  if (!isDoc(doc)) return doc;
  const name = typeof doc.name === 'string' ? doc.name : 'scenario';
  const named = (what: string): Doc => ({ ...doc, name: `${name} (${what})` });
  switch (v.kind) {
    case 'kernel':
      return { ...named(v.kernel), kernel: v.kernel };
    case 'seed':
      return { ...named(`seed ${v.seed}`), seed: v.seed };
    case 'immediate': {
      const modules = Array.isArray(doc.modules) ? doc.modules : [];
      return {
        ...named(`immediate ${v.on ? 'on' : 'off'}`),
        modules: modules.map((m: unknown) => (isDoc(m) && isDoc(m.livepatch) ? { ...m, livepatch: { ...m.livepatch, immediate: v.on } } : m)),
      };
    }
    case 'whatIf': {
      const have = Array.isArray(doc.whatIf) ? (doc.whatIf as unknown[]).filter((x) => x !== v.id) : [];
      return { ...named(`what if: ${v.id} ${v.on ? 'on' : 'off'}`), whatIf: v.on ? [...have, v.id] : have };
    }
  }
}

/** A few words for the second run's heading. */
export function variationLabel(v: Variation): string {
  switch (v.kind) {
    case 'kernel':
      return `kernel ${v.kernel}`;
    case 'immediate':
      return `immediate ${v.on ? 'on' : 'off'}`;
    case 'seed':
      return `seed ${v.seed}`;
    case 'whatIf':
      return `what if ${v.id} ${v.on ? 'on' : 'off'}`;
  }
}

/**
 * The comparisons worth offering for a scenario: the other kernels, the
 * opposite `immediate` (not on mainline, which has none), the next seed, and
 * each "what if" switch its kernel has, flipped.
 */
export function variationsFor(doc: unknown): Variation[] {
  if (!isDoc(doc)) return [];
  const kernel = doc.kernel as Kernel;
  const out: Variation[] = KERNELS.filter((k) => k !== kernel).map((k) => ({ kind: 'kernel', kernel: k }));
  const modules = Array.isArray(doc.modules) ? doc.modules : [];
  const immediate = modules.some((m: unknown) => isDoc(m) && isDoc(m.livepatch) && m.livepatch.immediate === true);
  if (kernel !== 'mainline' && modules.some((m: unknown) => isDoc(m) && isDoc(m.livepatch))) out.push({ kind: 'immediate', on: !immediate });
  out.push({ kind: 'seed', seed: (typeof doc.seed === 'number' ? doc.seed : 0) + 1 });
  const on = Array.isArray(doc.whatIf) ? (doc.whatIf as unknown[]) : [];
  for (const w of WHAT_IFS) if (w.variants.includes(kernel)) out.push({ kind: 'whatIf', id: w.id, on: !on.includes(w.id) });
  return out;
}
