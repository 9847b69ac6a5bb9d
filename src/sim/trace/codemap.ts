// Which line of which modelled kernel function each event is: pure data,
// keyed by the event's kind (src/sim/events.ts), so a new kind without a
// line fails to compile here and fails test/sim/codemap.test.ts. A few kinds
// point at a different line depending on their typed arguments (why a stack
// check failed, what a shell command came to), or on the kernel variant.
import type { EventArgs, EventKind } from '../events.ts';
import type { KernelVariant } from '../scenario/types.ts';
import { splitWords } from '../scenario/script.ts';
import { parseSysfsPath } from '../sysfs.ts';
import type { CodeFnId } from './listings.ts';

export interface CodeRef {
  readonly fn: CodeFnId;
  /** A line id of that function's listing. */
  readonly line: string;
}

const at = (fn: CodeFnId, line: string): CodeRef => ({ fn, line });

/** Where an event of each kind points, whatever its arguments. */
export const CODE_MAP: { readonly [K in EventKind]: CodeRef } = {
  'shell-terminal': at('workload', 'shell'),
  'shell-sleep': at('workload', 'shell'),
  'shell-wait-met': at('workload', 'shell'),
  'shell-wait': at('workload', 'shell'),
  'shell-wake': at('workload', 'shell'),
  'shell-wake-switch': at('klp_update_patch_state', 'switch'),
  'command-done': at('workload', 'shell'),
  'command-done-switch': at('klp_update_patch_state', 'switch'),
  oops: at('workload', 'oops'),
  'cpu-hotplug': at('workload', 'hotplug'),
  'syscall-sleep': at('workload', 'sleep'),
  'syscall-return': at('workload', 'user-return'),
  'syscall-return-switch': at('klp_update_patch_state', 'switch'),
  'syscall-wake-return': at('workload', 'user-return'),
  'syscall-wake-return-switch': at('klp_update_patch_state', 'switch'),
  'fork-return': at('workload', 'fork'),
  'fork-return-switch': at('klp_update_patch_state', 'switch'),
  'kthread-loop': at('workload', 'kthread'),
  'slice-kept': at('workload', 'tick'),
  'slice-kept-switch': at('klp_update_patch_state', 'switch'),
  'slice-end': at('workload', 'tick'),
  'slice-end-switch': at('klp_update_patch_state', 'switch'),
  wakeup: at('workload', 'wake'),
  'idle-switch': at('klp_update_patch_state', 'switch'),
  'work-queued': at('klp_transition_work_fn', 'queued'),
  'work-run': at('klp_transition_work_fn', 'try'),
  'work-idle': at('klp_transition_work_fn', 'idle'),
  'work-done': at('klp_transition_work_fn', 'try'),
  'patch-object': at('klp_enable_patch', 'patch-object'),
  'patch-object-failed': at('klp_enable_patch', 'patch-failed'),
  'pre-patch-failed': at('klp_callbacks', 'pre-patch-failed'),
  'module-coming': at('klp_module_coming', 'patch'),
  'module-coming-failed': at('klp_module_coming', 'failed'),
  'module-going': at('klp_module_going', 'unpatch'),
  init: at('klp_init_transition', 'funcs'),
  'init-immediate': at('klp_init_transition', 'immediate'),
  start: at('klp_start_transition', 'flag'),
  'start-immediate': at('klp_start_transition', 'immediate'),
  'switch-stalled': at('klp_try_switch_task', 'stalled'),
  'switch-checked': at('klp_try_switch_task', 'switch'),
  'switch-offline-idle': at('klp_try_complete_transition', 'offline'),
  'try-complete-retry': at('klp_try_complete_transition', 'rearm'),
  'try-complete-done': at('klp_try_complete_transition', 'notice'),
  complete: at('klp_complete_transition', 'clear'),
  reverse: at('klp_reverse_transition', 'flip'),
  force: at('klp_force_transition', 'switch'),
};

/** Refinements by a kind's typed arguments. */
type Refine = { readonly [K in EventKind]?: (args: EventArgs[K], variant: KernelVariant) => CodeRef | undefined };

/**
 * `echo VALUE > /sys/kernel/livepatch/PATCH/ATTR`, taken apart by the same
 * word splitter and path parser as the script and the shell; undefined for
 * any other command line.
 */
function patchWrite(line: string): { readonly attr: string; readonly value: string } | undefined {
  let words: string[];
  try {
    words = splitWords(line, 'command');
  } catch {
    return undefined;
  }
  const [cmd, value, op, path] = words;
  if (words.length !== 4 || cmd !== 'echo' || op !== '>' || value === undefined || path === undefined) return undefined;
  const p = parseSysfsPath(path);
  return p?.kind === 'patch' ? { attr: p.attr, value } : undefined;
}

export const CODE_REFINE: Refine = {
  'switch-stalled': (a) => {
    switch (a.why) {
      case 'running':
        return at('klp_try_switch_task', 'running');
      case 'no-unwinder':
        return at('klp_try_switch_task', 'no-unwinder');
      case 'unreliable':
        return at('klp_check_stack', 'unreliable');
      case 'sleeping':
        return at('klp_check_stack', 'frame');
    }
  },
  'try-complete-retry': (a) => (a.signalled ? at('klp_send_signals', 'fake') : undefined),
  'try-complete-done': (a, v) => (a.form === 'rfc-v2' && v === 'rfc-v2' ? at('klp_try_complete_transition', 'rfc-unpatch') : undefined),
  complete: (_a, v) => (v === 'rfc-v2' ? at('klp_complete_transition', 'no-reset') : at('klp_complete_transition', 'reset')),
  'command-done': (a) => {
    const o = a.outcome;
    if (o.kind === 'read-through') return at('klp_ftrace_handler', 'redirect');
    if (o.kind === 'tasks' && o.what === 'fork') return at('klp_copy_process', 'state');
    const w = patchWrite(a.line);
    if (w?.attr === 'enabled' && (w.value === '0' || w.value === '1')) return at('enabled_store', w.value === '1' ? 'enable' : 'disable');
    if (w?.attr === 'force') return at('klp_force_transition', 'entry');
    return undefined;
  },
};

/**
 * Kinds some kernels never emit, pointed at the line of theirs that does the
 * same job, so that every kind has a line in every kernel: mainline has no
 * immediate patches and says nothing at the end of the pass; rfc-v2 walks
 * only online CPUs.
 */
export const CODE_BY_VARIANT: { readonly [K in EventKind]?: Partial<Record<KernelVariant, CodeRef>> } = {
  'init-immediate': { mainline: at('klp_init_transition', 'set-target-early') },
  'start-immediate': { mainline: at('klp_start_transition', 'notice') },
  'try-complete-done': { mainline: at('klp_try_complete_transition', 'complete') },
  'switch-offline-idle': { 'rfc-v2': at('klp_try_switch_task', 'switch') },
  // Callbacks came with v4.15: the older kernels fail the enable where it patches the object.
  'pre-patch-failed': { 'rfc-v2': at('klp_enable_patch', 'patch-failed'), 'v4.12': at('klp_enable_patch', 'patch-failed') },
};

/** The function and line an event of `kind` with `args` points at, in `variant`. */
export function codeRefOf<K extends EventKind>(kind: K, args: EventArgs[K], variant: KernelVariant): CodeRef {
  const refine = CODE_REFINE[kind];
  return refine?.(args, variant) ?? CODE_BY_VARIANT[kind]?.[variant] ?? CODE_MAP[kind];
}
