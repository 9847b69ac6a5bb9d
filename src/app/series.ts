// The page's copy of a series the worker streams (log lines, samples,
// milestones, lane changes): append-only chunks shared between immutable
// views. Applying a frame's append costs what it brings, not what the series
// holds: a view is (chunks, start, length), and the next view shares the
// chunks. An old view stays valid and unchanged: a view appends in place only
// at the tip of its chunks; a cut followed by an append (a new branch), or an
// append to an old view, copies the chunk pointers and the one partly filled
// chunk, never the items. A window (the worker sends where the page's copy
// starts) drops items at the front the same way.
import type { Append } from '../worker/protocol.ts';

const SHIFT = 10;
/** Items per chunk. */
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** Chunks written only at their tip (`length`); every slot below `length` is final. */
interface Backing<T> {
  readonly chunks: T[][];
  length: number;
}

/** What a read of a series needs: an array is one too. */
export interface Indexed<T> {
  readonly length: number;
  at(i: number): T | undefined;
}

export class Series<T> implements Indexed<T>, Iterable<T> {
  private array: readonly T[] | undefined;

  private constructor(
    private readonly b: Backing<T>,
    /** Slot in the backing of item 0. */
    private readonly first: number,
    /** Index in the worker's whole series of item 0: the items before it are not held here (a window). */
    readonly offset: number,
    readonly length: number,
  ) {}

  static empty<T>(offset = 0): Series<T> {
    return new Series<T>({ chunks: [], length: 0 }, 0, offset, 0);
  }

  static of<T>(items: readonly T[], offset = 0): Series<T> {
    return Series.empty<T>(offset).push(items);
  }

  /** Index in the worker's whole series just past the last item held. */
  get end(): number {
    return this.offset + this.length;
  }

  /** Item `i` (0-based here; negative counts from the end, as Array.at). */
  at(i: number): T | undefined {
    const j = Math.trunc(i < 0 ? this.length + i : i);
    if (!(j >= 0 && j < this.length)) return undefined;
    const slot = this.first + j;
    return this.b.chunks[slot >>> SHIFT]?.[slot & MASK];
  }

  /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every item of a window, every frame): a view's slots lie below its backing's length, and every slot below that length is written (Backing) */
  /** The items `from` (inclusive) to `to` (exclusive), as an array of their own. */
  slice(from = 0, to = this.length): T[] {
    const a = Math.max(0, Math.min(this.length, from < 0 ? this.length + from : from));
    const z = Math.max(a, Math.min(this.length, to < 0 ? this.length + to : to));
    const out: T[] = [];
    for (let slot = this.first + a, last = this.first + z; slot < last; ) {
      const chunk = this.b.chunks[slot >>> SHIFT] ?? [];
      const lo = slot & MASK;
      const hi = Math.min(CHUNK, lo + (last - slot));
      for (let k = lo; k < hi; k++) out.push(chunk[k]!);
      slot += hi - lo;
    }
    return out;
  }

  /** All the items as one array, made once per view (for whole-series algorithms on bounded series). */
  toArray(): readonly T[] {
    this.array ??= this.slice();
    return this.array;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
  /* eslint-enable @typescript-eslint/no-non-null-assertion */

  some(pred: (x: T) => boolean): boolean {
    for (const x of this) if (pred(x)) return true;
    return false;
  }

  find(pred: (x: T) => boolean): T | undefined {
    for (const x of this) if (pred(x)) return x;
    return undefined;
  }

  filter(pred: (x: T) => boolean): T[] {
    const out: T[] = [];
    for (const x of this) if (pred(x)) out.push(x);
    return out;
  }

  findLastIndex(pred: (x: T) => boolean): number {
    for (let i = this.length - 1; i >= 0; i--) {
      const x = this.at(i);
      if (x !== undefined && pred(x)) return i;
    }
    return -1;
  }

  /** The first `n` items: the same chunks, nothing copied. */
  cut(n: number): Series<T> {
    const k = Math.max(0, Math.min(this.length, Math.floor(n)));
    return k === this.length ? this : new Series(this.b, this.first, this.offset, k);
  }

  /** Without the first `n` items (a window moving on): the same chunks. */
  drop(n: number): Series<T> {
    const k = Math.max(0, Math.min(this.length, Math.floor(n)));
    if (k === 0) return this;
    return new Series(this.b, this.first + k, this.offset + k, this.length - k);
  }

  /** This view and `items` after it. */
  push(items: readonly T[]): Series<T> {
    if (items.length === 0) return this;
    const tip = this.first + this.length;
    // In place only at the backing's tip, and while the dropped front is small:
    // else a backing of its own, sharing the chunks this view fills.
    const b = tip === this.b.length && this.first < 2 * CHUNK ? this.b : this.own();
    let first = this.first;
    if (b !== this.b) first &= MASK;
    for (const x of items) {
      const slot = b.length++;
      const ci = slot >>> SHIFT;
      let chunk = b.chunks[ci];
      if (chunk === undefined) {
        chunk = [];
        b.chunks.push(chunk);
      }
      chunk[slot & MASK] = x;
    }
    return new Series(b, first, this.offset, this.length + items.length);
  }

  /**
   * A backing for this view alone: the chunks it fills entirely are shared
   * (no one writes below a backing's tip), the one it fills partly is copied.
   */
  private own(): Backing<T> {
    const from = this.first >>> SHIFT;
    const tip = this.first + this.length;
    const full = tip >>> SHIFT;
    const chunks = this.b.chunks.slice(from, full);
    if ((tip & MASK) !== 0) chunks.push((this.b.chunks[full] ?? []).slice(0, tip & MASK));
    return { chunks, length: tip - (from << SHIFT) };
  }

  /**
   * Applies an append from the worker: cut at `from` (an index in the whole
   * series), then the items, then, for a window, drop what is before `start`.
   * An append that does not join this view (it starts before the window or
   * after its end) starts a new one at `from`.
   */
  apply(a: Append<T>): Series<T> {
    const joins = a.from >= this.offset && a.from <= this.end;
    let s: Series<T> = joins ? this.cut(a.from - this.offset) : Series.empty<T>(a.from);
    s = s.push(a.items);
    if (a.start !== undefined && a.start > s.offset) s = s.drop(a.start - s.offset);
    return s;
  }
}
