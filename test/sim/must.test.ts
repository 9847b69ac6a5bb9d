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

  it('names the key that was looked up, when given one', () => {
    expect(() => must([1, 2][5], 'checkpoint', 5)).toThrow('internal error: no checkpoint 5');
    expect(() => must(new Map<string, number>().get('sh'), 'task named', 'sh')).toThrow('internal error: no task named sh');
    expect(must([1, 2][1], 'checkpoint', 1)).toBe(2);
  });
});
