// The script language (spec/scenario.md §7): shell-like words, then one
// Command per line, checked against what the scenario declares.
import { BUILTIN_FILES, BUILTIN_MODULES } from './builtins.ts';
import { listNames, ScenarioError } from './types.ts';
import { MAX_SLEEP_SECONDS } from '../limits.ts';
import { attrSet, isPatchReadable, isPatchWritable, KMSG, LIVEPATCH_SYSFS, parseSysfsPath, PATCH_READABLE, PATCH_WRITABLE } from '../sysfs.ts';
import type { Command, Scenario, ScriptLine } from './types.ts';

interface Token {
  readonly text: string;
  /** An unquoted `>` (or `>>`): output redirection. */
  readonly redirect: boolean;
}

/** Shell-like tokens: whitespace, '...', "...", backslash, `#` comments, `>`. */
function lex(line: string, where: string): Token[] {
  const tokens: Token[] = [];
  let word: string | null = null;
  const flush = (): void => {
    if (word !== null) tokens.push({ text: word, redirect: false });
    word = null;
  };
  let i = 0;
  while (i < line.length) {
    const c = line.charAt(i);
    if (/\s/.test(c)) {
      flush();
      i++;
    } else if (c === '#' && word === null) {
      break; // as in sh, `#` starts a comment at the start of a word
    } else if (c === '>') {
      flush();
      const op = line[i + 1] === '>' ? '>>' : '>';
      tokens.push({ text: op, redirect: true });
      i += op.length;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ScenarioError(where, "unterminated quote (expected a closing ')");
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line.charAt(j + 1))) j++;
        text += line[j];
        j++;
      }
      if (j >= line.length) throw new ScenarioError(where, 'unterminated quote (expected a closing ")');
      word = (word ?? '') + text;
      i = j + 1;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  flush();
  return tokens;
}

/**
 * Splits a line into words as a shell would: whitespace separates, `'...'`
 * and `"..."` quote, `#` at the start of a word starts a comment, and an
 * unquoted `>` is a word of its own even when glued (`>/path`).
 * @throws ScenarioError on an unterminated quote
 */
export function splitWords(line: string, where = 'script'): string[] {
  return lex(line, where).map((t) => t.text);
}

export interface ScriptContext {
  /** Every module `insmod` can load: the built-in ones and the scenario's. */
  readonly modules: ReadonlyMap<string, { readonly livepatch: boolean; readonly params?: ReadonlySet<string> }>;
  readonly cpus: number;
  /** Every task name: `sh`, `kworker/N:1`, `swapper/N` and the task groups'. */
  readonly comms: ReadonlySet<string>;
  /** Names of the livepatch modules. */
  readonly patches: ReadonlySet<string>;
  /** Paths of the readable files of §3 (built in and the scenario's). */
  readonly files: ReadonlySet<string>;
}

export function scriptContext(s: Scenario): ScriptContext {
  const modules = new Map<string, { livepatch: boolean; params: ReadonlySet<string> }>();
  for (const m of [...BUILTIN_MODULES, ...s.modules]) {
    modules.set(m.name, { livepatch: m.livepatch !== undefined, params: new Set(Object.keys(m.params)) });
  }
  const comms = new Set<string>(['sh']);
  for (let n = 0; n < s.machine.cpus; n++) comms.add(`kworker/${n}:1`).add(`swapper/${n}`);
  for (const t of s.tasks) comms.add(t.comm);
  return {
    modules,
    cpus: s.machine.cpus,
    comms,
    patches: new Set([...modules].filter(([, m]) => m.livepatch).map(([name]) => name)),
    files: new Set([...Object.keys(BUILTIN_FILES), ...Object.keys(s.files)]),
  };
}

const COMMANDS = ['insmod', 'rmmod', 'echo', 'cat', 'grep', 'wake', 'kill', 'fork', 'sleep', 'wait', 'check'] as const;

const names = (set: Iterable<string>): string => listNames(set, 10, true);
/** A word of the input as a message quotes it, cut short past 60 characters. */
const quote = (s: string): string => `'${s.length > 60 ? `${s.slice(0, 57)}...` : s}'`;
/** `insmod path/to/foo.ko` and `rmmod foo.ko` name the module `foo`. */
const moduleOf = (path: string): string => (path.split('/').pop() ?? path).replace(/\.ko$/, '');

/** Parses one line of the script, or a user action when lineNo is 0. */
export function parseScriptLine(text: string, lineNo: number, ctx: ScriptContext): ScriptLine | null {
  const where = lineNo === 0 ? 'action' : `script line ${lineNo}`;
  const fail = (what: string): never => {
    throw new ScenarioError(where, what);
  };
  const tokens = lex(text, where);
  const [first] = tokens;
  if (first === undefined) return null;
  if (first.redirect) fail(`expected a command before '${first.text}'`);

  const r = tokens.findIndex((t) => t.redirect);
  const words = (r < 0 ? tokens : tokens.slice(0, r)).map((t) => t.text);
  let target: string | undefined;
  const redirect = tokens[r]; // undefined when r is -1
  if (redirect !== undefined) {
    const [path, ...more] = tokens.slice(r + 1);
    if (path === undefined || more.length > 0 || path.redirect) return fail(`expected one path after '${redirect.text}'`);
    target = path.text;
  }
  const [cmd, ...args] = words;

  const usageError = (form: string): never => fail(`expected '${form}', got ${args.length} argument${args.length === 1 ? '' : 's'}`);
  /** The one argument of a command of usage `form`; the usage message unless there is exactly one. */
  const oneArg = (form: string): string => {
    const [a] = args;
    return args.length === 1 && a !== undefined ? a : usageError(form);
  };
  /** The two arguments of a command of usage `form`; the usage message unless there are exactly two. */
  const twoArgs = (form: string): readonly [string, string] => {
    const [a, b] = args;
    return args.length === 2 && a !== undefined && b !== undefined ? [a, b] : usageError(form);
  };
  const noRedirect = (): void => {
    if (target !== undefined) fail(`${cmd} does not write output to redirect (only echo, cat and grep can)`);
  };
  const toKmsg = (): boolean => {
    if (target !== undefined && target !== KMSG) fail(`output can only be redirected to ${KMSG}, not ${quote(target)}`);
    return target === KMSG;
  };
  const knownModule = (name: string): string => {
    if (!ctx.modules.has(name)) fail(`unknown module ${quote(name)} (known: ${names(ctx.modules.keys())})`);
    return name;
  };
  const knownPatch = (name: string): string => {
    if (ctx.patches.has(name)) return name;
    const why = ctx.modules.has(name) ? `${quote(name)} is not a livepatch module` : `unknown patch ${quote(name)}`;
    return fail(`${why} (livepatch modules: ${names(ctx.patches)})`);
  };
  const knownCpu = (n: string): void => {
    if (Number(n) >= ctx.cpus) fail(`cpu${n} does not exist (the machine has ${ctx.cpus} CPU${ctx.cpus === 1 ? '' : 's'})`);
  };
  const writable = (path: string): void => {
    const p = parseSysfsPath(path);
    if (p?.kind === 'patch' && isPatchWritable(p.attr)) {
      knownPatch(p.patch);
      return;
    }
    if (p?.kind === 'param') {
      const params = ctx.modules.get(knownModule(p.module))?.params;
      if (params && !params.has(p.param)) fail(`module ${quote(p.module)} has no parameter ${quote(p.param)} (parameters: ${names(params)})`);
      return;
    }
    if (p?.kind === 'cpu-online') return knownCpu(p.cpuText);
    fail(
      `cannot write ${quote(path)} (expected ${LIVEPATCH_SYSFS}/PATCH/${attrSet(PATCH_WRITABLE)}, ` +
        `/sys/module/MODULE/parameters/PARAM, /sys/devices/system/cpu/cpuN/online or ${KMSG})`,
    );
  };
  const readable = (path: string): string => {
    const p = parseSysfsPath(path);
    if (ctx.files.has(path) || p?.kind === 'patch-state') return path;
    if (p?.kind === 'patch' && isPatchReadable(p.attr)) knownPatch(p.patch);
    else if (p?.kind === 'object') knownPatch(p.patch);
    else if (p?.kind === 'cpu-online') knownCpu(p.cpuText);
    else {
      fail(
        `cannot read ${quote(path)} (expected a file of the scenario (${names(ctx.files)}), ` +
          `${LIVEPATCH_SYSFS}/PATCH/${attrSet(PATCH_READABLE)}, ${LIVEPATCH_SYSFS}/PATCH/OBJECT/patched, /proc/PID/patch_state or /sys/devices/system/cpu/cpuN/online)`,
      );
    }
    return path;
  };

  let command: Command;
  switch (cmd) {
    case 'insmod': {
      noRedirect();
      const [path, ...assignments] = args;
      if (path === undefined) return usageError('insmod PATH [PARAM=VALUE ...]');
      const params: Record<string, string> = {};
      for (const arg of assignments) {
        const eq = arg.indexOf('=');
        if (eq <= 0) fail(`expected PARAM=VALUE, got ${quote(arg)}`);
        params[arg.slice(0, eq)] = arg.slice(eq + 1);
      }
      command = { kind: 'insmod', path, module: knownModule(moduleOf(path)), params };
      break;
    }
    case 'rmmod':
      noRedirect();
      command = { kind: 'rmmod', module: knownModule(moduleOf(oneArg('rmmod NAME'))) };
      break;
    case 'echo':
      if (target === undefined) return fail(`expected 'echo VALUE > PATH' (echo writes a sysfs file or ${KMSG})`);
      if (target === KMSG) {
        command = { kind: 'kmsg', text: args.join(' ') };
      } else {
        if (args.length === 0) fail(`expected a value to write to ${target}`);
        writable(target);
        command = { kind: 'echo', value: args.join(' '), path: target };
      }
      break;
    case 'cat':
      command = { kind: 'cat', path: readable(oneArg('cat PATH')), toKmsg: toKmsg() };
      break;
    case 'grep': {
      const [pattern, path] = twoArgs('grep PATTERN PATH');
      command = { kind: 'grep', pattern, path: readable(path), toKmsg: toKmsg() };
      break;
    }
    case 'wake':
    case 'kill':
    case 'fork': {
      noRedirect();
      const task = oneArg(`${cmd} TASK`);
      if (!/^\d+$/.test(task) && !ctx.comms.has(task)) {
        const own = [...ctx.comms].filter((c) => !/^(kworker\/\d+:1|swapper\/\d+)$/.test(c) && c !== 'sh');
        fail(`unknown task ${quote(task)} (expected a pid or a comm: sh, kworker/N:1, swapper/N${own.length ? `, ${names(own)}` : ''})`);
      }
      command = { kind: cmd, task };
      break;
    }
    case 'sleep': {
      noRedirect();
      const seconds = oneArg('sleep SECONDS');
      // `sleep MIN..MAX`: a delay the scenario leaves open within a window (a choice point).
      const [, min, max] = /^(\d+(?:\.\d*)?|\.\d+)\.\.(\d+(?:\.\d*)?|\.\d+)$/.exec(seconds) ?? [];
      if (min !== undefined && max !== undefined) {
        if (!(Number(min) <= Number(max))) fail(`expected a window MIN..MAX with MIN <= MAX, got ${quote(seconds)}`);
        if (!(Number(max) <= MAX_SLEEP_SECONDS)) fail(`expected a window MIN..MAX with MAX at most ${MAX_SLEEP_SECONDS} seconds, got ${quote(seconds)}`);
        command = { kind: 'sleep', seconds: Number(min), upTo: Number(max) };
        break;
      }
      if (!/^(\d+(\.\d*)?|\.\d+)$/.test(seconds) || !(Number(seconds) <= MAX_SLEEP_SECONDS)) {
        fail(`expected a number of seconds from 0 to ${MAX_SLEEP_SECONDS}, or a window MIN..MAX, got ${quote(seconds)}`);
      }
      command = { kind: 'sleep', seconds: Number(seconds) };
      break;
    }
    case 'check': {
      noRedirect();
      const [path, value] = twoArgs('check PATH VALUE');
      command = { kind: 'check', path: readable(path), value };
      break;
    }
    case 'wait': {
      noRedirect();
      const [patch, until, ...more] = args;
      if (patch === undefined || (until !== undefined && until !== 'transition') || more.length > 0) return usageError('wait PATCH [transition]');
      command = { kind: 'wait', patch: knownPatch(patch), until: until === undefined ? 0 : 1 };
      break;
    }
    default:
      return fail(`unknown command ${quote(cmd ?? '')} (expected ${COMMANDS.slice(0, -1).join(', ')} or ${COMMANDS.at(-1)})`);
  }
  return { lineNo, text: text.trim(), command };
}

/** Parses the scenario's script; line numbers count blank and comment lines. */
export function parseScript(s: Scenario, ctx: ScriptContext = scriptContext(s)): ScriptLine[] {
  const lines: ScriptLine[] = [];
  s.script.forEach((text, i) => {
    const line = parseScriptLine(text, i + 1, ctx);
    if (line !== null) lines.push(line);
  });
  return lines;
}
