// Structural sharing between frames (share.ts): what a step did not change
// keeps the previous frame's objects, so that panels reading only those do
// not render again; what it changed is taken as it came.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHARE_COLUMN_LIMIT, share, shareFrame } from '../../src/app/share.ts';
import { Session } from '../../src/worker/session.ts';
import type { Frame, Reply, Request } from '../../src/worker/protocol.ts';

/** The frames a Session sends for `requests`, in order, on the default demo. */
function framesFor(requests: readonly Request[]): Frame[] {
  const out: Frame[] = [];
  const session = new Session((r: Reply) => {
    if (r.type === 'frame') out.push(structuredClone(r.frame));
  }, { clock: () => 0 });
  let id = 0;
  session.handle({ type: 'load', source: { preset: 'first-livepatch' }, id: ++id });
  for (const req of requests) session.handle({ ...req, id: ++id });
  return out;
}

describe('share', () => {
  it('returns prev for an equal value, however deep, typed arrays included', () => {
    const prev = { a: [1, { b: 'x', c: [true, null] }], t: new Int8Array([1, -1, 0]), n: 3 };
    const next = structuredClone(prev);
    expect(share(prev, next)).toBe(prev);
    expect(share([prev], [next])[0]).toBe(prev);
  });

  it('keeps the equal parts of prev and takes the changed ones from next', () => {
    const prev = { same: { deep: [1, 2, 3] }, changed: { v: 1 }, list: [{ k: 1 }, { k: 2 }] };
    const next = { same: { deep: [1, 2, 3] }, changed: { v: 2 }, list: [{ k: 1 }, { k: 3 }] };
    const out = share(prev, next);
    expect(out).toEqual(next);
    expect(out).not.toBe(prev);
    expect(out.same).toBe(prev.same);
    expect(out.changed).toBe(next.changed);
    expect(out.list[0]).toBe(prev.list[0]);
    expect(out.list[1]).toBe(next.list[1]);
  });

  it('takes next as it came when it shares nothing with prev', () => {
    const next = { a: { v: 2 }, b: [4] };
    expect(share({ a: { v: 1 }, b: [3] }, next)).toBe(next);
    expect(share({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(share([1, 2], [1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('compares typed arrays up to the limit only, and never across types', () => {
    const big = new Uint8Array(SHARE_COLUMN_LIMIT + 1);
    const bigNext = new Uint8Array(SHARE_COLUMN_LIMIT + 1);
    expect(share(big, bigNext)).toBe(bigNext);
    const small = new Uint8Array([1, 2]);
    expect(share(small, new Uint8Array([1, 2]))).toBe(small);
    const other = new Int8Array([1, 2]);
    expect(share<Uint8Array | Int8Array>(small, other)).toBe(other);
    expect(share(small, new Uint8Array([1, 3]))).not.toBe(small);
  });

  it('tells -0 from 0, at the top, inside arrays and objects, and in a Float64Array', () => {
    expect(Object.is(share(-0, -0), -0)).toBe(true);
    expect(Object.is(share(-0, 0), 0)).toBe(true);
    const arr = [-0];
    expect(share(arr, [-0])).toBe(arr);
    const arrOut = share(arr, [0]);
    expect(arrOut).not.toBe(arr);
    expect(Object.is(arrOut[0], 0)).toBe(true);
    const obj = { x: 0 };
    const objOut = share(obj, { x: -0 });
    expect(objOut).not.toBe(obj);
    expect(Object.is(objOut.x, -0)).toBe(true);
    const f = new Float64Array([0]);
    expect(share(f, new Float64Array([-0]))).not.toBe(f);
    expect(share(f, new Float64Array([0]))).toBe(f);
  });

  it('property: the result equals next; it is prev exactly when prev equals next', () => {
    const json = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('__proto__'));
    fc.assert(
      fc.property(json, json, fc.boolean(), (a, b, same) => {
        const next = same ? structuredClone(a) : b;
        const out = share(a, next);
        expect(out).toStrictEqual(next);
        // Equal as values, -0 and 0 told apart (JSON.stringify writes both as 0).
        const equal = isDeepStrictEqual(a, next);
        if (equal && typeof a === 'object' && a !== null) expect(out).toBe(a);
        if (!equal) expect(out).not.toBe(a);
      }),
    );
  });
});

describe('shareFrame', () => {
  it('a step keeps the objects of the parts it did not change, and shows the new step', () => {
    const [f0, f1] = framesFor([{ type: 'step', unit: 'event', direction: 1 }]);
    if (f0 === undefined || f1 === undefined) throw new Error('two frames expected');
    const out = shareFrame(f0, f1);
    expect(out).toEqual(f1);
    expect(out.step).toBe(1);
    // Before the module is loaded, no function is patched and the globals stay.
    expect(f1.funcStacks).toEqual(f0.funcStacks);
    expect(out.funcStacks).toBe(f0.funcStacks);
    expect(out.tasks.pid).toBe(f0.tasks.pid);
    expect(out.tasks.kind).toBe(f0.tasks.kind);
    expect(out.actions).toBe(f0.actions);
    // The event is the step's own.
    expect(out.event).toBe(f1.event);
  });

  it('returns the frame shown when the next one differs only in what the store takes from the reply', () => {
    const [f0, f1] = framesFor([{ type: 'step', unit: 'event', direction: 1 }]);
    if (f0 === undefined || f1 === undefined) throw new Error('two frames expected');
    const again: Frame = { ...structuredClone(f1), log: { from: 99, items: [] }, next: undefined };
    expect(shareFrame(f1, again)).toBe(f1);
    // Anything a panel reads that differs gives a frame of its own.
    expect(shareFrame(f1, { ...again, computed: f1.computed + 1 })).not.toBe(f1);
    expect(shareFrame(f1, { ...again, lanes: { ...again.lanes, pinned: [3] } }).lanes.pinned).toEqual([3]);
    expect(shareFrame(null, f0)).toBe(f0);
  });
});
