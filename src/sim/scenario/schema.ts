// Validation of a `klpscope/1` scenario document (spec/scenario.md §1–§7):
// the shape with zod/mini (strict objects, every default filled in), then the
// checks that need more than one field, then the script, then the refusal of
// stage-2 features. Every failure is a ScenarioError naming the JSON path.
import * as z from 'zod/mini';
import { BUILTIN_FUNCTIONS, BUILTIN_MODULES, BUILTIN_SYSCALLS } from './builtins.ts';
import { KERNEL_VARIANTS, listNames, ScenarioError } from './types.ts';
import { MAX_FILE_BYTES, MAX_GROUP_TASKS, MAX_RANGE_MS } from '../limits.ts';
import type { MsRange, ParamValue, Scenario } from './types.ts';
import { parseScript } from './script.ts';
import { WHAT_IF_IDS, whatIfById } from '../search/whatIf.ts';
import { must } from '../must.ts';

const MAX_TASKS = MAX_GROUP_TASKS;
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MODULE_NAME = /^[A-Za-z0-9_-]{1,55}$/;

/** A value as an error message shows it: `0`, `"abc"`, `an array`. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length <= 4 && v.every((x) => typeof x !== 'object') ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  // JSON has no Infinity: a number too large for a double (1e999) reads as one.
  if (typeof v === 'number' && !Number.isFinite(v)) return `a number too large to hold (${v})`;
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function expected(what: string, got: unknown): string {
  return got === undefined ? `missing (expected ${what})` : `expected ${what}, got ${show(got)}`;
}

/** A leaf value checked by one predicate, with one message for every failure. */
function leaf<T>(what: string, ok: (v: unknown) => boolean) {
  return z.custom<T>(ok, { error: (iss) => expected(what, iss.input) });
}

const isInt = (v: unknown, lo: number, hi: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const intIn = (lo: number, hi: number) => leaf<number>(`an integer from ${lo} to ${hi}`, (v) => isInt(v, lo, hi));
const str = () => leaf<string>('a string', (v) => typeof v === 'string');
const bool = () => leaf<boolean>('true or false', (v) => typeof v === 'boolean');
const fn = () => leaf<string>('a function name (letters, digits, _ and .)', (v) => typeof v === 'string' && FUNCTION_NAME.test(v));
function oneOf<T extends string>(values: readonly T[]) {
  const what = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return leaf<T>(what, (v) => typeof v === 'string' && (values as readonly string[]).includes(v));
}

const isRange = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && 0 <= v[0] && v[0] <= v[1] && v[1] <= MAX_RANGE_MS;
const RANGE = `[MIN, MAX] milliseconds with 0 <= MIN <= MAX <= ${MAX_RANGE_MS}`;
const ms = (lo: number, hi: number) => (): MsRange => [lo, hi];
const range = () => leaf<MsRange>(RANGE, isRange);
const rangeOrForever = () => leaf<MsRange | 'forever'>(`${RANGE}, or "forever"`, (v) => v === 'forever' || isRange(v));

const opt = z.optional;
const or = z._default;

function list<T extends z.ZodMiniType>(item: T, what = 'an array') {
  return z.array(item, { error: (iss) => expected(what, iss.input) });
}
function map<T extends z.ZodMiniType>(value: T, what: string) {
  return z.record(z.string(), value, { error: (iss) => expected(what, iss.input) });
}
function obj<S extends z.core.$ZodLooseShape>(shape: S, what = 'an object') {
  const fields = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field (expected one of ${fields})` : expected(what, iss.input)),
  });
}

/**
 * The document's shape, built on its first use: a worker that opens the
 * default demo (its validated form ships ready, presets/first.parsed.ts)
 * never builds it (building it costs more than validating a document).
 */
function buildScenarioSchema() {
  const paramValue = leaf<ParamValue>('a string, number or boolean', (v) => ['string', 'number', 'boolean'].includes(typeof v));

  const funcSchema = obj({ old: fn(), output: opt(str()), immediate: or(bool(), false) });
  const objectSchema = obj({ name: str(), funcs: list(funcSchema), callbacks: or(bool(), false) });
  const livepatchSchema = obj({
    objects: list(objectSchema),
    immediate: or(bool(), false),
    replace: or(
      leaf<boolean | string>('true, false or the name of a module parameter', (v) => typeof v === 'boolean' || typeof v === 'string'),
      false,
    ),
  });

  const NON_EMPTY_FUNCS = 'a non-empty array of function names';

  return obj(
    {
      format: oneOf(['klpscope/1'] as const),
      name: or(str(), 'untitled'),
      description: or(str(), ''),
      kernel: or(oneOf(KERNEL_VARIANTS), 'mainline'),
      seed: or(intIn(0, 4294967295), 1),
      machine: z.prefault(
        obj({
          cpus: or(intIn(1, 4096), 4),
          offline: or(list(intIn(0, 4095), 'an array of CPU ids'), () => []),
          reliableStacktrace: or(bool(), true),
        }),
        {},
      ),
      functions: or(map(obj({ object: or(str(), 'vmlinux'), output: opt(str()) }), 'an object mapping function names to { object, output }'), () => ({})),
      syscalls: or(
        map(
          obj({
            chain: list(fn(), NON_EMPTY_FUNCS).check(z.minLength(1, { error: (iss) => expected(NON_EMPTY_FUNCS, iss.input) })),
            sleepIn: opt(fn()),
            sleepMs: or(rangeOrForever(), ms(1, 50)),
          }),
          'an object mapping syscall names to { chain, sleepIn, sleepMs }',
        ),
        () => ({}),
      ),
      files: or(map(fn(), 'an object mapping absolute paths to function names'), () => ({})),
      tasks: or(
        list(
          obj({
            comm: leaf<string>('a string of 1 to 15 characters', (v) => typeof v === 'string' && v.length >= 1 && v.length <= 15),
            count: or(intIn(1, MAX_TASKS), 1),
            kind: or(oneOf(['user', 'kthread'] as const), 'user'),
            syscalls: or(list(str(), 'an array of syscall names'), () => ['getpid']),
            userMs: or(range(), ms(1, 20)),
            loop: or(list(fn(), 'an array of function names'), () => ['kthread', 'worker_thread']),
            sleepMs: or(rangeOrForever(), ms(10, 500)),
            calls: or(list(fn(), 'an array of function names'), () => []),
            cpuBound: or(bool(), false),
            unreliableStack: or(bool(), false),
            blockedIn: opt(fn()),
          }),
          'an array of task groups',
        ),
        () => [],
      ),
      modules: or(
        list(
          obj({
            name: leaf<string>('a module name (1 to 55 letters, digits, _ or -)', (v) => typeof v === 'string' && MODULE_NAME.test(v)),
            params: or(map(paramValue, 'an object mapping parameter names to default values'), () => ({})),
            functions: or(list(fn(), 'an array of function names'), () => []),
            init: or(list(str(), 'an array of strings'), () => []),
            exit: or(list(str(), 'an array of strings'), () => []),
            livepatch: opt(livepatchSchema),
            work: opt(obj({ function: fn(), enter: str(), exit: str(), blockParam: opt(leaf<string>('a parameter name', (v) => typeof v === 'string' && PARAM_NAME.test(v))) })),
          }),
          'an array of modules',
        ),
        () => [],
      ),
      script: or(list(str(), 'an array of strings'), () => []),
      whatIf: opt(list(oneOf(WHAT_IF_IDS), 'an array of "what if" ids')),
      choices: opt(
        list(
          leaf<readonly [number, number]>('a pair [POINT, VALUE] of non-negative integers', (v) => Array.isArray(v) && v.length === 2 && v.every((x) => isInt(x, 0, Number.MAX_SAFE_INTEGER))),
          'an array of [POINT, VALUE] pairs',
        ),
      ),
    },
    'a JSON object',
  );
}
let scenarioSchema: ReturnType<typeof buildScenarioSchema> | undefined;

function pathOf(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? 'scenario' : out;
}

const key = (base: string, k: string): string => pathOf([base, k]);
const list2 = (names: Iterable<string>): string => listNames(names);

/** Checks one validated document beyond its shape; throws the first failure. */
function checkSemantics(s: Scenario): void {
  const { machine, kernel } = s;
  const fail = (where: string, what: string): never => {
    throw new ScenarioError(where, what);
  };

  // §2 machine
  const seen = new Set<number>();
  s.machine.offline.forEach((id, i) => {
    const where = `machine.offline[${i}]`;
    if (id === 0) fail(where, 'CPU 0 cannot be offline');
    if (id >= machine.cpus) fail(where, `expected a CPU id below ${machine.cpus} (machine.cpus), got ${id}`);
    if (seen.has(id)) fail(where, `CPU ${id} is listed twice`);
    seen.add(id);
  });

  // §6 module names first: functions, tasks and patches refer to them.
  const ownNames = new Map<string, number>();
  s.modules.forEach((m, i) => {
    if (m.name === 'vmlinux') fail(`modules[${i}].name`, "'vmlinux' is not a module name");
    const first = ownNames.get(m.name);
    if (first !== undefined) fail(`modules[${i}].name`, `duplicate module name '${m.name}' (also modules[${first}].name)`);
    ownNames.set(m.name, i);
  });
  const moduleNames = new Set([...BUILTIN_MODULES.map((m) => m.name), ...ownNames.keys()]);
  const objectNames = `vmlinux or a module (${list2(moduleNames)})`;

  // §3 functions: where each declared function lives.
  const home = new Map<string, string>(Object.entries(BUILTIN_FUNCTIONS).map(([f, spec]) => [f, spec.object]));
  for (const [f, spec] of Object.entries(s.functions)) {
    if (!FUNCTION_NAME.test(f)) fail(key('functions', f), 'expected a function name (letters, digits, _ and .)');
    if (spec.object !== 'vmlinux' && !moduleNames.has(spec.object)) fail(`${key('functions', f)}.object`, expected(objectNames, spec.object));
    home.set(f, spec.object);
  }
  const listedBy = new Map<string, string>();
  s.modules.forEach((m, i) =>
    m.functions.forEach((f, j) => {
      const where = `modules[${i}].functions[${j}]`;
      const declared = Object.hasOwn(s.functions, f) ? s.functions[f]?.object : undefined;
      if (declared !== undefined && declared !== m.name) fail(where, `'${f}' is declared in functions with object '${declared}'`);
      if (declared === undefined && Object.hasOwn(BUILTIN_FUNCTIONS, f)) fail(where, `'${f}' is a built-in vmlinux function`);
      const other = listedBy.get(f);
      if (other !== undefined) fail(where, `'${f}' is already provided by module '${other}'`);
      listedBy.set(f, m.name);
      home.set(f, m.name);
    }),
  );

  // §4 syscalls, §3 files
  for (const [name, sc] of Object.entries(s.syscalls)) {
    if (sc.sleepIn !== undefined && !sc.chain.includes(sc.sleepIn)) {
      fail(`${key('syscalls', name)}.sleepIn`, `expected a function of the chain (${sc.chain.join(', ')}), got ${show(sc.sleepIn)}`);
    }
  }
  for (const path of Object.keys(s.files)) {
    if (!/^\/\S+$/.test(path)) fail(key('files', path), 'expected an absolute path without spaces as the key');
  }

  // §5 tasks
  const syscalls = new Set([...Object.keys(BUILTIN_SYSCALLS), ...Object.keys(s.syscalls)]);
  let total = 0;
  s.tasks.forEach((t, i) => {
    const at = `tasks[${i}]`;
    t.syscalls.forEach((name, j) => {
      if (!syscalls.has(name)) fail(`${at}.syscalls[${j}]`, `unknown syscall '${name}' (known: ${list2(syscalls)})`);
    });
    if (t.kind === 'user' && t.syscalls.length === 0) fail(`${at}.syscalls`, 'a user task needs at least one syscall');
    if (t.kind === 'kthread' && t.loop.length === 0) fail(`${at}.loop`, 'a kthread needs at least one function to run in');
    if (t.kind === 'kthread' && t.blockedIn !== undefined) fail(`${at}.blockedIn`, 'only user tasks (kind "user") can start blocked in a syscall');
    // Tasks exist from boot and no module is loaded at boot: nothing may start inside one.
    const notLoadedAtBoot = (f: string): string | undefined => {
      const lives = home.get(f);
      return lives !== undefined && lives !== 'vmlinux' ? `'${f}' is code of module '${lives}', which is not loaded at boot (expected a vmlinux function)` : undefined;
    };
    if (t.kind === 'kthread') {
      t.loop.forEach((f, j) => {
        const why = notLoadedAtBoot(f);
        if (why !== undefined) fail(`${at}.loop[${j}]`, why);
      });
    }
    if (t.blockedIn !== undefined) {
      const why = notLoadedAtBoot(t.blockedIn);
      if (why !== undefined) fail(`${at}.blockedIn`, why);
    }
    total += t.count;
  });
  if (total > MAX_TASKS) fail('tasks', `expected at most ${MAX_TASKS} tasks over all groups, got ${total}`);

  // choices: each point once, in the order the run meets them.
  (s.choices ?? []).forEach(([point], i, all) => {
    const before = all[i - 1]?.[0];
    if (before !== undefined && point <= before) fail(`choices[${i}]`, `expected choice point numbers in increasing order, got ${point} after ${before}`);
  });

  // "what if" switches: each once, and only where the kernel has the safeguard.
  (s.whatIf ?? []).forEach((id, i) => {
    const w = whatIfById(id);
    if (w !== undefined && !w.variants.includes(kernel)) fail(`whatIf[${i}]`, `'${id}' takes out a safeguard kernel ${kernel} does not have (it applies to ${w.variants.join(', ')})`);
    if ((s.whatIf ?? []).indexOf(id) !== i) fail(`whatIf[${i}]`, `'${id}' is listed twice`);
  });

  // §6 modules
  s.modules.forEach((m, i) => {
    const at = `modules[${i}]`;
    for (const p of Object.keys(m.params)) {
      if (!PARAM_NAME.test(p)) fail(key(`${at}.params`, p), 'expected a parameter name (letters, digits and _)');
    }
    if (m.work !== undefined) {
      const w = m.work;
      if (home.get(w.function) !== m.name) fail(`${at}.work.function`, `expected a function of this module (${list2(m.functions)}), got ${show(w.function)}`);
      if (w.blockParam !== undefined && typeof m.params[w.blockParam] !== 'boolean') {
        fail(`${at}.work.blockParam`, `expected the name of a boolean parameter of this module (${list2(Object.keys(m.params).filter((p) => typeof m.params[p] === 'boolean'))}), got ${show(w.blockParam)}`);
      }
    }
    if (m.livepatch === undefined) return;
    const lp = m.livepatch;
    if (lp.immediate && kernel !== 'v4.12' && kernel !== 'rfc-v2') {
      fail(`${at}.livepatch.immediate`, `patch-level immediate exists only in kernels v4.12 and rfc-v2 (kernel is ${kernel})`);
    }
    if (lp.replace !== false && kernel !== 'mainline') fail(`${at}.livepatch.replace`, `replace exists only in kernel mainline (kernel is ${kernel})`);
    if (typeof lp.replace === 'string') {
      const v = Object.hasOwn(m.params, lp.replace) ? m.params[lp.replace] : undefined;
      if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${at}.livepatch.replace`, `expected the name of an integer parameter of this module, got ${show(lp.replace)}`);
    }
    const objs = new Set<string>();
    lp.objects.forEach((o, j) => {
      const ot = `${at}.livepatch.objects[${j}]`;
      // A module this machine never declares is allowed: that object stays unpatched.
      if (o.name !== 'vmlinux' && !MODULE_NAME.test(o.name)) fail(`${ot}.name`, expected(`vmlinux or a module name (1 to 55 letters, digits, _ or -), such as ${list2(moduleNames)}`, o.name));
      if (o.callbacks && kernel !== 'mainline') fail(`${ot}.callbacks`, `object callbacks came with v4.15: of the three kernels only mainline has them (kernel is ${kernel})`);
      if (objs.has(o.name)) fail(`${ot}.name`, `object '${o.name}' is listed twice`);
      objs.add(o.name);
      const olds = new Set<string>();
      o.funcs.forEach((f, k) => {
        const ft = `${ot}.funcs[${k}]`;
        const lives = home.get(f.old);
        if (lives !== undefined && lives !== o.name) fail(`${ft}.old`, `'${f.old}' lives in ${lives}, not in ${o.name}`);
        if (olds.has(f.old)) fail(`${ft}.old`, `'${f.old}' is patched twice in this object`);
        olds.add(f.old);
        if (f.immediate && kernel !== 'v4.12') fail(`${ft}.immediate`, `func-level immediate exists only in kernel v4.12 (kernel is ${kernel})`);
      });
    });
  });
}

/**
 * Refuses a `__proto__` key anywhere: JSON.parse keeps it as a plain key,
 * but an object built from it would drop it silently.
 */
function refuseProtoKeys(v: unknown, path: PropertyKey[]): void {
  if (typeof v !== 'object' || v === null) return;
  const entries: [PropertyKey, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  for (const [k, x] of entries) {
    path.push(k);
    if (k === '__proto__') throw new ScenarioError(pathOf(path), "'__proto__' is not allowed as a name");
    refuseProtoKeys(x, path);
    path.pop();
  }
}

/**
 * Parses and validates a `klpscope/1` document (a JSON string or an already
 * parsed value) and fills in every default. The returned `modules` are the
 * scenario's own; the built-in ones (BUILTIN_MODULES) are merged by the engine,
 * a scenario module of the same name replacing the built-in one.
 * @throws ScenarioError
 */
export function parseScenario(input: unknown): Scenario {
  let doc = input;
  if (typeof input === 'string' && input.length > MAX_FILE_BYTES) {
    throw new ScenarioError('scenario', `at most ${MAX_FILE_BYTES / 1024 / 1024} MiB of JSON, got ${(input.length / 1024 / 1024).toFixed(1)} MiB`);
  }
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input) as unknown;
    } catch (e) {
      throw new ScenarioError('scenario', `valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  refuseProtoKeys(doc, []);
  scenarioSchema ??= buildScenarioSchema();
  const result = scenarioSchema.safeParse(doc);
  if (!result.success) {
    // zod reports at least one issue for a failed parse.
    const issue = must(result.error.issues[0], 'issue in a failed parse');
    const path = issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...issue.path, issue.keys[0]] : issue.path;
    throw new ScenarioError(pathOf(path), issue.message);
  }
  const data = result.data;
  const scenario: Scenario = data;
  checkSemantics(scenario);
  parseScript(scenario);
  return scenario;
}
