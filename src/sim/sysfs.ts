// The files a script can read or write, in one place: the script parser
// checks a path against these patterns, and the shell dispatches on the
// same parse when it runs the command.

/** The livepatch sysfs directory: one directory per registered patch. */
export const LIVEPATCH_SYSFS = '/sys/kernel/livepatch';
/** The kernel log: `echo TEXT > /dev/kmsg`, and `cat`/`grep` output redirected to it. */
export const KMSG = '/dev/kmsg';

/** Attributes of a patch's directory that `echo` writes (`signal` was there from v4.12 to v5.0). */
export const PATCH_WRITABLE = ['enabled', 'force', 'signal'] as const;
/** Attributes of a patch's directory that `cat` reads (`force` reads as EACCES: it is write-only). */
export const PATCH_READABLE = ['enabled', 'transition', 'force', 'replace', 'stack_order'] as const;

/** A path of the files the model knows, taken apart. */
export type SysfsPath =
  /** /sys/kernel/livepatch/PATCH/ATTR */
  | { readonly kind: 'patch'; readonly patch: string; readonly attr: string }
  /** /sys/kernel/livepatch/PATCH/OBJECT/patched */
  | { readonly kind: 'object'; readonly patch: string; readonly object: string }
  /** /sys/module/MODULE/parameters/PARAM */
  | { readonly kind: 'param'; readonly module: string; readonly param: string }
  /** /sys/devices/system/cpu/cpuN/online */
  | { readonly kind: 'cpu-online'; readonly cpu: number; readonly cpuText: string }
  /** /proc/PID/patch_state */
  | { readonly kind: 'patch-state'; readonly pid: number };

const PATCH_ATTR = /^\/sys\/kernel\/livepatch\/([^/]+)\/([^/]+)$/;
const OBJECT_PATCHED = /^\/sys\/kernel\/livepatch\/([^/]+)\/([^/]+)\/patched$/;
const MODULE_PARAM = /^\/sys\/module\/([^/]+)\/parameters\/([^/]+)$/;
const CPU_ONLINE = /^\/sys\/devices\/system\/cpu\/cpu(\d+)\/online$/;
const PATCH_STATE = /^\/proc\/(\d+)\/patch_state$/;

/** Which of the model's files `path` names, or undefined for none of them. */
export function parseSysfsPath(path: string): SysfsPath | undefined {
  const [, patch, attr] = PATCH_ATTR.exec(path) ?? [];
  if (patch !== undefined && attr !== undefined) return { kind: 'patch', patch, attr };
  const [, objPatch, object] = OBJECT_PATCHED.exec(path) ?? [];
  if (objPatch !== undefined && object !== undefined) return { kind: 'object', patch: objPatch, object };
  const [, module, param] = MODULE_PARAM.exec(path) ?? [];
  if (module !== undefined && param !== undefined) return { kind: 'param', module, param };
  const [, cpuText] = CPU_ONLINE.exec(path) ?? [];
  if (cpuText !== undefined) return { kind: 'cpu-online', cpu: Number(cpuText), cpuText };
  const [, pid] = PATCH_STATE.exec(path) ?? [];
  if (pid !== undefined) return { kind: 'patch-state', pid: Number(pid) };
  return undefined;
}

export const isPatchWritable = (attr: string): boolean => (PATCH_WRITABLE as readonly string[]).includes(attr);
export const isPatchReadable = (attr: string): boolean => (PATCH_READABLE as readonly string[]).includes(attr);

/** `{a,b,c}`: a set of attributes as the script's messages list them. */
export const attrSet = (attrs: readonly string[]): string => `{${attrs.join(',')}}`;
