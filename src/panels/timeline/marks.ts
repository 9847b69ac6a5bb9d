// How each kind of milestone is drawn and named: a d3 symbol, a class that
// colours it through the theme, words for the legend and an accessible name.
import { symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTimes, symbolTriangle, symbolWye } from 'd3';
import type { SymbolType } from 'd3';
import type { Milestone, MilestoneKind } from '../../worker/protocol.ts';
import { US_PER_S } from './scales.ts';

interface MarkStyle {
  readonly symbol: SymbolType;
  /** Symbol area in px². */
  readonly size: number;
  /** Drawn as an outline rather than filled. */
  readonly hollow?: boolean;
  readonly words: string;
}

export const MARK_STYLES: Readonly<Record<MilestoneKind, MarkStyle>> = {
  command: { symbol: symbolSquare, size: 42, words: 'shell command' },
  enable: { symbol: symbolTriangle, size: 60, words: 'patch enabled' },
  init: { symbol: symbolDiamond, size: 60, words: 'transition initialised' },
  start: { symbol: symbolCircle, size: 60, words: 'transition started' },
  retry: { symbol: symbolCircle, size: 30, hollow: true, words: 'retry armed' },
  reverse: { symbol: symbolWye, size: 70, words: 'transition reversed' },
  signals: { symbol: symbolStar, size: 70, words: 'signals sent' },
  force: { symbol: symbolCross, size: 70, words: 'forced' },
  complete: { symbol: symbolSquare, size: 90, hollow: true, words: 'transition complete' },
  violation: { symbol: symbolTriangle, size: 70, words: 'invariant violated' },
  oops: { symbol: symbolTimes, size: 80, hollow: true, words: 'oops' },
};

/** Violations and oopses go in their own lane. */
export function isFault(m: Milestone): boolean {
  return m.kind === 'violation' || m.kind === 'oops';
}

/** A guarantee that `immediate` or `force` knowingly gave up, as opposed to a real violation. */
export function isGivenUp(m: Milestone): boolean {
  return m.kind === 'violation' && m.label.startsWith('given up by');
}

const paths = new Map<MilestoneKind, string>();

export function markPath(kind: MilestoneKind): string {
  let p = paths.get(kind);
  if (p === undefined) {
    const s = MARK_STYLES[kind];
    p = symbol(s.symbol, s.size)() ?? '';
    paths.set(kind, p);
  }
  return p;
}

/** A word or two drawn beside the mark when there is room; empty for marks that need none. */
export function markShortLabel(m: Milestone): string {
  switch (m.kind) {
    case 'command':
      return `% ${m.label}`;
    case 'enable':
    case 'retry':
      return '';
    case 'violation':
      return isGivenUp(m) ? 'given up' : 'violation';
    default:
      return m.kind;
  }
}

/** Rough width of a short label in the lane's 10 px font. */
export function labelWidth(text: string): number {
  return text.length * 5.8;
}

/** The mark's accessible name, e.g. "klp_reverse_transition at 2.000 s, step 412". */
export function markLabel(m: Milestone): string {
  return `${m.label} at ${(m.time / US_PER_S).toFixed(3)} s, step ${m.step}`;
}

/** The tooltip: the same with the full microsecond time and what kind of mark it is. */
export function markTitle(m: Milestone): string {
  const kind = isGivenUp(m) ? 'guarantee given up' : MARK_STYLES[m.kind].words;
  return `${m.label}\n${kind} · ${(m.time / US_PER_S).toFixed(6)} s · step ${m.step}`;
}
