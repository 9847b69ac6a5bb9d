// The messages between the app and the search worker (search.worker.ts),
// which runs one bounded search (src/sim/search) at a time. Cancel is
// ending the worker: the search never yields to read a message.
import type { ChoicePair } from '../sim/rng.ts';
import type { InvariantId } from '../sim/types.ts';
import type { SearchProgress } from '../sim/search/search.ts';

export interface SearchRequest {
  readonly type: 'search';
  /** The scenario document, its `whatIf` as the search should have it. */
  readonly scenario: unknown;
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly timeLimitMs: number;
}

export interface FoundCounterexample {
  readonly choices: readonly ChoicePair[];
  readonly step: number;
  readonly invariant: InvariantId;
  readonly text: string;
}

export type SearchReply =
  | { readonly type: 'progress'; readonly progress: SearchProgress }
  | { readonly type: 'done'; readonly summary: string; readonly found: FoundCounterexample | null }
  | { readonly type: 'error'; readonly message: string };
