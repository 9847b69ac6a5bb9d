// Presence an invariant guarantees, checked: with noUncheckedIndexedAccess an
// index read may be undefined, and where the model's own bookkeeping says it
// cannot be, must() says which fact was broken instead of failing later.

/**
 * `x`, which `what` names (and `key`, if given, identifies); throws if an
 * invariant of the model did not hold and it is missing. The message is
 * built only then: with a constant `what` a check costs no allocation.
 */
export function must<T>(x: T | undefined, what: string, key?: number | string): T {
  if (x === undefined) throw new Error(`internal error: no ${what}${key === undefined ? '' : ` ${key}`}`);
  return x;
}
