// kernel/livepatch/core.c, modelled: creating, registering, enabling and
// disabling patches with each variant's checks, the sysfs `enabled` and
// `force` stores, and patching of modules as they come and go.
import type { KGen, Kernel } from '../kernel.ts';
import { KLP_PATCHED, KLP_UNPATCHED } from '../types.ts';
import { MAY_NEVER_COMPLETE, NO_RELIABLE_STACK } from './messages.ts';
import { klpPatchObject, klpUnpatchObject } from './patch.ts';
import { klpPostPatchCallback, klpPostUnpatchCallback, klpPrePatchCallback, klpPreUnpatchCallback } from './callbacks.ts';
import { funcById, patchById } from './state.ts';
import type { KlpObject, KlpPatch } from './state.ts';
import {
  klpCancelTransition,
  klpForceTransition,
  klpFreePatch,
  klpInitTransition,
  klpReverseTransition,
  klpStartTransition,
  klpTryCompleteTransition,
} from './transition.ts';
import { EBUSY, EINVAL, ENOSYS } from '../errno.ts';

/**
 * kstrtobool: y/Y/1/on are true, n/N/0/off false; anything else is -EINVAL.
 * Today's kernel also takes e/E/t/T (enable, true) and d/D/f/F (disable, false).
 */
export function kstrtobool(s: string, mainline = false): boolean | undefined {
  const c = s[0];
  if (c === 'y' || c === 'Y' || c === '1') return true;
  if (c === 'n' || c === 'N' || c === '0') return false;
  if (mainline && c !== undefined && 'eEtT'.includes(c)) return true;
  if (mainline && c !== undefined && 'dDfF'.includes(c)) return false;
  if (c === 'o' || c === 'O') {
    const d = s[1]?.toLowerCase();
    if (d === 'n') return true;
    if (d === 'f') return false;
  }
  return undefined;
}

/** The klp_patch a livepatch module declares, with its objects and funcs. */
export function klpCreatePatch(k: Kernel, moduleIndex: number, immediate?: boolean): KlpPatch {
  const spec = k.moduleSpec(moduleIndex);
  const lp = spec.livepatch;
  if (lp === undefined) throw new Error(`${spec.name} is not a livepatch module`);
  const g = k.klp;
  const id = g.all.length;
  const objects: KlpObject[] = lp.objects.map((o) => ({
    name: o.name,
    patched: false,
    // Callbacks came with v4.15: of the three kernels only mainline has them.
    callbacks: k.variant === 'mainline' && o.callbacks,
    postUnpatchEnabled: false,
    funcs: o.funcs.map((f) => {
      const fid = g.funcs.length;
      g.funcs.push({
        id: fid,
        patch: id,
        oldName: f.old,
        oldFn: k.world.fnId(f.old),
        ...(f.output === undefined ? {} : { output: f.output }),
        // Func-level immediate exists in v4.12 only.
        immediate: k.variant === 'v4.12' && f.immediate,
        patched: false,
        transition: false,
      });
      return fid;
    }),
  }));
  // `replace` is the flag itself, or an integer parameter read at load time.
  const params = k.moduleAt(moduleIndex).params;
  const replace = k.variant === 'mainline' && (typeof lp.replace === 'string' ? Number(params[lp.replace] ?? 0) !== 0 : lp.replace);
  const patch: KlpPatch = {
    id,
    mod: spec.name,
    objects,
    immediate: k.variant !== 'mainline' && (immediate ?? lp.immediate),
    enabled: false,
    forced: false,
    holdsModuleRef: false,
    registered: false,
    replace,
  };
  g.all.push(patch);
  return patch;
}

/**
 * klp_add_nops (mainline, atomic replace): for every function that a patch
 * on klp_patches changes and `patch` does not, a no-op func, in an object of
 * the same name (made for it if `patch` has none), so that every function
 * ends on this patch's version or on the original.
 */
export function klpAddNops(k: Kernel, patch: KlpPatch): void {
  const g = k.klp;
  for (const oldId of g.patches) {
    if (oldId === patch.id) continue;
    for (const oldObj of patchById(g, oldId).objects) {
      for (const fid of oldObj.funcs) {
        const old = funcById(g, fid);
        let obj = patch.objects.find((o) => o.name === oldObj.name);
        if (obj?.funcs.some((id) => funcById(g, id).oldFn === old.oldFn)) continue;
        if (obj === undefined) {
          obj = { name: oldObj.name, funcs: [], patched: false, callbacks: false, postUnpatchEnabled: false, dynamic: true };
          patch.objects = [...patch.objects, obj];
        }
        const nop = { id: g.funcs.length, patch: patch.id, oldName: old.oldName, oldFn: old.oldFn, immediate: false, patched: false, transition: false, nop: true };
        g.funcs.push(nop);
        obj.funcs = [...obj.funcs, nop.id];
      }
    }
  }
}

/** klp_register_patch (rfc-v2, v4.12): the patch gets its sysfs directory. */
export function klpRegisterPatch(k: Kernel, patch: KlpPatch): number {
  if (!k.world.scenario.machine.reliableStacktrace && !patch.immediate) {
    k.klpLog('err', NO_RELIABLE_STACK);
    return -ENOSYS;
  }
  patch.registered = true;
  k.klp.patches.push(patch.id);
  return 0;
}

export function klpUnregisterPatch(k: Kernel, patch: KlpPatch): number {
  if (patch.enabled) return -EBUSY;
  patch.registered = false;
  k.klp.patches = k.klp.patches.filter((id) => id !== patch.id);
  return 0;
}

/** klp_enable_patch as a patch module's init calls it. */
export function* klpEnablePatch(k: Kernel, patch: KlpPatch): KGen<number> {
  if (k.variant === 'mainline') {
    // mainline: the one API, from module init; it registers the patch too.
    if (!k.world.scenario.machine.reliableStacktrace) {
      k.klpLog('warn', NO_RELIABLE_STACK);
      k.klpLog('warn', MAY_NEVER_COMPLETE);
    }
    patch.holdsModuleRef = true;
    patch.registered = true;
    // klp_init_patch: the nops of an atomic replace, then onto klp_patches.
    if (patch.replace) klpAddNops(k, patch);
    k.klp.patches.push(patch.id);
    const ret = yield* klpEnable(k, patch);
    if (ret < 0) klpFreePatch(k, patch);
    return ret;
  }
  return yield* klpEnable(k, patch);
}

/** __klp_enable_patch. */
function* klpEnable(k: Kernel, patch: KlpPatch): KGen<number> {
  const g = k.klp;
  const v = k.variant;
  if (g.transitionPatch >= 0) return -EBUSY;
  if (patch.enabled) return -EINVAL; // WARN_ON(patch->enabled)
  if (v !== 'mainline') {
    // Stacking: only the first disabled patch can be enabled.
    const at = g.patches.indexOf(patch.id);
    const before = at > 0 ? g.patches[at - 1] : undefined;
    if (before !== undefined && !patchById(g, before).enabled) return -EBUSY;
    patch.holdsModuleRef = true; // try_module_get
  }
  k.klpLog('notice', `enabling patch '${patch.mod}'`);
  g.requested = KLP_PATCHED;
  yield* klpInitTransition(k, patch, KLP_PATCHED);
  // smp_wmb(): funcs are marked in transition before the handler can see them.
  for (const obj of patch.objects) {
    if (!k.loaded(obj.name)) continue;
    let ret = klpPrePatchCallback(k, patch, obj);
    if (ret !== 0) {
      k.klpLog('warn', `pre-patch callback failed for object '${obj.name}'`);
    } else {
      ret = klpPatchObject(k, obj);
      if (ret < 0 && v === 'mainline') k.klpLog('warn', `failed to patch object '${obj.name}'`);
    }
    if (ret !== 0) {
      k.klpLog('warn', `failed to enable patch '${patch.mod}'`);
      yield obj.patched ? k.emit('patch-object-failed', { patch: patch.mod, object: obj.name }) : k.emit('pre-patch-failed', { patch: patch.mod, object: obj.name, ret });
      yield* klpCancelTransition(k);
      return ret;
    }
    yield k.emit('patch-object', { patch: patch.mod, object: obj.name, funcs: obj.funcs.map((id) => funcById(g, id).oldName) });
  }
  yield* klpStartTransition(k);
  // mainline sets `enabled` before the first pass, which frees a patch that
  // is not enabled. v4.12 sets it after the pass returns; nothing reads it in
  // between (klp_mutex is held), so setting it first here only lets the
  // trace show it with the pass.
  patch.enabled = true;
  yield* klpTryCompleteTransition(k);
  return 0;
}

/** __klp_disable_patch. */
export function* klpDisablePatch(k: Kernel, patch: KlpPatch): KGen<number> {
  const g = k.klp;
  const v = k.variant;
  if (!patch.enabled) return -EINVAL;
  if (g.transitionPatch >= 0) return -EBUSY;
  if (v !== 'mainline') {
    // Stacking: only the last enabled patch can be disabled.
    const at = g.patches.indexOf(patch.id);
    const after = at >= 0 ? g.patches[at + 1] : undefined;
    if (after !== undefined && patchById(g, after).enabled) return -EBUSY;
  }
  g.requested = KLP_UNPATCHED;
  yield* klpInitTransition(k, patch, KLP_UNPATCHED);
  for (const obj of patch.objects) if (obj.patched) klpPreUnpatchCallback(k, patch, obj);
  // smp_wmb(): funcs are in transition before any task gets its flag.
  yield* klpStartTransition(k);
  // As in klpEnable: v4.12 clears it after the first pass, unobservably later.
  patch.enabled = false;
  yield* klpTryCompleteTransition(k);
  return 0;
}

/** enabled_store: 1 enables, 0 disables, either during a transition reverses it. */
export function* enabledStore(k: Kernel, patch: KlpPatch, buf: string): KGen<number> {
  const value = kstrtobool(buf, k.variant === 'mainline');
  if (value === undefined) return -EINVAL;
  if (patch.enabled === value) return -EINVAL; // already in the requested state
  if (patch.id === k.klp.transitionPatch) {
    yield* klpReverseTransition(k);
    return 0;
  }
  if (value) return k.variant === 'mainline' ? -EINVAL : yield* klpEnable(k, patch);
  return yield* klpDisablePatch(k, patch);
}

/** force_store (mainline): `1` forces the patch in transition; `0` does nothing. */
export function* forceStore(k: Kernel, patch: KlpPatch, buf: string): KGen<number> {
  const value = kstrtobool(buf, true);
  if (value === undefined) return -EINVAL;
  if (!value) return 0;
  if (patch.id !== k.klp.transitionPatch) return -EINVAL;
  yield* klpForceTransition(k);
  return 0;
}

/** The patches klp_module_coming and klp_module_going look at, in list order. */
function* patchesFor(k: Kernel, mod: string): Generator<[KlpPatch, KlpObject]> {
  for (const id of k.klp.patches) {
    const patch = patchById(k.klp, id);
    // v4.12's list holds registered patches, enabled or not; mainline's only live ones.
    if (!patch.enabled && patch.id !== k.klp.transitionPatch) continue;
    const obj = patch.objects.find((o) => o.name === mod);
    if (obj !== undefined) yield [patch, obj];
  }
}

/**
 * klp_module_coming (the module is MODULE_STATE_COMING, before its init):
 * every patch with an object for it applies it, with its callbacks; a
 * failure reverts the patches already applied and refuses the module.
 */
export function* klpModuleComing(k: Kernel, mod: string): KGen<number> {
  const done: [KlpPatch, KlpObject][] = [];
  for (const [patch, obj] of patchesFor(k, mod)) {
    const inTransition = patch.id === k.klp.transitionPatch;
    k.klpLog('notice', `applying patch '${patch.mod}' to loading module '${mod}'`);
    let ret = klpPrePatchCallback(k, patch, obj);
    if (ret !== 0) k.klpLog('warn', `pre-patch callback failed for object '${mod}'`);
    else {
      ret = klpPatchObject(k, obj, !inTransition);
      if (ret < 0) k.klpLog('warn', `failed to apply patch '${patch.mod}' to module '${mod}' (${ret})`);
    }
    if (ret !== 0) {
      k.klpLog('warn', `patch '${patch.mod}' failed for module '${mod}', refusing to load module '${mod}'`);
      yield k.emit('module-coming-failed', { patch: patch.mod, module: mod });
      yield* klpCleanupModulePatches(k, mod, done);
      return ret;
    }
    // A patch in transition runs post_patch when its transition completes.
    if (!inTransition) klpPostPatchCallback(k, patch, obj);
    done.push([patch, obj]);
    yield k.emit('module-coming', { patch: patch.mod, module: mod, inTransition });
  }
  return 0;
}

/** klp_cleanup_module_patches_limited: revert the module's objects of these patches. */
function* klpCleanupModulePatches(k: Kernel, mod: string, which: Iterable<[KlpPatch, KlpObject]>): KGen {
  for (const [patch, obj] of which) {
    const inTransition = patch.id === k.klp.transitionPatch;
    if (!inTransition) klpPreUnpatchCallback(k, patch, obj);
    k.klpLog('notice', `reverting patch '${patch.mod}' on unloading module '${mod}'`);
    klpUnpatchObject(k, obj, !inTransition);
    klpPostUnpatchCallback(k, patch, obj);
    yield k.emit('module-going', { patch: patch.mod, module: mod });
  }
}

/** klp_module_going (after the module's exit, MODULE_STATE_GOING): patched objects of it are reverted. */
export function* klpModuleGoing(k: Kernel, mod: string): KGen {
  yield* klpCleanupModulePatches(k, mod, [...patchesFor(k, mod)]);
}
