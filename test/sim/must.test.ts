// must(): presence an invariant guarantees, checked with a message naming it.
import { describe, expect, it } from 'vitest';
import { must } from '../../src/sim/must.ts';

describe('must', () => {
  it('passes a present value through, falsy ones included', () => {
    expect(must(0, 'count')).toBe(0);
    expect(must('', 'name')).toBe('');
    expect(must(null, 'slot')).toBeNull();
  });

  it('throws naming what is missing', () => {
    expect(() => must([1, 2][5], 'checkpoint 5')).toThrow('internal error: no checkpoint 5');
  });
});
