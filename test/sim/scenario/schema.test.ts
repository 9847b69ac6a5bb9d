import { describe, it, expect } from 'vitest';
import { parseScenario } from '../../../src/sim/scenario/schema.ts';
import { ScenarioError } from '../../../src/sim/scenario/types.ts';

const F = 'klpscope/1';

/** The ScenarioError thrown by parsing `input`. */
function errorOf(input: unknown): ScenarioError {
  try {
    parseScenario(input);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

/** The error of a document made of `format` and `fields`. */
const errorWith = (fields: Record<string, unknown>): ScenarioError => errorOf({ format: F, ...fields });

describe('parseScenario: defaults', () => {
  it('fills every default of a minimal document', () => {
    expect(parseScenario(`{"format":"${F}"}`)).toEqual({
      format: F,
      name: 'untitled',
      description: '',
      kernel: 'mainline',
      seed: 1,
      machine: { cpus: 4, offline: [], reliableStacktrace: true },
      functions: {},
      syscalls: {},
      files: {},
      tasks: [],
      modules: [],
      script: [],
    });
  });

  it('fills nested defaults of tasks, syscalls, functions and modules', () => {
    const s = parseScenario({
      format: F,
      machine: { cpus: 2 },
      functions: { f: {} },
      syscalls: { sc: { chain: ['do_syscall_64', 'f'] } },
      tasks: [{ comm: 'a' }, { comm: 'k', kind: 'kthread' }],
      modules: [{ name: 'p', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'f' }] }] } }],
    });
    expect(s.machine).toEqual({ cpus: 2, offline: [], reliableStacktrace: true });
    expect(s.functions.f).toEqual({ object: 'vmlinux' });
    expect(s.syscalls.sc).toEqual({ chain: ['do_syscall_64', 'f'], sleepMs: [1, 50] });
    expect(s.tasks[0]).toEqual({
      comm: 'a', count: 1, kind: 'user', syscalls: ['getpid'], userMs: [1, 20], loop: ['kthread', 'worker_thread'],
      sleepMs: [10, 500], calls: [], cpuBound: false, unreliableStack: false,
    });
    expect(s.tasks[1]!.kind).toBe('kthread');
    expect(s.modules[0]).toEqual({
      name: 'p', params: {}, functions: [], init: [], exit: [],
      livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'f', immediate: false }], callbacks: false }], immediate: false, replace: false },
    });
  });

  it('does not share default arrays between parses', () => {
    const a = parseScenario({ format: F, tasks: [{ comm: 'a' }] });
    const b = parseScenario({ format: F, tasks: [{ comm: 'b' }] });
    expect(a.tasks[0]!.userMs).not.toBe(b.tasks[0]!.userMs);
  });
});

describe('parseScenario: a full valid scenario', () => {
  const full = {
    format: F,
    name: 'demo',
    description: 'a target module and its patch',
    kernel: 'v4.12',
    seed: 4294967295,
    machine: { cpus: 8, offline: [3, 5], reliableStacktrace: false },
    functions: { tgt_show: { object: 'target', output: 'original' }, helper: { output: 'h' } },
    syscalls: { read_tgt: { chain: ['do_syscall_64', 'ksys_read', 'tgt_show'], sleepIn: 'tgt_show', sleepMs: 'forever' } },
    files: { '/proc/tgt': 'tgt_show' },
    tasks: [
      { comm: 'reader', count: 10, syscalls: ['read_tgt', 'getpid'], userMs: [0, 5], blockedIn: 'pipe_read', unreliableStack: true },
      { comm: 'kthreadd', kind: 'kthread', loop: ['kthread', 'smpboot_thread_fn'], sleepMs: [1, 1], calls: ['helper'], cpuBound: true },
    ],
    modules: [
      { name: 'target', params: { verbose: true, level: 2, tag: 'x' }, functions: ['tgt_extra'], init: ['hello'], exit: ['bye'] },
      {
        name: 'lp-target',
        livepatch: {
          immediate: true,
          objects: [
            { name: 'target', funcs: [{ old: 'tgt_show', output: 'patched', immediate: true }, { old: 'tgt_extra' }] },
            { name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'p' }], callbacks: false },
          ],
        },
      },
    ],
    script: ['insmod target.ko verbose=0', '# a comment', '', 'insmod lp-target.ko', 'wait lp-target', 'cat /proc/tgt > /dev/kmsg'],
  };

  it('keeps every field as given', () => {
    const s = parseScenario(JSON.stringify(full));
    expect(s.kernel).toBe('v4.12');
    expect(s.seed).toBe(4294967295);
    expect(s.machine).toEqual(full.machine);
    expect(s.syscalls.read_tgt?.sleepMs).toBe('forever');
    expect(s.tasks[0]!.count).toBe(10);
    expect(s.tasks[1]!.cpuBound).toBe(true);
    expect(s.modules.map((m) => m.name)).toEqual(['target', 'lp-target']);
    expect(s.modules[0]!.params).toEqual({ verbose: true, level: 2, tag: 'x' });
    expect(s.modules[1]!.livepatch?.objects[0]!.funcs[0]).toEqual({ old: 'tgt_show', output: 'patched', immediate: true });
    expect(s.script).toEqual(full.script);
  });

  it('accepts an already parsed value as well as a JSON string', () => {
    expect(parseScenario(full)).toEqual(parseScenario(JSON.stringify(full)));
  });

  it('lets a scenario module replace a built-in one without returning the built-ins', () => {
    const s = parseScenario({ format: F, modules: [{ name: 'test_klp_livepatch', init: ['mine'] }], script: ['insmod test_klp_livepatch.ko'] });
    expect(s.modules).toHaveLength(1);
    expect(s.modules[0]!.livepatch).toBeUndefined();
    expect(parseScenario({ format: F, script: ['insmod test_klp_livepatch.ko'] }).modules).toEqual([]);
  });
});

describe('parseScenario: bad input', () => {
  it('reports malformed JSON at the root', () => {
    const e = errorOf('{"format": ');
    expect(e.where).toBe('scenario');
    expect(e.message).toMatch(/^scenario: valid JSON \(.+\)$/);
  });

  it('reports a root that is not an object', () => {
    expect(errorOf('[1]').message).toBe('scenario: expected a JSON object, got [1]');
    expect(errorOf(null).message).toBe('scenario: expected a JSON object, got null');
  });

  it('reports a missing or wrong format', () => {
    expect(errorOf({}).message).toBe('format: missing (expected "klpscope/1")');
    expect(errorWith({ format: 'klpscope/2' }).message).toBe('format: expected "klpscope/1", got "klpscope/2"');
  });

  it('names unknown fields at the root and nested', () => {
    expect(errorWith({ colour: 'red' }).message).toMatch(/^colour: unknown field \(expected one of format, name, description, /);
    const e = errorWith({ tasks: [{ comm: 'a', colour: 'red' }] });
    expect(e.where).toBe('tasks[0].colour');
    expect(e.message).toMatch(/^tasks\[0\]\.colour: unknown field \(expected one of comm, count, kind, /);
    expect(errorWith({ machine: { cpu: 2 } }).where).toBe('machine.cpu');
    const lp = { objects: [{ name: 'vmlinux', funcs: [{ old: 'f', new: 'g' }] }] };
    expect(errorWith({ modules: [{ name: 'p', livepatch: lp }] }).where).toBe('modules[0].livepatch.objects[0].funcs[0].new');
  });

  it('names wrong types', () => {
    expect(errorWith({ name: 3 }).message).toBe('name: expected a string, got 3');
    expect(errorWith({ kernel: 'v5' }).message).toBe('kernel: expected one of "rfc-v2", "v4.12", "mainline", got "v5"');
    expect(errorWith({ machine: { reliableStacktrace: 'yes' } }).message).toBe('machine.reliableStacktrace: expected true or false, got "yes"');
    expect(errorWith({ tasks: {} }).message).toBe('tasks: expected an array of task groups, got an object');
    expect(errorWith({ tasks: [{ comm: 'a', kind: 'daemon' }] }).where).toBe('tasks[0].kind');
    expect(errorWith({ tasks: [{}] }).message).toBe('tasks[0].comm: missing (expected a string of 1 to 15 characters)');
    expect(errorWith({ modules: [{ name: 'm', params: { x: null } }] }).where).toBe('modules[0].params.x');
    expect(errorWith({ seed: 1.5 }).where).toBe('seed');
  });

  it('names out-of-range numbers', () => {
    expect(errorWith({ machine: { cpus: 0 } }).message).toBe('machine.cpus: expected an integer from 1 to 4096, got 0');
    expect(errorWith({ machine: { cpus: 4097 } }).message).toBe('machine.cpus: expected an integer from 1 to 4096, got 4097');
    expect(errorWith({ seed: -1 }).message).toBe('seed: expected an integer from 0 to 4294967295, got -1');
    expect(errorWith({ tasks: [{ comm: 'a' }, { comm: 'b' }, { comm: 'c', count: 0 }] }).message).toBe(
      'tasks[2].count: expected an integer from 1 to 1000000, got 0',
    );
  });

  it('checks the total number of tasks', () => {
    const e = errorWith({ tasks: [{ comm: 'a', count: 600000 }, { comm: 'b', count: 600000 }] });
    expect(e.where).toBe('tasks');
    expect(e.message).toContain('at most 1000000');
  });

  it('checks comm length and ranges', () => {
    expect(errorWith({ tasks: [{ comm: 'a-very-long-name' }] }).where).toBe('tasks[0].comm');
    expect(errorWith({ tasks: [{ comm: '' }] }).where).toBe('tasks[0].comm');
    expect(errorWith({ tasks: [{ comm: 'a', userMs: [5, 1] }] }).message).toMatch(/^tasks\[0\]\.userMs: expected \[MIN, MAX\].*got \[5, 1\]$/);
    expect(errorWith({ tasks: [{ comm: 'a', sleepMs: [-1, 3] }] }).where).toBe('tasks[0].sleepMs');
    expect(errorWith({ syscalls: { s: { chain: ['f'], sleepMs: 'never' } } }).where).toBe('syscalls.s.sleepMs');
  });

  it('checks offline CPUs', () => {
    expect(errorWith({ machine: { offline: [0] } }).message).toBe('machine.offline[0]: CPU 0 cannot be offline');
    expect(errorWith({ machine: { cpus: 4, offline: [1, 4] } }).where).toBe('machine.offline[1]');
    expect(errorWith({ machine: { offline: [2, 2] } }).where).toBe('machine.offline[1]');
  });

  it('checks syscalls and their use', () => {
    const e = errorWith({ tasks: [{ comm: 'a', syscalls: ['getpid', 'nope'] }] });
    expect(e.where).toBe('tasks[0].syscalls[1]');
    expect(e.message).toMatch(/unknown syscall 'nope' \(known: .*getpid/);
    expect(errorWith({ syscalls: { s: { chain: [] } } }).where).toBe('syscalls.s.chain');
    expect(errorWith({ syscalls: { s: { chain: [] } } }).message).toBe('syscalls.s.chain: expected a non-empty array of function names, got []');
    expect(errorWith({ syscalls: { s: { chain: 'f' } } }).message).toBe('syscalls.s.chain: expected a non-empty array of function names, got "f"');
    expect(errorWith({ machine: 3 }).message).toBe('machine: expected an object, got 3');
    expect(errorWith({ machine: { cpus: 2, gpus: 1 } }).message).toBe('machine.gpus: unknown field (expected one of cpus, offline, reliableStacktrace)');
    expect(errorWith({ syscalls: { s: { chain: ['a', 'b'], sleepIn: 'c' } } }).message).toBe(
      'syscalls.s.sleepIn: expected a function of the chain (a, b), got "c"',
    );
  });

  it('checks where functions live', () => {
    expect(errorWith({ functions: { f: { object: 'nomod' } } }).where).toBe('functions.f.object');
    const lp = { objects: [{ name: 'vmlinux', funcs: [{ old: 'g' }] }] };
    const e = errorWith({ modules: [{ name: 'm', functions: ['g'] }, { name: 'p', livepatch: lp }] });
    expect(e.message).toBe("modules[1].livepatch.objects[0].funcs[0].old: 'g' lives in m, not in vmlinux");
    // A module the scenario does not declare is a valid object (it stays unpatched); a name that is no module name is not.
    expect(() => parseScenario({ format: F, modules: [{ name: 'p', livepatch: { objects: [{ name: 'ghost', funcs: [{ old: 'ghost_fn' }] }] } }] })).not.toThrow();
    const bad = { objects: [{ name: 'no such', funcs: [] }] };
    expect(errorWith({ modules: [{ name: 'p', livepatch: bad }] }).where).toBe('modules[0].livepatch.objects[0].name');
  });

  it('checks module names', () => {
    expect(errorWith({ modules: [{ name: 'a b' }] }).where).toBe('modules[0].name');
    expect(errorWith({ modules: [{ name: 'a' }, { name: 'a' }] }).message).toBe("modules[1].name: duplicate module name 'a' (also modules[0].name)");
  });

  it('checks task kinds', () => {
    expect(errorWith({ tasks: [{ comm: 'k', kind: 'kthread', blockedIn: 'pipe_read' }] }).where).toBe('tasks[0].blockedIn');
  });

  it('checks immediate and replace against the kernel', () => {
    const patch = (livepatch: unknown) => [{ name: 'p', livepatch }];
    const vm = (funcs: unknown[]) => [{ name: 'vmlinux', funcs }];
    const e = errorWith({ modules: patch({ objects: vm([]), immediate: true }) });
    expect(e.where).toBe('modules[0].livepatch.immediate');
    expect(e.message).toContain('v4.12 and rfc-v2');
    expect(() => parseScenario({ format: F, kernel: 'rfc-v2', modules: patch({ objects: vm([]), immediate: true }) })).not.toThrow();
    const f = errorWith({ kernel: 'rfc-v2', modules: patch({ objects: vm([{ old: 'x', immediate: true }]) }) });
    expect(f.where).toBe('modules[0].livepatch.objects[0].funcs[0].immediate');
    expect(f.message).toContain('v4.12');
    expect(errorWith({ kernel: 'v4.12', modules: patch({ objects: vm([]), replace: true }) }).where).toBe('modules[0].livepatch.replace');
  });

  it('validates the script', () => {
    expect(errorWith({ script: ['sleep 1', 'insmod nope.ko'] }).message).toMatch(/^script line 2: unknown module 'nope'/);
  });
});

describe('parseScenario: stage-2 features', () => {
  const ok = (fields: Record<string, unknown>) => parseScenario({ format: F, ...fields });

  it('takes a module work item, checking its function and block parameter', () => {
    const work = { function: 'f', enter: 'f enter', exit: 'f exit', blockParam: 'block' };
    const m = ok({ modules: [{ name: 'm', functions: ['f'], params: { block: false }, work }] });
    expect(m.modules[0]!.work).toEqual(work);
    expect(errorWith({ modules: [{ name: 'm', functions: ['f'], work: { ...work, function: 'g' } }] }).where).toBe('modules[0].work.function');
    expect(errorWith({ modules: [{ name: 'm', functions: ['f'], params: { block: 1 }, work }] }).message).toMatch(/^modules\[0\]\.work\.blockParam: expected the name of a boolean parameter/);
    expect(errorWith({ modules: [{ name: 'm', functions: ['f'], work: { function: 'f' } }] }).where).toBe('modules[0].work.enter');
  });

  it('takes callbacks in mainline and refuses them, naming the field, where the kernel had none', () => {
    const lp = { objects: [{ name: 'vmlinux', funcs: [], callbacks: true }] };
    expect(ok({ modules: [{ name: 'p', livepatch: lp }] }).modules[0]!.livepatch?.objects[0]!.callbacks).toBe(true);
    const e = errorWith({ kernel: 'v4.12', modules: [{ name: 'p', livepatch: lp }] });
    expect(e.kind).toBe('invalid');
    expect(e.where).toBe('modules[0].livepatch.objects[0].callbacks');
  });

  it('takes atomic replace on mainline, as a flag or an integer parameter', () => {
    expect(ok({ modules: [{ name: 'p', livepatch: { objects: [], replace: true } }] }).modules[0]!.livepatch?.replace).toBe(true);
    expect(ok({ modules: [{ name: 'p', params: { replace: 1 }, livepatch: { objects: [], replace: 'replace' } }] }).modules[0]!.livepatch?.replace).toBe('replace');
    expect(errorWith({ modules: [{ name: 'p', params: { replace: 'x' }, livepatch: { objects: [], replace: 'replace' } }] }).where).toBe('modules[0].livepatch.replace');
  });

  it('refuses nothing in scenario.md as "not supported yet"', () => {
    const doc = ok({
      modules: [
        { name: 't', functions: ['t_fn'], params: { block: true }, work: { function: 't_fn', enter: 'in', exit: 'out', blockParam: 'block' } },
        { name: 'p', params: { replace: 0, pre_patch_ret: 0 }, livepatch: { replace: 'replace', objects: [{ name: 'vmlinux', funcs: [], callbacks: true }, { name: 't', funcs: [{ old: 't_fn' }], callbacks: true }, { name: 'absent', funcs: [{ old: 'absent_fn' }] }] } },
      ],
      script: ['insmod t.ko', 'insmod p.ko replace=1', 'check /sys/kernel/livepatch/p/replace 1', 'cat /sys/kernel/livepatch/p/stack_order', 'cat /sys/kernel/livepatch/p/t/patched', 'echo 0 > /sys/module/t/parameters/block'],
    });
    expect(doc.modules).toHaveLength(2);
  });
});
