// The page's series: every view reads as the array it stands for, whatever
// was done since to it or to any other view (old snapshots stay valid), and
// appending costs what it brings (the chunks are shared, not copied).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Series } from '../../src/app/series.ts';

/** A view and the array it must read as, with the index in the whole series of that array's first item. */
interface Known {
  readonly s: Series<number>;
  readonly want: readonly number[];
  readonly offset: number;
}

type Op =
  | { readonly op: 'push'; readonly of: number; readonly n: number }
  | { readonly op: 'cut'; readonly of: number; readonly at: number }
  | { readonly op: 'drop'; readonly of: number; readonly n: number }
  | { readonly op: 'apply'; readonly of: number; readonly from: number; readonly n: number; readonly start: number | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), of: fc.nat(), n: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cut' as const), of: fc.nat(), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), of: fc.nat(), n: fc.integer({ min: 0, max: 3000 }) }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('apply' as const), of: fc.nat(), from: fc.double({ min: 0, max: 1.1, noNaN: true }), n: fc.integer({ min: 0, max: 2500 }), start: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) }),
  },
);

let next = 0;
const fresh = (n: number): number[] => Array.from({ length: n }, () => next++);

/** What an op gives, by the plain array semantics the series stands for. */
function step(k: Known, o: Op): Known {
  switch (o.op) {
    case 'push': {
      const items = fresh(o.n);
      return { s: k.s.push(items), want: [...k.want, ...items], offset: k.offset };
    }
    case 'cut': {
      const at = Math.floor(o.at * k.want.length);
      return { s: k.s.cut(at), want: k.want.slice(0, at), offset: k.offset };
    }
    case 'drop': {
      const n = Math.min(o.n, k.want.length);
      return { s: k.s.drop(o.n), want: k.want.slice(n), offset: k.offset + n };
    }
    case 'apply': {
      const end = k.offset + k.want.length;
      const from = Math.floor(o.from * end);
      const items = fresh(o.n);
      // Joins when it starts within what is held (or right after it); else a new window at `from`.
      let want = from >= k.offset && from <= end ? [...k.want.slice(0, from - k.offset), ...items] : items;
      let offset = from >= k.offset && from <= end ? k.offset : from;
      const start = o.start === null ? undefined : Math.floor(o.start * (from + o.n));
      if (start !== undefined && start > offset) {
        const n = Math.min(start - offset, want.length);
        want = want.slice(n);
        offset += n;
      }
      return { s: k.s.apply({ from, items, ...(start === undefined ? {} : { start }) }), want, offset };
    }
  }
}

function same(k: Known): void {
  expect(k.s.length).toBe(k.want.length);
  expect(k.s.offset).toBe(k.offset);
  expect(k.s.end).toBe(k.offset + k.want.length);
  expect([...k.s]).toEqual(k.want);
  expect(k.s.toArray()).toEqual(k.want);
  expect(k.s.at(-1)).toBe(k.want.at(-1));
  expect(k.s.at(0)).toBe(k.want.at(0));
  expect(k.s.at(k.want.length)).toBeUndefined();
  const a = Math.floor(k.want.length / 3);
  expect(k.s.slice(a, 2 * a + 1)).toEqual(k.want.slice(a, 2 * a + 1));
}

describe('Series', () => {
  it('every view, old or new, reads as its array after any sequence of appends, cuts, windows and branches', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        const views: Known[] = [{ s: Series.empty<number>(), want: [], offset: 0 }];
        for (const o of ops) {
          views.push(step(views[o.of % views.length]!, o));
          // Nothing done to one view changed any other.
          for (const v of views) same(v);
        }
      }),
      { seed: 12, numRuns: 150 },
    );
  });

  it('an append to the newest view shares the chunks already filled: the items before it are the same objects, not copies', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ i }));
    const a = Series.of(items.slice(0, 4000));
    const b = a.push(items.slice(4000));
    for (const i of [0, 1023, 1024, 3999]) expect(b.at(i)).toBe(a.at(i));
    expect(a.length).toBe(4000);
    expect(b.length).toBe(5000);
  });

  it('apply: a cut then an append from the worker leaves the earlier view as it was', () => {
    const a = Series.of([1, 2, 3, 4, 5]);
    const b = a.apply({ from: 3, items: [40, 50, 60] });
    expect([...a]).toEqual([1, 2, 3, 4, 5]);
    expect([...b]).toEqual([1, 2, 3, 40, 50, 60]);
    // An empty append that cuts nothing is the same view.
    expect(b.apply({ from: 6, items: [] })).toBe(b);
    // A window: only the items from index 4 on are held.
    const w = b.apply({ from: 6, items: [70], start: 4 });
    expect(w.offset).toBe(4);
    expect([...w]).toEqual([50, 60, 70]);
    // An append before the window starts a new one there.
    const back = w.apply({ from: 1, items: [20, 30], start: 1 });
    expect(back.offset).toBe(1);
    expect([...back]).toEqual([20, 30]);
  });
});
