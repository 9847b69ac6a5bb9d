// enNumber writes numbers as toLocaleString('en') does, without Intl's start-up cost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enNumber } from '../../src/sim/format.ts';

describe('enNumber', () => {
  it('groups digits in threes and keeps a short decimal as it is', () => {
    expect(enNumber(0)).toBe('0');
    expect(enNumber(999)).toBe('999');
    expect(enNumber(1000)).toBe('1,000');
    expect(enNumber(1_174)).toBe('1,174');
    expect(enNumber(-1_234_567)).toBe('-1,234,567');
    expect(enNumber(0.5)).toBe('0.5');
    expect(enNumber(12_345.125)).toBe('12,345.125');
    expect(enNumber(-0)).toBe('-0');
  });

  it('leaves what it does not write itself to Intl: rounding, exponents, NaN and infinities', () => {
    for (const n of [1.0005, 2 / 3, 1e21, -1e-7, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE]) expect(enNumber(n)).toBe(n.toLocaleString('en'));
  });

  it('property: the same text as toLocaleString("en"), for integers and for any double', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), fc.double(), fc.integer().map((i) => i / 1000), fc.integer().map((i) => i / 8)), (n) => {
      expect(enNumber(n)).toBe(n.toLocaleString('en'));
    }), { numRuns: 2000 });
  });
});
