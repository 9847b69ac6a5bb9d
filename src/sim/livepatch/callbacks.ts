// The object callbacks of a patch (v4.15+, mainline): pre/post patch and
// pre/post unpatch, as the kernel's own test module implements them: each
// logs which object it ran for and, for a module, that module's state;
// pre_patch returns the patch module's `pre_patch_ret` parameter.
import type { Kernel } from '../kernel.ts';
import type { KlpObject, KlpPatch } from './state.ts';

export type CallbackName = 'pre_patch' | 'post_patch' | 'pre_unpatch' | 'post_unpatch';

/** `enum module_state` as the test module prints it. */
const MODULE_STATE_TEXT = {
  live: '[MODULE_STATE_LIVE] Normal state',
  coming: '[MODULE_STATE_COMING] Full formed, running module_init',
  going: '[MODULE_STATE_GOING] Going away',
  unformed: '[MODULE_STATE_UNFORMED] Still setting it up',
} as const;

function logCallback(k: Kernel, patch: KlpPatch, obj: KlpObject, cb: CallbackName): void {
  const where = obj.name === 'vmlinux' ? 'vmlinux' : `${obj.name} -> ${MODULE_STATE_TEXT[k.module(obj.name)?.state ?? 'unformed']}`;
  k.printk('info', `${patch.mod}: ${cb}_callback: ${where}`);
}

/** klp_pre_patch_callback: runs it, and enables post_unpatch only if it succeeded. */
export function klpPrePatchCallback(k: Kernel, patch: KlpPatch, obj: KlpObject): number {
  let ret = 0;
  if (obj.callbacks) {
    logCallback(k, patch, obj, 'pre_patch');
    const v = k.module(patch.mod)?.params.pre_patch_ret;
    ret = typeof v === 'number' ? v : 0;
  }
  obj.postUnpatchEnabled = ret === 0;
  return ret;
}

export function klpPostPatchCallback(k: Kernel, patch: KlpPatch, obj: KlpObject): void {
  if (obj.callbacks) logCallback(k, patch, obj, 'post_patch');
}

export function klpPreUnpatchCallback(k: Kernel, patch: KlpPatch, obj: KlpObject): void {
  if (obj.callbacks) logCallback(k, patch, obj, 'pre_unpatch');
}

/** klp_post_unpatch_callback: only after a successful pre_patch, and once. */
export function klpPostUnpatchCallback(k: Kernel, patch: KlpPatch, obj: KlpObject): void {
  if (obj.callbacks && obj.postUnpatchEnabled) logCallback(k, patch, obj, 'post_unpatch');
  obj.postUnpatchEnabled = false;
}
