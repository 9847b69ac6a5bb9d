// The shell, pid 1: runs the scenario's script line after line, then waits at
// its terminal for the user's actions. Commands take no simulated time; only
// `sleep` and `wait` let it pass. Each command runs in the shell's own
// context, entering the kernel through do_syscall_64 and leaving through the
// exit-to-user path, where a pending patch state is taken.
import type { KGen, Kernel } from '../kernel.ts';
import { ShellWait } from '../kernel.ts';
import { checkCall } from '../invariants.ts';
import { enabledStore, forceStore, klpCreatePatch, klpEnablePatch, klpModuleComing, klpModuleGoing, klpRegisterPatch, klpUnregisterPatch, kstrtobool } from '../livepatch/core.ts';
import { EACCES, EAGAIN, EBUSY, EEXIST, EINVAL, ENOENT, EPERM, strerror } from '../errno.ts';
import type { ScriptLine } from '../scenario/types.ts';
import { NO_ARGS, oopsLine } from '../events.ts';
import type { CommandOutcome } from '../events.ts';
import { usec } from '../types.ts';
import type { TaskId } from '../types.ts';
import { arm, Timer } from './queue.ts';
import { flushWork, paramWritten, startWork } from './work.ts';
import { callChain, callFunction, codeModule, exitToUser, forkTask, killTask, outputOfTop, setCpuOnline, shellTask, wakeUpProcess } from './sched.ts';
import { depthOf, frameFn, frameVer, popFrames, Sched, TaskKind } from './tasks.ts';
import { patchById } from '../livepatch/state.ts';
import { must } from '../must.ts';
import { fnName } from '../world.ts';
import { versionModule } from '../livepatch/version.ts';
import { isPatchReadable, isPatchWritable, parseSysfsPath } from '../sysfs.ts';

const RAN: CommandOutcome = { kind: 'ran' };
/** `wait` gives up after this many simulated seconds. */
export const WAIT_LIMIT_S = 60;

/** kmod's insmod reports some errors in its own words. */
/** What insmod prints for init_module's negative return `ret`. */
const insmodError = (ret: number): string => (ret === -EINVAL ? 'Invalid parameters' : ret === -ENOENT ? 'Unknown symbol in module' : strerror(-ret));

/** The index of module `name`: the script checker admits only the scenario's modules, and sysfs shows only those. */
const moduleIndex = (k: Kernel, name: string): number => must(k.world.moduleIndex.get(name), 'module named', name);

/** The patch a livepatch module's sysfs directory shows, if it exists. */
function sysfsPatch(k: Kernel, mod: string) {
  const p = k.module(mod)?.patch ?? -1;
  const patch = p >= 0 ? patchById(k.klp, p) : undefined;
  return patch?.registered === true ? patch : undefined;
}

function waitSatisfied(k: Kernel): boolean {
  const sh = k.s.shell;
  const p = sysfsPatch(k, sh.waitPatch);
  const transition = p !== undefined && k.klp.transitionPatch === p.id ? 1 : 0;
  return sh.waitUntil === 0 ? p === undefined || transition === 0 : transition === 1;
}

/** The shell's next piece of work, if it has one now. */
/** Whether the shell has work now (what shellNext would start), without starting it. */
export function shellReady(k: Kernel): boolean {
  const sh = k.s.shell;
  return sh.actions.length > 0 || (sh.wait === ShellWait.Wait && waitSatisfied(k)) || sh.wait === ShellWait.None;
}

export function shellNext(k: Kernel): KGen | undefined {
  const sh = k.s.shell;
  if (sh.actions.length > 0) return runAction(k, sh.actions.shift() as ScriptLine);
  if (sh.wait === ShellWait.Wait && waitSatisfied(k)) return wakeShell(k, 'wait');
  if (sh.wait !== ShellWait.None) return undefined;
  const line = k.world.script[sh.line];
  if (line === undefined) return goToTerminal(k);
  sh.line++;
  return runScriptLine(k, line);
}

/** The script is over when the shell waits at its terminal with nothing queued. */
export const scriptDone = (k: Kernel): boolean => k.s.shell.wait === ShellWait.Tty && k.s.shell.actions.length === 0;

function* goToTerminal(k: Kernel): KGen {
  const t = shellTask(k);
  k.s.shell.wait = ShellWait.Tty;
  if (k.s.scriptDoneAt < 0) k.s.scriptDoneAt = k.now;
  sleepIn(k, t, k.world.fn.ttyChain);
  yield k.emit('shell-terminal', NO_ARGS, { task: t });
}

/** The shell enters a system call (through the ftrace handler, like any call) and sleeps in it. */
function sleepIn(k: Kernel, t: TaskId, chain: readonly number[]): void {
  popFrames(k.tasks, t, 0);
  callChain(k, t, chain);
  k.tasks.sched[t] = Sched.Sleeping;
}

function* runScriptLine(k: Kernel, line: ScriptLine): KGen {
  const c = line.command;
  const sh = k.s.shell;
  const t = shellTask(k);
  if (c.kind === 'sleep') {
    sh.wait = ShellWait.Sleep;
    sh.gen++;
    sleepIn(k, t, k.world.fn.sleepChain);
    // `sleep MIN..MAX` leaves the delay open within its window: a choice.
    const us = c.upTo === undefined ? Math.round(c.seconds * 1e6) : k.s.rng.choose('delay', Math.round(c.seconds * 1e6), Math.round(c.upTo * 1e6));
    arm(k.s.timers, usec(k.now + us), Timer.Shell, 0, sh.gen);
    yield k.emit('shell-sleep', { seconds: c.seconds, upTo: c.upTo ?? null, sleptUs: us, lineNo: line.lineNo }, { task: t });
    return;
  }
  if (c.kind === 'wait') {
    sh.waitPatch = c.patch;
    sh.waitUntil = c.until;
    if (waitSatisfied(k)) {
      yield k.emit('shell-wait-met', { patch: c.patch, until: c.until }, { task: t });
      return;
    }
    sh.wait = ShellWait.Wait;
    sh.gen++;
    sleepIn(k, t, k.world.fn.sleepChain);
    arm(k.s.timers, usec(k.now + WAIT_LIMIT_S * 1e6), Timer.Shell, 0, sh.gen);
    yield k.emit('shell-wait', { patch: c.patch, until: c.until, limitS: WAIT_LIMIT_S }, { task: t });
    return;
  }
  yield* runCommand(k, line);
}

/** The shell's timer: `sleep` is over, or `wait` timed out. */
export function* shellTimer(k: Kernel, gen: number): KGen {
  const sh = k.s.shell;
  if (gen !== sh.gen || (sh.wait !== ShellWait.Sleep && sh.wait !== ShellWait.Wait)) return;
  if (sh.wait === ShellWait.Wait) k.printk('info', `wait: timed out waiting for ${sh.waitPatch}`);
  yield* wakeShell(k, sh.wait === ShellWait.Wait ? 'timeout' : 'sleep');
}

function* wakeShell(k: Kernel, why: 'sleep' | 'wait' | 'timeout'): KGen {
  const sh = k.s.shell;
  const t = shellTask(k);
  sh.wait = ShellWait.None;
  sh.gen++;
  k.tasks.sched[t] = Sched.Runnable;
  k.current = t;
  const sw = exitToUser(k, t);
  yield k.emit(sw ? 'shell-wake-switch' : 'shell-wake', { why, patch: sh.waitPatch }, { task: t });
}

/** A user action: the shell leaves its terminal read (if it is there), runs it, and goes back. */
function* runAction(k: Kernel, line: ScriptLine): KGen {
  const sh = k.s.shell;
  const t = shellTask(k);
  const atTerminal = sh.wait === ShellWait.Tty;
  if (atTerminal) {
    k.tasks.sched[t] = Sched.Runnable;
    popFrames(k.tasks, t, 0);
  }
  yield* runCommand(k, line, atTerminal, atTerminal ? () => sleepIn(k, t, k.world.fn.ttyChain) : undefined);
}

/** Runs one command in the shell's context. */
/**
 * Runs one command in the shell's context. Its last event closes the
 * command, so that everything the command changed (`then` included) is in
 * the state at that event.
 */
export function* runCommand(k: Kernel, line: ScriptLine, returnsToUser = true, then?: () => void): KGen {
  const c = line.command;
  const t = shellTask(k);
  const startStep = k.s.steps;
  const kmsgOnly = c.kind === 'kmsg' || c.kind === 'check' || ((c.kind === 'cat' || c.kind === 'grep') && c.toKmsg);
  if (!kmsgOnly) k.commandEcho(line.text);
  const base = depthOf(k.tasks, t);
  const sleeping = k.tasks.sched[t] === Sched.Sleeping;
  k.current = t;
  // The command enters the kernel like any call: through the ftrace handler,
  // which picks the version of do_syscall_64 for the shell's patch state.
  if (!sleeping) callFunction(k, t, k.world.fn.doSyscall64);
  let summary: CommandOutcome = RAN;
  switch (c.kind) {
    case 'insmod':
      summary = yield* insmod(k, c.path, c.module, c.params);
      break;
    case 'rmmod':
      summary = yield* rmmod(k, c.module);
      break;
    case 'echo': {
      const ret = yield* echo(k, c.value, c.path);
      if (typeof ret === 'object') {
        // The shell could not open the file for its redirection: echo never ran.
        k.printk('info', `sh: ${c.path}: ${strerror(-ret.open)}`);
        summary = { kind: 'open-failed', path: c.path, error: strerror(-ret.open) };
      } else if (ret < 0) {
        k.printk('info', `sh: echo: write error: ${strerror(-ret)}`);
        summary = { kind: 'write-refused', path: c.path, error: strerror(-ret) };
      }
      break;
    }
    case 'kmsg':
      k.printk('info', c.text);
      break;
    case 'cat':
    case 'grep': {
      const r = readFile(k, t, c.path);
      const prog = c.kind;
      if (typeof r === 'number') k.printk('info', `${prog}: ${c.path}: ${strerror(-r)}`);
      else {
        const lines = c.kind === 'grep' ? r.lines.filter((l) => matches(c.pattern, l)) : r.lines;
        for (const l of lines) if (c.toKmsg) k.printk('info', l);
        else k.stdout(l);
        summary = r.note;
      }
      break;
    }
    case 'check': {
      // As the selftests' check_sysfs_value: silent when the file reads VALUE.
      const r = readFile(k, t, c.path);
      const got = typeof r === 'number' ? strerror(-r) : r.lines.join('\n');
      if (got !== c.value) k.printk('info', `check: ${c.path}: expected ${c.value}, read ${got}`);
      summary = { kind: 'checked', path: c.path, expected: c.value, read: got };
      break;
    }
    case 'wake':
    case 'kill':
    case 'fork':
      summary = taskCommand(k, c.kind, c.task);
      break;
    case 'sleep':
    case 'wait':
      summary = { kind: 'script-only', directive: c.kind };
      break;
  }
  if (!sleeping) popFrames(k.tasks, t, base);
  const sw = returnsToUser && !sleeping ? exitToUser(k, t) : false;
  then?.();
  yield k.emit(sw ? 'command-done-switch' : 'command-done', { line: line.text, events: k.s.steps !== startStep, outcome: summary }, { task: t });
}

function matches(pattern: string, line: string): boolean {
  try {
    return new RegExp(pattern).test(line);
  } catch {
    return line.includes(pattern);
  }
}

function* insmod(k: Kernel, path: string, name: string, params: Readonly<Record<string, string>>): KGen<CommandOutcome> {
  const mi = moduleIndex(k, name);
  const ms = k.moduleAt(mi);
  const spec = k.moduleSpec(mi);
  const fail = (ret: number): CommandOutcome => {
    k.printk('info', `insmod: ERROR: could not insert module ${path}: ${insmodError(ret)}`);
    return { kind: 'load-failed', module: name, error: insmodError(ret) };
  };
  if (ms.loaded) return fail(-EEXIST);
  let immediate: boolean | undefined;
  for (const [key, value] of Object.entries(params)) {
    if (key === 'immediate' && spec.livepatch !== undefined && k.variant !== 'mainline' && !(key in spec.params)) {
      // klpscope's stand-in for setting klp_patch.immediate in the module's source.
      immediate = kstrtobool(value);
      if (immediate === undefined) return fail(-EINVAL);
    } else if (!(key in spec.params)) k.printk('info', `${name}: unknown parameter '${key}' ignored`);
    else if (!setParam(ms.params, key, value)) return fail(-EINVAL);
  }
  ms.loaded = true;
  ms.state = 'coming';
  let ret = yield* klpModuleComing(k, name);
  if (ret !== 0) {
    ms.loaded = false;
    ms.state = 'unformed';
    return fail(ret);
  }
  for (const l of spec.init) k.printk('info', `${name}: ${l}`);
  if (spec.livepatch !== undefined) {
    const patch = klpCreatePatch(k, mi, immediate);
    ms.patch = patch.id;
    if (k.variant === 'mainline') ret = yield* klpEnablePatch(k, patch);
    else {
      ret = klpRegisterPatch(k, patch);
      if (ret === 0) {
        ret = yield* klpEnablePatch(k, patch);
        if (ret < 0) klpUnregisterPatch(k, patch);
      }
    }
    if (ret < 0) {
      ms.loaded = false;
      ms.state = 'unformed';
      ms.patch = -1;
      return fail(ret);
    }
  }
  ms.state = 'live';
  startWork(k, mi);
  return { kind: 'loaded', module: name };
}

function setParam(params: Record<string, string | number | boolean>, key: string, value: string): boolean {
  const old = params[key];
  if (typeof old === 'number') {
    const n = Number(value);
    if (!Number.isFinite(n)) return false;
    params[key] = n;
  } else if (typeof old === 'boolean') {
    const b = kstrtobool(value);
    if (b === undefined) return false;
    params[key] = b;
  } else params[key] = value;
  return true;
}

function* rmmod(k: Kernel, name: string): KGen<CommandOutcome> {
  const mi = moduleIndex(k, name);
  const ms = k.moduleAt(mi);
  const spec = k.moduleSpec(mi);
  if (!ms.loaded) {
    k.printk('info', `rmmod: ERROR: Module ${name} is not currently loaded`);
    return { kind: 'not-loaded', module: name };
  }
  if (ms.patch >= 0) {
    const p = patchById(k.klp, ms.patch);
    // The RFC could not unload patch modules at all; v4.12 keeps a reference
    // while the patch is enabled and forever for immediate patches; mainline
    // while the patch exists or after it was forced.
    const inUse = k.variant === 'rfc-v2' || p.enabled || p.id === k.klp.transitionPatch || p.holdsModuleRef || (k.variant === 'mainline' && p.registered);
    if (inUse) {
      k.printk('info', `rmmod: ERROR: Module ${name} is in use`);
      return { kind: 'in-use', module: name, by: 'patch' };
    }
    if (p.registered) klpUnregisterPatch(k, p);
  } else if (runsCodeOf(k, name, ms.worker)) {
    // A task inside the module's functions holds it (a driver's file, say).
    k.printk('info', `rmmod: ERROR: Module ${name} is in use`);
    return { kind: 'in-use', module: name, by: 'task' };
  }
  ms.state = 'going';
  flushWork(k, mi);
  for (const l of spec.exit) k.printk('info', `${name}: ${l}`);
  ms.loaded = false;
  ms.patch = -1;
  yield* klpModuleGoing(k, name);
  ms.state = 'unformed';
  yield* oopsInModule(k, name);
  return { kind: 'unloaded', module: name };
}

/**
 * Whether a live task is inside one of the module's functions, in whichever
 * version: a task in a patch's replacement of it entered through the module
 * (its caller holds the module), so the module is in use all the same.
 */
function runsCodeOf(k: Kernel, mod: string, ownWorker: number): boolean {
  const tasks = k.tasks;
  for (let t = 0 as TaskId; t < tasks.count; t++) {
    // The module's own work item holds no reference: unloading flushes it.
    if (tasks.sched[t] === Sched.Dead || t === ownWorker) continue;
    for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) if (k.world.fnObject[frameFn(tasks, t, i)] === mod) return true;
  }
  return false;
}

/** Any task still inside code of the module that just left oopses. */
function* oopsInModule(k: Kernel, mod: string): KGen {
  const tasks = k.tasks;
  for (let t = 0 as TaskId; t < tasks.count; t++) {
    if (tasks.sched[t] === Sched.Dead) continue;
    for (let i = 0, depth = depthOf(tasks, t); i < depth; i++) {
      const fn = frameFn(tasks, t, i);
      const ver = frameVer(tasks, t, i);
      if (codeModule(k, fn, ver) !== mod) continue;
      checkCall(k, t, fn, ver, mod);
      k.printk('err', oopsLine(k.comm(t), k.pid(t), fnName(k.world, fn), mod));
      if (tasks.kind[t] !== TaskKind.Idle && tasks.kind[t] !== TaskKind.Shell) killTask(k, t);
      yield k.emit('oops', { fn, module: mod }, { task: t });
      break;
    }
  }
}

/** A failed open(2) of the redirection's file: the error the shell prints. */
interface OpenError {
  /** A negative errno, as the kernel returns it. */
  readonly open: number;
}
/** A sysfs directory that does not exist: ENOENT. A file its directory lacks: sysfs cannot create one, so EACCES. */
const noDir: OpenError = { open: -ENOENT };
const noFile: OpenError = { open: -EACCES };

/** The write of `echo VALUE > PATH`: 0, a negative errno from the store, or the open's error. */
function* echo(k: Kernel, value: string, path: string): KGen<number | OpenError> {
  const p = parseSysfsPath(path);
  if (p?.kind === 'patch' && isPatchWritable(p.attr)) {
    const patch = sysfsPatch(k, p.patch);
    if (patch === undefined) return noDir;
    if (p.attr === 'enabled') return yield* enabledStore(k, patch, value);
    if (p.attr === 'force' && k.variant === 'mainline') return yield* forceStore(k, patch, value);
    return noFile; // `signal` left with v5.1's automatic signals; v4.12 had no `force`
  }
  if (p?.kind === 'param') {
    const ms = k.module(p.module);
    if (ms === undefined || !ms.loaded) return noDir;
    if (!(p.param in ms.params)) return noFile;
    if (!setParam(ms.params, p.param, value)) return -EINVAL;
    paramWritten(k, moduleIndex(k, p.module));
    return 0;
  }
  if (p?.kind === 'cpu-online') {
    const cpu = p.cpu;
    const on = kstrtobool(value, k.variant === 'mainline');
    if (cpu >= k.cpus.count) return noDir;
    if (on === undefined) return -EINVAL;
    if (cpu === 0) return on ? 0 : -EBUSY;
    if ((k.cpus.online[cpu] === 1) === on) return 0;
    setCpuOnline(k, cpu, on);
    yield k.emit('cpu-hotplug', { online: on }, { cpu });
    return 0;
  }
  return noDir;
}

interface ReadResult {
  readonly lines: readonly string[];
  readonly note: CommandOutcome;
}

/** The read of `cat PATH`: the lines and what they show, or a negative errno. */
function readFile(k: Kernel, t: TaskId, path: string): ReadResult | number {
  const fn = k.world.files.get(path);
  if (fn !== undefined) {
    const chain = [...k.world.fn.readChain.slice(1), fn];
    const base = depthOf(k.tasks, t);
    if (!callChain(k, t, chain)) return -ENOENT;
    const out = outputOfTop(k, t);
    const ver = frameVer(k.tasks, t, depthOf(k.tasks, t) - 1);
    popFrames(k.tasks, t, base);
    const version = versionModule(k.klp, ver);
    return { lines: out === undefined ? [] : [out], note: { kind: 'read-through', path, fn: fnName(k.world, fn), version } };
  }
  const p = parseSysfsPath(path);
  if (p?.kind === 'patch' && isPatchReadable(p.attr)) {
    const patch = sysfsPatch(k, p.patch);
    if (patch === undefined) return -ENOENT;
    const mainline = k.variant === 'mainline';
    switch (p.attr) {
      case 'force':
        return mainline ? -EACCES : -ENOENT; // write-only
      case 'replace':
        return mainline ? { lines: [patch.replace ? '1' : '0'], note: { kind: 'read', path } } : -ENOENT;
      case 'stack_order':
        // The patch's place on klp_patches, counted from 1.
        return mainline ? { lines: [String(k.klp.patches.indexOf(patch.id) + 1)], note: { kind: 'read', path } } : -ENOENT;
      default: {
        const v = p.attr === 'enabled' ? patch.enabled : k.klp.transitionPatch === patch.id;
        return { lines: [v ? '1' : '0'], note: { kind: 'read', path } };
      }
    }
  }
  if (p?.kind === 'object') {
    const patch = sysfsPatch(k, p.patch);
    const obj = patch?.objects.find((o) => o.name === p.object && o.dynamic !== true);
    if (obj === undefined || k.variant !== 'mainline') return -ENOENT;
    return { lines: [obj.patched ? '1' : '0'], note: { kind: 'read', path } };
  }
  if (p?.kind === 'patch-state') {
    const pid = p.pid;
    const tasks = k.tasks;
    for (let i = 0 as TaskId; i < tasks.count; i++) {
      if (pid > 0 && tasks.pid[i] === pid && tasks.sched[i] !== Sched.Dead) return { lines: [String(tasks.patchState[i])], note: { kind: 'read', path } };
    }
    return -ENOENT;
  }
  if (p?.kind === 'cpu-online' && p.cpu < k.cpus.count) return { lines: [String(k.cpus.online[p.cpu])], note: { kind: 'read', path } };
  return -ENOENT;
}

function findTasks(k: Kernel, who: string): TaskId[] {
  const tasks = k.tasks;
  const out: TaskId[] = [];
  const pid = /^\d+$/.test(who) ? Number(who) : -1;
  for (let t = 0 as TaskId; t < tasks.count; t++) {
    if (tasks.sched[t] === Sched.Dead) continue;
    if (pid >= 0 ? tasks.pid[t] === pid && tasks.kind[t] !== TaskKind.Idle : tasks.comm[t] === who) out.push(t);
  }
  return out;
}

function taskCommand(k: Kernel, what: 'wake' | 'kill' | 'fork', who: string): CommandOutcome {
  const found = findTasks(k, who);
  if (found.length === 0) {
    k.printk('info', `sh: ${what}: (${who}) - No such process`);
    return { kind: 'no-task', who, what };
  }
  const tasks = k.tasks;
  let n = 0;
  for (const t of found) {
    const kind = tasks.kind[t];
    if (what === 'wake') {
      if (wakeUpProcess(k, t)) n++;
    } else if (kind === TaskKind.Idle || kind === TaskKind.Shell || kind === TaskKind.Kworker) {
      k.printk('info', `sh: ${what}: (${tasks.pid[t]}) - ${strerror(EPERM)}`);
    } else if (what === 'kill') {
      // kthreadd ignores every signal and its children inherit that: SIGKILL
      // is delivered to nobody, and the kill still succeeds.
      if (kind !== TaskKind.Kthread) killTask(k, t);
      n++;
    } else if (forkTask(k, t) < 0) {
      // The task table is full (PID_MAX): every further fork would fail the same way.
      k.printk('info', `sh: fork: (${tasks.pid[t]}) - ${strerror(EAGAIN)}`);
      break;
    } else {
      n++;
    }
  }
  const uninherited = what === 'fork' && k.whatIf.has('no-fork-inherit') && k.klp.transitionPatch >= 0;
  return { kind: 'tasks', who, what, n, ignored: what === 'kill' && found.every((t) => tasks.kind[t] === TaskKind.Kthread), ...(uninherited ? { uninherited } : {}) };
}
