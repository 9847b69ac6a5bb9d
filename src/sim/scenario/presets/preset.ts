// What a teaching preset is: a full `klpscope/1` document (spec/scenario.md),
// the question it answers, and a guided tour through its trace.
import type { TourStop } from '../tour.ts';
import type { KernelVariant } from '../types.ts';

type Ms = readonly [number, number];

/** A `klpscope/1` document as written (spec/scenario.md §1–§7), before validation fills in defaults. */
export interface ScenarioDocument {
  readonly format: 'klpscope/1';
  readonly name: string;
  readonly description: string;
  readonly kernel: KernelVariant;
  readonly seed?: number;
  readonly machine?: { readonly cpus?: number; readonly offline?: readonly number[]; readonly reliableStacktrace?: boolean };
  readonly functions?: Readonly<Record<string, { readonly object?: string; readonly output?: string }>>;
  readonly syscalls?: Readonly<Record<string, { readonly chain: readonly string[]; readonly sleepIn?: string; readonly sleepMs?: Ms | 'forever' }>>;
  readonly files?: Readonly<Record<string, string>>;
  readonly tasks?: readonly {
    readonly comm: string;
    readonly count?: number;
    readonly kind?: 'user' | 'kthread';
    readonly syscalls?: readonly string[];
    readonly userMs?: Ms;
    readonly loop?: readonly string[];
    readonly sleepMs?: Ms | 'forever';
    readonly calls?: readonly string[];
    readonly cpuBound?: boolean;
    readonly unreliableStack?: boolean;
    readonly blockedIn?: string;
  }[];
  readonly modules?: readonly {
    readonly name: string;
    readonly params?: Readonly<Record<string, string | number | boolean>>;
    readonly functions?: readonly string[];
    readonly init?: readonly string[];
    readonly exit?: readonly string[];
    readonly livepatch?: {
      readonly objects: readonly {
        readonly name: string;
        readonly funcs: readonly { readonly old: string; readonly output?: string; readonly immediate?: boolean }[];
      }[];
      readonly immediate?: boolean;
    };
  }[];
  readonly script: readonly string[];
  /** "What if" switches (docs/scenario.md §11): not the real kernel. */
  readonly whatIf?: readonly string[];
}

export interface Preset {
  /** A short slug for shareable URLs: lower case letters, digits and dashes. */
  readonly id: string;
  readonly title: string;
  /** The question the preset answers, as a student would ask it. */
  readonly question: string;
  readonly kernel: KernelVariant;
  readonly scenario: ScenarioDocument;
  /** Four to eight stops, in trace order. */
  readonly tour: readonly TourStop[];
  /** The preset with the same script under another kernel (the rfc-v2 bug and its fix). */
  readonly compare?: string;
}
