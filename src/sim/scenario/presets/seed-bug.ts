// The seed's bug (spec/kernel-model.md §6): in RFC v2, klp_init_transition
// returns early for an immediate patch before it sets klp_target_state, which
// is never initialised nor reset, so everything downstream reads a stale
// direction. Each case runs the same script under rfc-v2 and under v4.12,
// where the review's fix is in; `compare` links the twins.
import type { Preset, ScenarioDocument } from './preset.ts';

type Twin = 'rfc-v2' | 'v4.12';

const WORKERS = [{ comm: 'worker', count: 2, syscalls: ['getpid', 'read_cmdline'] }] as const;
const LP_A = { name: 'lp_a', livepatch: { immediate: true, objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'patch A' }] }] } };
const LP_B = { name: 'lp_b', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'patch B' }] }] } };

function caseA(kernel: Twin, name: string, description: string): ScenarioDocument {
  return {
    format: 'klpscope/1',
    name,
    description,
    kernel,
    seed: 1,
    machine: { cpus: 2 },
    tasks: WORKERS,
    modules: [LP_A],
    script: [
      'cat /proc/cmdline',
      'insmod lp_a.ko',
      'cat /sys/kernel/livepatch/lp_a/enabled',
      'cat /proc/cmdline',
      'echo 0 > /sys/kernel/livepatch/lp_a/enabled',
      'cat /sys/kernel/livepatch/lp_a/enabled',
      'cat /proc/cmdline',
      'rmmod lp_a',
    ],
  };
}

function caseB(kernel: Twin, name: string, description: string): ScenarioDocument {
  return {
    format: 'klpscope/1',
    name,
    description,
    kernel,
    seed: 1,
    machine: { cpus: 2 },
    tasks: WORKERS,
    modules: [LP_B, LP_A],
    script: [
      'cat /proc/cmdline',
      'insmod lp_b.ko',
      'wait lp_b',
      'cat /proc/cmdline',
      'insmod lp_a.ko',
      'cat /proc/cmdline',
      'echo 0 > /sys/kernel/livepatch/lp_a/enabled',
      'cat /sys/kernel/livepatch/lp_a/enabled',
      'cat /proc/cmdline',
      'rmmod lp_a',
    ],
  };
}

export const BUG_A_RFC: Preset = {
  id: 'bug-a-rfc',
  title: 'The RFC v2 bug, case A: an immediate patch on a fresh boot',
  question: 'What goes wrong in RFC v2 when the very first patch enabled is an immediate one?',
  kernel: 'rfc-v2',
  compare: 'bug-a-v412',
  scenario: caseA(
    'rfc-v2',
    'rfc-v2: the seed\'s bug, case A (an immediate patch on a fresh boot)',
    'The seed bug of the RFC v2 review, case A. In RFC v2, klp_init_transition returns early for an immediate patch before it sets klp_target_state, a static int that is 0 (KLP_UNPATCHED) since boot. Enabling the immediate patch lp_a therefore announces "unpatching...", and since the completion path of klp_try_complete_transition unpatches whenever klp_target_state is KLP_UNPATCHED, lp_a\'s func is pushed onto the func_stack and taken off again. sysfs says enabled, /proc/cmdline still comes from the original: the simulator reports a broken guarantee (invariant 11). The disable that follows says "unpatching" too, right by coincidence. Compare the same script under v4.12.',
  ),
  tour: [
    {
      when: { kind: 'start' },
      text: 'A fresh boot of RFC v2. klp_target_state is declared static int with no initialiser, so it holds 0, KLP_UNPATCHED. lp_a is an immediate patch of cmdline_proc_show.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }, { kind: 'counts', undefined: 7, pending: 0 }],
    },
    {
      when: { kind: 'event', fn: 'klp_init_transition' },
      text: 'klp_init_transition sets klp_transition_patch, then returns early because lp_a is immediate, before the line that sets klp_target_state. The target still says KLP_UNPATCHED, although this is an enable.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_a' }],
      question: { ask: 'klp_init_transition returned before setting the target, which still reads 0. What will klp_start_transition announce for this enable?', answers: ['patching...', 'unpatching...'], correct: 1, why: 'RFC v2 picks the word from klp_target_state, and the stale 0 means KLP_UNPATCHED: the enable is announced as "unpatching...".' },
    },
    {
      when: { kind: 'log', includes: "'lp_a': unpatching..." },
      text: 'klp_start_transition picks its word from klp_target_state: "unpatching..." for an enable. This is the first of the four places the review points at.',
      spotlight: { panel: 'log', logLine: '\'lp_a\': unpatching...' },
      expect: [{ kind: 'log', includes: '\'lp_a\': unpatching...', present: true }, { kind: 'global', name: 'klp_target_state', value: 0 }],
    },
    {
      when: { kind: 'violation', invariant: 11 },
      text: 'klp_try_complete_transition skips to its success label and, since klp_target_state == KLP_UNPATCHED, calls klp_unpatch_objects: the func just pushed by klp_patch_object comes off again. The request to enable was not honoured.',
      spotlight: { panel: 'narration' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }, { kind: 'log', includes: 'lp_a: patch A', present: false }],
    },
    {
      when: { kind: 'log', includes: 'BOOT_IMAGE' },
      text: 'enabled reads 1, yet /proc/cmdline comes from the original cmdline_proc_show: the patch is enabled in name only.',
      spotlight: { panel: 'log', logLine: 'BOOT_IMAGE' },
      expect: [{ kind: 'log', includes: 'BOOT_IMAGE', present: true }, { kind: 'log', includes: 'lp_a: patch A', present: false }],
    },
    {
      when: { kind: 'log', includes: "'lp_a': unpatching complete" },
      text: 'The disable prints "unpatching", correct only by coincidence: the stale value happens to match.',
      spotlight: { panel: 'log', logLine: '\'lp_a\': unpatching complete' },
      expect: [{ kind: 'log', includes: '\'lp_a\': unpatching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'Module lp_a is in use' },
      text: 'RFC v2 could not unload patch modules at all, so rmmod is refused. Open the v4.12 twin to see the fixed behaviour.',
      spotlight: { panel: 'log', logLine: 'Module lp_a is in use' },
      expect: [{ kind: 'log', includes: 'Module lp_a is in use', present: true }],
    },
  ],
};

export const BUG_A_V412: Preset = {
  id: 'bug-a-v412',
  title: 'Case A fixed in v4.12',
  question: 'How does the merged code handle the very first patch being immediate?',
  kernel: 'v4.12',
  compare: 'bug-a-rfc',
  scenario: caseA(
    'v4.12',
    'v4.12: case A fixed (an immediate patch on a fresh boot)',
    'The script of the rfc-v2 case A preset on v4.12, where the fix the RFC\'s review asked for is in: klp_target_state starts as KLP_UNDEFINED, is set before the immediate early return and is reset when a transition completes. Enabling the immediate patch lp_a says "patching..." and "patching complete", and /proc/cmdline shows lp_a\'s version at once; disabling says "unpatching" and the original is back. The module reference of an immediate patch is never dropped, so rmmod is refused. No guarantee is broken.',
  ),
  tour: [
    {
      when: { kind: 'start' },
      text: 'The same script on v4.12: klp_target_state starts as KLP_UNDEFINED (-1) here, and the WARN_ON_ONCE guards check it.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: -1 }, { kind: 'counts', undefined: 7, pending: 0 }],
    },
    {
      when: { kind: 'event', fn: 'klp_init_transition' },
      text: 'klp_init_transition sets klp_target_state to KLP_PATCHED first, and only then returns early for the immediate patch.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }, { kind: 'global', name: 'klp_transition_patch', value: 'lp_a' }],
      question: { ask: 'The target was set before the early return. What will klp_start_transition announce now?', answers: ['patching...', 'unpatching...'], correct: 0, why: 'v4.12 sets klp_target_state to KLP_PATCHED before klp_init_transition returns for an immediate patch, so the enable is announced as "patching...".' },
    },
    {
      when: { kind: 'log', includes: "'lp_a': patching..." },
      text: 'klp_start_transition now reads the right direction: "patching...".',
      spotlight: { panel: 'log', logLine: '\'lp_a\': patching...' },
      expect: [{ kind: 'log', includes: '\'lp_a\': patching...', present: true }],
    },
    {
      when: { kind: 'event', fn: 'klp_complete_transition' },
      text: 'Completion does not unpatch an enable; klp_complete_transition resets the target to KLP_UNDEFINED, so no stale value is left for the next patch.',
      spotlight: { panel: 'globals', logLine: '\'lp_a\': patching complete' },
      expect: [{ kind: 'log', includes: '\'lp_a\': patching complete', present: true }, { kind: 'global', name: 'klp_target_state', value: -1 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'log', includes: 'lp_a: patch A' },
      text: '/proc/cmdline runs lp_a\'s cmdline_proc_show, as enabled promises.',
      spotlight: { panel: 'log', logLine: 'lp_a: patch A' },
      expect: [{ kind: 'log', includes: 'lp_a: patch A', present: true }],
    },
    {
      when: { kind: 'log', includes: "'lp_a': unpatching complete" },
      text: 'The disable is immediate as well, and the original text returns.',
      spotlight: { panel: 'log', logLine: '\'lp_a\': unpatching complete' },
      expect: [{ kind: 'log', includes: '\'lp_a\': unpatching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'Module lp_a is in use' },
      text: 'v4.12 never drops an immediate patch\'s module reference, since nothing proves nobody still runs its code: rmmod is refused.',
      spotlight: { panel: 'log', logLine: 'Module lp_a is in use' },
      expect: [{ kind: 'log', includes: 'Module lp_a is in use', present: true }],
    },
  ],
};

export const BUG_B_RFC: Preset = {
  id: 'bug-b-rfc',
  title: 'The RFC v2 bug, case B: disabling an immediate patch after a normal one',
  question: 'What goes wrong in RFC v2 when an immediate patch is disabled after a normal patch has run?',
  kernel: 'rfc-v2',
  compare: 'bug-b-v412',
  scenario: caseB(
    'rfc-v2',
    'rfc-v2: the seed\'s bug, case B (disabling an immediate patch after a normal one)',
    'The seed bug of the RFC v2 review, case B. The normal patch lp_b is enabled first; its transition leaves klp_target_state at KLP_PATCHED, because RFC v2 never resets it. The immediate patch lp_a is enabled on top ("patching", right by coincidence) and /proc/cmdline shows lp_a\'s version. Disabling lp_a does not set the target either, so the stale KLP_PATCHED decides: the log says "patching..." and "patching complete", klp_unpatch_objects is skipped, and lp_a\'s func stays at the head of the func_stack. enabled reads 0, yet every read of /proc/cmdline still runs lp_a\'s code instead of lp_b\'s: the simulator reports the disable that did not happen (invariant 11). Compare the same script under v4.12.',
  ),
  tour: [
    {
      when: { kind: 'start' },
      text: 'RFC v2 again. This time a normal patch, lp_b, runs first; then the immediate patch lp_a is enabled and disabled. Both replace cmdline_proc_show.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 0 }, { kind: 'counts', undefined: 7, pending: 0 }],
    },
    {
      when: { kind: 'log', includes: "'lp_b': patching complete" },
      text: 'lp_b\'s transition is a normal one and sets klp_target_state to KLP_PATCHED. RFC v2\'s completion never resets it, so that value stays behind.',
      spotlight: { panel: 'globals', logLine: '\'lp_b\': patching complete' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }, { kind: 'log', includes: '\'lp_b\': patching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'lp_a: patch A' },
      text: 'Enabling lp_a reads the stale KLP_PATCHED, right by coincidence: lp_a\'s func sits on top of lp_b\'s and /proc/cmdline shows lp_a.',
      spotlight: { function: 'cmdline_proc_show', panel: 'log', logLine: 'lp_a: patch A' },
      expect: [{ kind: 'log', includes: 'lp_a: patch A', present: true }],
    },
    {
      when: { kind: 'log', includes: "'lp_a': patching..." },
      text: 'Now the disable: klp_init_transition returns early again without setting the target, so klp_start_transition announces "patching..." for a disable.',
      spotlight: { panel: 'log', logLine: '\'lp_a\': patching...' },
      expect: [{ kind: 'log', includes: '\'lp_a\': patching...', present: true }, { kind: 'global', name: 'klp_target_state', value: 1 }],
    },
    {
      when: { kind: 'violation', invariant: 11 },
      text: 'The success path of klp_try_complete_transition only unpatches when klp_target_state == KLP_UNPATCHED, so klp_unpatch_objects is skipped: lp_a\'s func stays on the func_stack, patched, with transition 0.',
      spotlight: { function: 'cmdline_proc_show', panel: 'stacks' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: 1 }, { kind: 'log', includes: '\'lp_a\': unpatching', present: false }],
    },
    {
      when: { kind: 'log', includes: 'lp_a: patch A' },
      text: 'enabled reads 0, but klp_ftrace_handler takes the head of the func_stack: every task still runs lp_a\'s code, not lp_b\'s.',
      spotlight: { function: 'cmdline_proc_show', panel: 'log', logLine: 'lp_a: patch A' },
      expect: [{ kind: 'log', includes: 'lp_a: patch A', present: true }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
    {
      when: { kind: 'settled' },
      text: 'rmmod is refused: RFC v2 cannot unload patch modules, which here is lucky, since freeing lp_a would leave the handler jumping into freed code. Open the v4.12 twin to compare.',
      spotlight: { panel: 'log' },
      expect: [{ kind: 'counts', undefined: 7, pending: 0 }, { kind: 'global', name: 'klp_transition_patch', value: null }],
    },
  ],
};

export const BUG_B_V412: Preset = {
  id: 'bug-b-v412',
  title: 'Case B fixed in v4.12',
  question: 'How does the merged code disable an immediate patch stacked on a normal one?',
  kernel: 'v4.12',
  compare: 'bug-b-rfc',
  scenario: caseB(
    'v4.12',
    'v4.12: case B fixed (disabling an immediate patch after a normal one)',
    'The script of the rfc-v2 case B preset on v4.12. lp_b\'s transition resets klp_target_state to KLP_UNDEFINED when it completes, and disabling the immediate patch lp_a sets it to KLP_UNPATCHED before the immediate early return, so the log says "unpatching..." and "unpatching complete", lp_a\'s func leaves the func_stack and /proc/cmdline shows lp_b\'s version again. lp_a\'s module reference is kept forever (immediate), so rmmod is refused. No guarantee is broken.',
  ),
  tour: [
    {
      when: { kind: 'start' },
      text: 'The same script on v4.12: lp_b first, then the immediate lp_a on top, then lp_a disabled.',
      spotlight: { panel: 'globals' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: -1 }, { kind: 'counts', undefined: 7, pending: 0 }],
    },
    {
      when: { kind: 'event', fn: 'klp_complete_transition' },
      text: 'klp_complete_transition ends lp_b\'s transition by resetting klp_target_state to KLP_UNDEFINED: nothing stale is left behind.',
      spotlight: { panel: 'globals', logLine: '\'lp_b\': patching complete' },
      expect: [{ kind: 'global', name: 'klp_target_state', value: -1 }, { kind: 'log', includes: '\'lp_b\': patching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'lp_a: patch A' },
      text: 'lp_a is enabled immediately on top of lp_b: /proc/cmdline shows lp_a.',
      spotlight: { function: 'cmdline_proc_show', panel: 'log', logLine: 'lp_a: patch A' },
      expect: [{ kind: 'log', includes: 'lp_a: patch A', present: true }],
    },
    {
      when: { kind: 'log', includes: "'lp_a': unpatching..." },
      text: 'The disable sets klp_target_state to KLP_UNPATCHED before klp_init_transition returns early, so the start message is right.',
      spotlight: { panel: 'log', logLine: '\'lp_a\': unpatching...' },
      expect: [{ kind: 'log', includes: '\'lp_a\': unpatching...', present: true }, { kind: 'global', name: 'klp_target_state', value: 0 }],
    },
    {
      when: { kind: 'log', includes: "'lp_a': unpatching complete" },
      text: 'klp_complete_transition unpatches exactly when the operation is a disable: lp_a\'s func leaves the func_stack.',
      spotlight: { function: 'cmdline_proc_show', panel: 'stacks', logLine: '\'lp_a\': unpatching complete' },
      expect: [{ kind: 'log', includes: '\'lp_a\': unpatching complete', present: true }],
    },
    {
      when: { kind: 'log', includes: 'lp_b: patch B' },
      text: 'The handler finds lp_b\'s func at the head again: /proc/cmdline shows lp_b.',
      spotlight: { panel: 'log', logLine: 'lp_b: patch B' },
      expect: [{ kind: 'log', includes: 'lp_b: patch B', present: true }],
    },
    {
      when: { kind: 'log', includes: 'Module lp_a is in use' },
      text: 'The immediate patch keeps its module reference for good, so rmmod is refused, but no guarantee was broken.',
      spotlight: { panel: 'log', logLine: 'Module lp_a is in use' },
      expect: [{ kind: 'log', includes: 'Module lp_a is in use', present: true }],
    },
  ],
};

export const BUG_PRESETS: readonly Preset[] = [BUG_A_RFC, BUG_A_V412, BUG_B_RFC, BUG_B_V412];
