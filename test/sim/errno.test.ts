// Error numbers (src/sim/errno.ts): the kernel's names and values, negated
// on return, and strerror's text for each.
import { describe, expect, it } from 'vitest';
import { EACCES, EAGAIN, EBUSY, EEXIST, EINVAL, ENODEV, ENOENT, ENOSYS, EPERM, strerror } from '../../src/sim/errno.ts';

describe('errno', () => {
  it('has the values of errno-base.h and errno.h', () => {
    expect([EPERM, ENOENT, EAGAIN, EACCES, EBUSY, EEXIST, ENODEV, EINVAL, ENOSYS]).toEqual([1, 2, 11, 13, 16, 17, 19, 22, 38]);
  });

  it('strerror takes the positive number, as C does, and names an unknown one', () => {
    expect(strerror(ENOENT)).toBe('No such file or directory');
    expect(strerror(EACCES)).toBe('Permission denied');
    expect(strerror(99)).toBe('Unknown error 99');
  });
});
