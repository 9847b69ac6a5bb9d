// The error numbers the model returns, with the kernel's names and values
// (include/uapi/asm-generic/errno-base.h). As in the kernel, a function that
// fails returns the negated number (-EINVAL), and what prints it negates it back.
export const EPERM = 1;
export const ENOENT = 2;
export const EAGAIN = 11;
export const EACCES = 13;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSYS = 38;

const STRERROR: Readonly<Record<number, string>> = {
  [EPERM]: 'Operation not permitted',
  [ENOENT]: 'No such file or directory',
  [EAGAIN]: 'Resource temporarily unavailable',
  [EACCES]: 'Permission denied',
  [EBUSY]: 'Device or resource busy',
  [EEXIST]: 'File exists',
  [ENODEV]: 'No such device',
  [EINVAL]: 'Invalid argument',
  [ENOSYS]: 'Function not implemented',
};

/** strerror(3): the message of error number `errno` (positive, as in C: strerror(-ret)). */
export const strerror = (errno: number): string => STRERROR[errno] ?? `Unknown error ${errno}`;
