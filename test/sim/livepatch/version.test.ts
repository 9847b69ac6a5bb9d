// A frame's version (src/sim/livepatch/version.ts): the one encoding of
// "original or the new function of klp func f" every reader goes through.
import { describe, expect, it } from 'vitest';
import { funcIndexOf, funcOfVersion, isOriginal, newVersionOf, ORIGINAL, versionModule, versionOf } from '../../../src/sim/livepatch/version.ts';
import { machine } from '../helpers.ts';
import type { MachineDef } from '../helpers.ts';

const DEF: MachineDef = {
  functions: { foo: 'vmlinux', bar: 'vmlinux' },
  patches: [
    { name: 'p1', funcs: ['foo', 'bar'] },
    { name: 'p2', funcs: ['foo'] },
  ],
};

describe('FuncVersion', () => {
  it('the original is its own version, belongs to no func and no module', () => {
    const m = machine('mainline', DEF);
    expect(isOriginal(ORIGINAL)).toBe(true);
    expect(versionOf(undefined)).toBe(ORIGINAL);
    expect(funcIndexOf(ORIGINAL)).toBe(-1);
    expect(funcOfVersion(m.k.klp, ORIGINAL)).toBeUndefined();
    expect(versionModule(m.k.klp, ORIGINAL)).toBeNull();
  });

  it('round-trips every func of every patch to its version and back, naming its module', () => {
    const m = machine('mainline', DEF);
    const funcs = ['p1', 'p2'].flatMap((name) => m.funcs(m.patch(name)).map((f) => ({ f, name })));
    expect(funcs).toHaveLength(3);
    const seen = new Set<number>();
    for (const { f, name } of funcs) {
      const v = versionOf(f);
      expect(isOriginal(v)).toBe(false);
      expect(v).toBe(newVersionOf(f));
      expect(funcIndexOf(v)).toBe(f.id);
      expect(funcOfVersion(m.k.klp, v)).toBe(f);
      expect(versionModule(m.k.klp, v)).toBe(name);
      seen.add(v);
    }
    expect(seen.size).toBe(3);
  });

  it('a nop func leads calls to the original, though its own version stays distinct', () => {
    const m = machine('mainline', DEF);
    const [f] = m.funcs(m.patch('p2'));
    if (f === undefined) throw new Error('p2 has a func');
    const nop = { ...f, nop: true };
    expect(versionOf(nop)).toBe(ORIGINAL);
    expect(newVersionOf(nop)).toBe(f.id + 1);
  });
});
