// The livepatch core's printk formats, by kernel variant (spec/kernel-model.md §5).
// rfc-v2 and v4.12 print the v4.12–v4.14 set; mainline the v4.15+ set with its
// pr_debug lines.
import type { KernelVariant } from '../scenario/types.ts';
import type { KlpState } from '../types.ts';
import { stateWord } from '../names.ts';

export const startMessage = (v: KernelVariant, mod: string, target: KlpState): string =>
  v === 'mainline' ? `'${mod}': starting ${stateWord(target)} transition` : `'${mod}': ${stateWord(target)}...`;

export const completeMessage = (mod: string, target: KlpState): string => `'${mod}': ${stateWord(target)} complete`;

export const initMessage = (mod: string, target: KlpState): string => `'${mod}': initializing ${stateWord(target)} transition`;

export const completingMessage = (mod: string, target: KlpState): string => `'${mod}': completing ${stateWord(target)} transition`;

export const cancelMessage = (mod: string): string => `'${mod}': canceling patching transition, going to unpatch`;

export const reverseMessage = (mod: string, oldTarget: KlpState): string =>
  `'${mod}': reversing transition from ${oldTarget === 1 ? 'patching to unpatching' : 'unpatching to patching'}`;

export type StallReason = 'running' | 'unreliable' | 'sleeping';

/**
 * The per-task stall lines. v4.12 formats them where they happen, so the
 * stack's two come from klp_check_stack; since v5.16 all three come from
 * klp_try_switch_task.
 */
export function stallMessage(v: KernelVariant, reason: StallReason, comm: string, pid: number, fn?: string): string {
  const where = v === 'mainline' || reason === 'running' ? 'klp_try_switch_task' : 'klp_check_stack';
  switch (reason) {
    case 'running':
      return `${where}: ${comm}:${pid} is running`;
    case 'unreliable':
      return `${where}: ${comm}:${pid} has an unreliable stack`;
    case 'sleeping':
      return `${where}: ${comm}:${pid} is sleeping on function ${fn ?? '?'}`;
  }
}

export const NO_RELIABLE_STACK = "This architecture doesn't have support for the livepatch consistency model.";
export const MAY_NEVER_COMPLETE = 'The livepatch transition may never complete.';
export const SIGNALING = 'signaling remaining tasks';
export const FORCING = 'forcing remaining tasks to the patched state';
