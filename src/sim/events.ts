// The events of a trace as typed records: one kind per modelled effect, the
// kernel function it models (as data, in EVENT_FN), and the arguments its
// narration needs. Nothing is formatted while the simulation runs: the
// narration of an event is written by describeEvent, only when something
// shows it (the narration panel, `--trace`, a test).
import { stateWord, stateWordPast } from './names.ts';
import type { StallReason } from './livepatch/messages.ts';
import { LIVEPATCH_SYSFS } from './sysfs.ts';
import type { KlpState, SimEvent } from './types.ts';
import { must } from './must.ts';
import type { World } from './world.ts';

/** What a shell command came to, when it printed no event of its own. */
export type CommandOutcome =
  | { readonly kind: 'ran' }
  | { readonly kind: 'loaded'; readonly module: string }
  | { readonly kind: 'load-failed'; readonly module: string; readonly error: string }
  | { readonly kind: 'not-loaded'; readonly module: string }
  | { readonly kind: 'in-use'; readonly module: string; readonly by: 'patch' | 'task' }
  | { readonly kind: 'unloaded'; readonly module: string }
  | { readonly kind: 'write-refused'; readonly path: string; readonly error: string }
  /** The shell could not open the file of its redirection: echo never ran. */
  | { readonly kind: 'open-failed'; readonly path: string; readonly error: string }
  | { readonly kind: 'read'; readonly path: string }
  | { readonly kind: 'read-through'; readonly path: string; readonly fn: string; readonly version: string | null }
  | { readonly kind: 'no-task'; readonly who: string; readonly what: 'wake' | 'kill' | 'fork' }
  /** `ignored`: every task a `kill` found was a kernel thread, which ignores SIGKILL. */
  | { readonly kind: 'tasks'; readonly who: string; readonly what: 'wake' | 'kill' | 'fork'; readonly n: number; readonly ignored: boolean; /** what if `no-fork-inherit`: children start at the target. */ readonly uninherited?: true }
  | { readonly kind: 'script-only'; readonly directive: 'sleep' | 'wait' }
  /** `check PATH VALUE`: what the file read. */
  | { readonly kind: 'checked'; readonly path: string; readonly expected: string; readonly read: string };

/** Why klp_try_switch_task left a task as it was. */
export type StallWhy = StallReason | 'no-unwinder';

/** A task other than the event's own, by the name the log gives it. */
export interface TaskRef {
  readonly comm: string;
  readonly pid: number;
}

const NONE = {} as const;
type None = typeof NONE;
/** The arguments of a kind that needs none. */
export const NO_ARGS: None = NONE;

/** Sleeps are in µs; -1 is `forever`. */
export interface EventArgs {
  // ---- the shell
  'shell-terminal': None;
  /** `sleep S` (upTo null) or `sleep S..UPTO`, which chose `sleptUs` within its window. */
  'shell-sleep': { readonly seconds: number; readonly upTo: number | null; readonly sleptUs: number; readonly lineNo: number };
  'shell-wait-met': { readonly patch: string; readonly until: 0 | 1 };
  'shell-wait': { readonly patch: string; readonly until: 0 | 1; readonly limitS: number };
  'shell-wake': { readonly why: 'sleep' | 'wait' | 'timeout'; readonly patch: string };
  'shell-wake-switch': { readonly why: 'sleep' | 'wait' | 'timeout'; readonly patch: string };
  /** The last event of a command: `events` says whether it produced others before. */
  'command-done': { readonly line: string; readonly events: boolean; readonly outcome: CommandOutcome };
  'command-done-switch': { readonly line: string; readonly events: boolean; readonly outcome: CommandOutcome };
  oops: { readonly fn: number; readonly module: string };
  'cpu-hotplug': { readonly online: boolean };
  // ---- the workload and the scheduler
  'syscall-sleep': { readonly syscall: number; readonly sleepUs: number };
  'syscall-return': { readonly syscall: number };
  'syscall-return-switch': { readonly syscall: number; readonly to: KlpState };
  'syscall-wake-return': { readonly syscall: number };
  'syscall-wake-return-switch': { readonly syscall: number; readonly to: KlpState };
  'fork-return': None;
  'fork-return-switch': { readonly to: KlpState };
  'kthread-loop': { readonly sleepUs: number };
  'slice-kept': None;
  'slice-kept-switch': { readonly to: KlpState };
  'slice-end': { readonly next: TaskRef };
  'slice-end-switch': { readonly next: TaskRef; readonly to: KlpState };
  wakeup: None;
  'idle-switch': { readonly kicked: boolean; readonly to: KlpState };
  // ---- the delayed work
  'work-queued': None;
  'work-run': None;
  'work-idle': None;
  'work-done': { readonly next: TaskRef };
  // ---- the livepatch core
  'patch-object': { readonly patch: string; readonly object: string; readonly funcs: readonly string[] };
  'patch-object-failed': { readonly patch: string; readonly object: string };
  /** An object's pre_patch callback returned `ret` (non-zero): the enable is cancelled. */
  'pre-patch-failed': { readonly patch: string; readonly object: string; readonly ret: number };
  'module-coming': { readonly patch: string; readonly module: string; readonly inTransition: boolean };
  'module-coming-failed': { readonly patch: string; readonly module: string };
  'module-going': { readonly patch: string; readonly module: string };
  init: { readonly patch: string; readonly target: KlpState; readonly initial: KlpState };
  /** rfc-v2 leaves klp_target_state as it was (`stale`); the merged code has none. */
  'init-immediate': { readonly patch: string; readonly target: KlpState; readonly stale: KlpState | null };
  start: { readonly patch: string; readonly target: KlpState; readonly pending: number };
  'start-immediate': { readonly patch: string };
  'switch-stalled': { readonly why: StallWhy; readonly target: KlpState; readonly cpu: number; readonly fn: string };
  'switch-checked': { readonly target: KlpState };
  'switch-offline-idle': None;
  /** `retryAt` in µs; `signalled`: stragglers got a fake signal; `firstSignals`: with the notice that says so. */
  'try-complete-retry': { readonly stalled: number; readonly retryAt: number; readonly signalled: boolean; readonly firstSignals: boolean };
  /** The pass that finds every task switched, where a variant says so (rfc-v2, v4.12). */
  'try-complete-done': { readonly patch: string; readonly target: KlpState; readonly form: 'rfc-v2' | 'v4.12' | 'immediate' };
  complete: { readonly patch: string; readonly target: KlpState; readonly immediate: boolean };
  reverse: { readonly patch: string; readonly from: KlpState; readonly target: KlpState };
  force: { readonly forced: number };
}

export type EventKind = keyof EventArgs;

/** The kernel function (or workload kind) each kind models. */
export const EVENT_FN: { readonly [K in EventKind]: string } = {
  'shell-terminal': 'shell',
  'shell-sleep': 'shell',
  'shell-wait-met': 'shell',
  'shell-wait': 'shell',
  'shell-wake': 'shell',
  'shell-wake-switch': 'klp_update_patch_state',
  'command-done': 'shell',
  'command-done-switch': 'klp_update_patch_state',
  oops: 'oops',
  'cpu-hotplug': 'cpu_hotplug',
  'syscall-sleep': 'syscall',
  'syscall-return': 'syscall',
  'syscall-return-switch': 'klp_update_patch_state',
  'syscall-wake-return': 'syscall',
  'syscall-wake-return-switch': 'klp_update_patch_state',
  'fork-return': 'fork',
  'fork-return-switch': 'klp_update_patch_state',
  'kthread-loop': 'kthread',
  'slice-kept': 'schedule',
  'slice-kept-switch': 'klp_update_patch_state',
  'slice-end': 'schedule',
  'slice-end-switch': 'klp_update_patch_state',
  wakeup: 'wakeup',
  'idle-switch': 'klp_update_patch_state',
  'work-queued': 'klp_transition_work_fn',
  'work-run': 'klp_transition_work_fn',
  'work-idle': 'kthread',
  'work-done': 'kthread',
  'patch-object': 'klp_patch_object',
  'patch-object-failed': 'klp_patch_object',
  'pre-patch-failed': 'klp_pre_patch_callback',
  'module-coming': 'klp_module_coming',
  'module-coming-failed': 'klp_module_coming',
  'module-going': 'klp_module_going',
  init: 'klp_init_transition',
  'init-immediate': 'klp_init_transition',
  start: 'klp_start_transition',
  'start-immediate': 'klp_start_transition',
  'switch-stalled': 'klp_try_switch_task',
  'switch-checked': 'klp_try_switch_task',
  'switch-offline-idle': 'klp_try_complete_transition',
  'try-complete-retry': 'klp_try_complete_transition',
  'try-complete-done': 'klp_try_complete_transition',
  complete: 'klp_complete_transition',
  reverse: 'klp_reverse_transition',
  force: 'klp_force_transition',
};

export const EVENT_KINDS = Object.keys(EVENT_FN) as readonly EventKind[];

/** Part of the livepatch machinery (a `klp_` function), as opposed to the workload. */
export const isLivepatchKind = (kind: EventKind): boolean => EVENT_FN[kind].startsWith('klp_');

/** The first line a command prints in the kernel log: `% LINE`. */
export const commandEcho = (line: string): string => `% ${line}`;

/** The kernel's oops line for a task inside code of a module that is gone. */
export const oopsLine = (comm: string, pid: number, fn: string, module: string): string =>
  `BUG: unable to handle page fault in ${comm}:${pid}: ${fn} of unloaded module ${module}`;

const plural = (n: number): string => (n === 1 ? '' : 's');
const ms = (us: number): string => (us / 1000).toFixed(1);
const refName = (r: TaskRef): string => `${r.comm}:${r.pid}`;

function outcomeText(o: CommandOutcome, line: string): string {
  switch (o.kind) {
    case 'ran':
      return `sh runs \`${line}\`.`;
    case 'loaded':
      return `${o.module} is loaded.`;
    case 'load-failed':
      return `${o.module} could not be loaded: ${o.error}.`;
    case 'not-loaded':
      return `${o.module} is not loaded.`;
    case 'in-use':
      return o.by === 'patch' ? `${o.module} cannot be removed: its patch still needs it.` : `${o.module} cannot be removed: a task is running its code.`;
    case 'unloaded':
      return `${o.module} is unloaded.`;
    case 'write-refused':
      return `The write to ${o.path} is refused: ${o.error}.`;
    case 'open-failed':
      return `sh cannot open ${o.path}: ${o.error}.`;
    case 'read':
      return `sh reads ${o.path}.`;
    case 'read-through':
      return `sh reads ${o.path}: the ftrace handler sends it to ${o.version === null ? 'the original' : `${o.version}'s`} ${o.fn}.`;
    case 'no-task':
      return `No task ${o.who} to ${o.what}.`;
    case 'tasks': {
      const verb = o.what === 'wake' ? 'woken' : o.what === 'kill' ? (o.ignored ? 'sent SIGKILL, which a kernel thread ignores' : 'killed') : o.uninherited ? 'forked; each child starts at the target state (what if: no-fork-inherit)' : "forked; each child inherits its parent's patch_state";
      // `wake N` / `kill N` / `fork N` with a number name pid N (scenario.md §7).
      const whom = /^\d+$/.test(o.who) ? `with pid ${o.who}` : `named ${o.who}`;
      return `${o.n} task${plural(o.n)} ${whom} ${verb}.`;
    }
    case 'script-only':
      return `sh: ${o.directive} only works in the script.`;
    case 'checked':
      return o.read === o.expected ? `${o.path} reads ${o.expected}, as the check expects.` : `${o.path} reads ${o.read}, not ${o.expected}: the check fails.`;
  }
}

/** The fields of an event its narration reads. */
export type Describable = { readonly comm?: string; readonly pid?: number; readonly cpu?: number } & {
  [K in EventKind]: { readonly kind: K; readonly args: EventArgs[K] };
}[EventKind];

/**
 * One or two plain sentences: what the event did and why. `world` names the
 * functions and system calls the arguments number.
 */
export function describeEvent(e: Describable, world: World): string {
  const name = `${e.comm ?? '?'}:${e.pid ?? '?'}`;
  const cpu = e.cpu ?? 0;
  const syscallName = (i: number): string => world.syscalls[i]?.name ?? 'its system call';
  const switchedTo = (to: KlpState): string => ` On the way, klp_update_patch_state switches it to ${stateWordPast(to)}.`;
  switch (e.kind) {
    case 'shell-terminal':
      return `The script is done: sh waits at its terminal (asleep in n_tty_read) for your commands.`;
    case 'shell-sleep': {
      const a = e.args;
      return a.upTo === null
        ? `sh sleeps for ${a.seconds} s (script line ${a.lineNo}).`
        : `sh sleeps for ${(a.sleptUs / 1e6).toFixed(3)} s (script line ${a.lineNo}, a delay chosen between ${a.seconds} and ${a.upTo} s).`;
    }
    case 'shell-wait-met':
      return `sh: ${LIVEPATCH_SYSFS}/${e.args.patch}/transition already reads ${e.args.until}.`;
    case 'shell-wait':
      return `sh waits until ${LIVEPATCH_SYSFS}/${e.args.patch}/transition reads ${e.args.until} (at most ${e.args.limitS} s).`;
    case 'shell-wake':
    case 'shell-wake-switch': {
      const a = e.args;
      const what = a.why === 'sleep' ? 'sh wakes from sleep' : a.why === 'wait' ? `sh's wait for ${a.patch} is over` : `sh's wait for ${a.patch} timed out`;
      return `${what} and returns to user space.${e.kind === 'shell-wake-switch' ? ' klp_update_patch_state switches it on the way.' : ''}`;
    }
    case 'command-done':
    case 'command-done-switch': {
      const a = e.args;
      const done = a.events ? `\`${a.line}\` is done.` : outcomeText(a.outcome, a.line);
      return `${done}${e.kind === 'command-done-switch' ? ' Returning to user space, sh takes its pending patch state.' : ''}`;
    }
    case 'oops':
      return `${name} was inside ${world.fnNames[e.args.fn]} of ${e.args.module} when the module was removed: it oopses.`;
    case 'cpu-hotplug':
      return `CPU ${cpu} goes ${e.args.online ? 'online' : 'offline'}${e.args.online ? '' : '; its tasks move to other CPUs and its idle task stops running'}.`;
    case 'syscall-sleep': {
      const sc = must(world.syscalls[e.args.syscall], 'system call of the event');
      const us = e.args.sleepUs;
      return `${name} calls ${sc.name} and sleeps in ${world.fnNames[must(sc.chain[sc.sleepAt], 'function the system call sleeps in')]}${us < 0 ? ' until woken' : ` for ${ms(us)} ms`}.`;
    }
    case 'syscall-return':
      return `${name} calls ${syscallName(e.args.syscall)} and returns to user space.`;
    case 'syscall-return-switch':
      return `${name} calls ${syscallName(e.args.syscall)} and returns to user space.${switchedTo(e.args.to)}`;
    case 'syscall-wake-return':
      return `${name} wakes up and returns to user space from ${syscallName(e.args.syscall)}.`;
    case 'syscall-wake-return-switch':
      return `${name} wakes up and returns to user space from ${syscallName(e.args.syscall)}.${switchedTo(e.args.to)}`;
    case 'fork-return':
      return `${name} runs for the first time and returns from fork to user space.`;
    case 'fork-return-switch':
      return `${name} runs for the first time and returns from fork to user space.${switchedTo(e.args.to)}`;
    case 'kthread-loop':
      return `${name} wakes in its loop, does its work and sleeps again${e.args.sleepUs < 0 ? '' : ` for ${ms(e.args.sleepUs)} ms`}.`;
    case 'slice-kept':
      return `${name} keeps CPU ${cpu}: nothing else is waiting.`;
    case 'slice-kept-switch':
      return `${name} keeps CPU ${cpu}: nothing else is waiting.${tickSwitch(name, e.args.to)}`;
    case 'slice-end':
      return `${name}'s time slice ends; CPU ${cpu} runs ${refName(e.args.next)}.`;
    case 'slice-end-switch':
      return `${name}'s time slice ends; CPU ${cpu} runs ${refName(e.args.next)}.${tickSwitch(name, e.args.to)}`;
    case 'wakeup':
      return `${name} wakes up and waits for CPU ${cpu}.`;
    case 'idle-switch': {
      const why = e.args.kicked ? `wake_up_if_idle() sends CPU ${cpu} round its idle loop; at the end of do_idle()` : `CPU ${cpu} goes idle; at the end of do_idle()`;
      return `${why} ${name} calls klp_update_patch_state and switches to ${stateWordPast(e.args.to)}.`;
    }
    case 'work-queued':
      return `The delayed work's timer fires: klp_transition_work is queued on ${name}.`;
    case 'work-run':
      return `${name} runs the delayed klp_transition_work: another pass of klp_try_complete_transition.`;
    case 'work-idle':
      return `${name} runs klp_transition_work_fn, but no transition is in progress any more.`;
    case 'work-done':
      return `${name} is done with klp_transition_work and sleeps; CPU ${cpu} runs ${refName(e.args.next)}.`;
    case 'patch-object':
      return e.args.funcs.length === 0
        ? `'${e.args.patch}' patches its ${e.args.object} object, which replaces no function (it is there for its callbacks).`
        : `'${e.args.patch}' pushes its funcs for ${e.args.object} onto their func stacks: ${e.args.funcs.join(', ')} now reach the ftrace handler.`;
    case 'pre-patch-failed':
      return `The pre_patch callback of '${e.args.patch}' for ${e.args.object} returned ${e.args.ret}: the enable fails and is cancelled, so the module does not load.`;
    case 'patch-object-failed':
      return `${e.args.object} of '${e.args.patch}' is patched already (WARN_ON(obj->patched)): the enable fails with -EINVAL and is cancelled.`;
    case 'module-coming':
      return `${e.args.module} is loading while '${e.args.patch}' is ${e.args.inTransition ? 'in transition' : 'enabled'}: its funcs for ${e.args.module} go onto their func stacks before the module's code can run.`;
    case 'module-coming-failed':
      return `Patching ${e.args.module} for '${e.args.patch}' failed, so the module is refused.`;
    case 'module-going':
      return `${e.args.module} is going away: '${e.args.patch}''s funcs for it leave their func stacks.`;
    case 'init':
      return `Every task starts in the ${stateWordPast(e.args.initial)} state and every func of '${e.args.patch}' is marked in transition, so the ftrace handler starts asking each task which version it should run.`;
    case 'init-immediate': {
      const s = e.args.stale;
      const stale = s === null ? '' : ` klp_target_state is not set and keeps ${s} (${stateWord(s)}): the bug the RFC's review found.`;
      return `'${e.args.patch}' is an immediate patch, so klp_init_transition leaves every task's patch_state alone.${stale}`;
    }
    case 'start': {
      const n = e.args.pending;
      return `${n} task${plural(n)} get TIF_PATCH_PENDING: each must switch to ${stateWordPast(e.args.target)}, at a stack check or on its way back to user space.`;
    }
    case 'start-immediate':
      return `An immediate patch sets no TIF_PATCH_PENDING flags: there is no per-task transition.`;
    case 'switch-stalled': {
      const a = e.args;
      const stays = stateWordPast(a.target === 0 ? 1 : 0);
      switch (a.why) {
        case 'no-unwinder':
          return `${name} cannot be checked: the architecture has no reliable stack unwinder.`;
        case 'running':
          return `${name} is running on CPU ${a.cpu}, so its stack cannot be checked; it stays ${stays} for now.`;
        case 'unreliable':
          return `${name}'s stack cannot be walked reliably, so it cannot be switched by a stack check.`;
        case 'sleeping':
          return `${name} is inside ${a.fn}, whose version this transition retires, so it stays ${stays} for now.`;
      }
      break;
    }
    case 'switch-checked':
      return `${name}'s stack holds no version this transition retires, so it switches to ${stateWordPast(e.args.target)}.`;
    case 'switch-offline-idle':
      return `CPU ${cpu} is offline, so its idle task ${name} switches directly.`;
    case 'try-complete-retry': {
      const a = e.args;
      const retry = `${a.stalled} task${plural(a.stalled)} could not switch yet; klp_transition_work retries at ${(a.retryAt / 1e6).toFixed(3)} s.`;
      return a.signalled ? `${retry} Stragglers were sent a fake signal.` : retry;
    }
    case 'try-complete-done': {
      const a = e.args;
      if (a.form === 'immediate') return `'${a.patch}' is immediate: there are no tasks to wait for.`;
      if (a.form === 'v4.12') return `Every task has switched to ${stateWordPast(a.target)}.`;
      return `Every task has switched: '${a.patch}' is ${stateWord(a.target)} complete.${a.target === 0 ? ' Its funcs came off their func stacks (synchronize_rcu follows).' : ''}`;
    }
    case 'complete': {
      const tidy = e.args.immediate ? 'there was no per-task state to tidy up' : "funcs leave transition, every task's patch_state returns to KLP_UNDEFINED";
      return `The ${stateWord(e.args.target)} transition of '${e.args.patch}' is complete: ${tidy}, and klp_transition_patch is cleared.`;
    }
    case 'reverse':
      return `The ${stateWord(e.args.from)} transition of '${e.args.patch}' is reversed: the target becomes ${stateWordPast(e.args.target)} and every flag is cleared; tasks that had switched must now switch back.`;
    case 'force': {
      const n = e.args.forced;
      return `${n} task${n === 1 ? ' was' : 's were'} switched without a stack check; the consistency model is given up for them. The transition completes at the next pass.`;
    }
  }
}

function tickSwitch(name: string, to: KlpState): string {
  return ` The tick's return to user space runs klp_update_patch_state: ${name} switches to ${stateWordPast(to)}.`;
}

/** An event with its narration written out, as the panels and `--trace` show it. */
export type NarratedEvent = SimEvent & { readonly text: string };

export function narrate(e: SimEvent, world: World): NarratedEvent {
  return { ...e, text: describeEvent(e, world) };
}
