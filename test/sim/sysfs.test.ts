// The model's files (src/sim/sysfs.ts): one parse that the script checker
// and the shell both use.
import { describe, expect, it } from 'vitest';
import { attrSet, isPatchReadable, isPatchWritable, parseSysfsPath, PATCH_READABLE, PATCH_WRITABLE } from '../../src/sim/sysfs.ts';

describe('parseSysfsPath', () => {
  it('takes each kind of path apart', () => {
    expect(parseSysfsPath('/sys/kernel/livepatch/lp/enabled')).toEqual({ kind: 'patch', patch: 'lp', attr: 'enabled' });
    expect(parseSysfsPath('/sys/kernel/livepatch/lp/vmlinux/patched')).toEqual({ kind: 'object', patch: 'lp', object: 'vmlinux' });
    expect(parseSysfsPath('/sys/module/m/parameters/p')).toEqual({ kind: 'param', module: 'm', param: 'p' });
    expect(parseSysfsPath('/sys/devices/system/cpu/cpu12/online')).toEqual({ kind: 'cpu-online', cpu: 12, cpuText: '12' });
    expect(parseSysfsPath('/proc/42/patch_state')).toEqual({ kind: 'patch-state', pid: 42 });
  });

  it('knows no other path', () => {
    for (const path of ['/sys/kernel/livepatch/lp', '/sys/kernel/livepatch/lp/vmlinux/other', '/sys/devices/system/cpu/cpuX/online', '/proc/self/patch_state', '/proc/cmdline', '/dev/kmsg', 'sys/kernel/livepatch/lp/enabled']) {
      expect(parseSysfsPath(path)).toBeUndefined();
    }
  });

  it('writes enabled, force and signal; reads enabled, transition, force, replace and stack_order', () => {
    expect(PATCH_WRITABLE.filter(isPatchWritable)).toEqual(['enabled', 'force', 'signal']);
    expect(isPatchWritable('transition')).toBe(false);
    expect(PATCH_READABLE.filter(isPatchReadable)).toEqual(['enabled', 'transition', 'force', 'replace', 'stack_order']);
    expect(isPatchReadable('signal')).toBe(false);
    expect(attrSet(PATCH_WRITABLE)).toBe('{enabled,force,signal}');
  });
});
