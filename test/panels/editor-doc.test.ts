import { describe, expect, it } from 'vitest';
import {
  JSON_FIELD,
  canonical,
  docOf,
  docText,
  errorTarget,
  fileName,
  formatJson,
  formatList,
  getIn,
  isFormField,
  lineRange,
  parseList,
  pathKey,
  pushAt,
  removeAt,
  setIn,
} from '../../src/panels/editor/doc.ts';
import { parseScenario } from '../../src/sim/scenario/schema.ts';
import { ScenarioError } from '../../src/sim/scenario/types.ts';

describe('errorTarget: the form control an error path is shown at', () => {
  it.each([
    ['machine.cpus', 'machine.cpus'],
    ['machine.reliableStacktrace', 'machine.reliableStacktrace'],
    ['kernel', 'kernel'],
    ['seed', 'seed'],
    ['name', 'name'],
    ['tasks[2].count', 'tasks[2].count'],
    ['tasks[0].comm', 'tasks[0].comm'],
    ['tasks[11].sleepMs', 'tasks[11].sleepMs'],
    ['tasks[1].blockedIn', 'tasks[1].blockedIn'],
    ['modules[0].name', 'modules[0].name'],
    ['modules[0].livepatch', 'modules[0].livepatch'],
    ['modules[1].livepatch.immediate', 'modules[1].livepatch.immediate'],
    ['modules[0].livepatch.objects[1].name', 'modules[0].livepatch.objects[1].name'],
    ['modules[0].livepatch.objects[0].funcs[3].old', 'modules[0].livepatch.objects[0].funcs[3].old'],
    ['modules[0].livepatch.objects[0].funcs[0].immediate', 'modules[0].livepatch.objects[0].funcs[0].immediate'],
    ['script', 'script'],
  ])('%s is shown at its own control', (where, field) => {
    expect(errorTarget(where)).toEqual({ field });
  });

  it.each([
    ['machine.offline[1]', 'machine.offline'],
    ['tasks[0].syscalls[2]', 'tasks[0].syscalls'],
    ['tasks[3].loop[0]', 'tasks[3].loop'],
    ['script[4]', 'script'],
  ])('an item of a list (%s) is shown at the list', (where, field) => {
    expect(errorTarget(where)).toEqual({ field });
  });

  it('a script line is shown at the script, with its number', () => {
    expect(errorTarget('script line 3')).toEqual({ field: 'script', line: 3 });
    expect(errorTarget('script line 12')).toEqual({ field: 'script', line: 12 });
  });

  it.each(['scenario', 'format', 'tasks', 'tasks[2]', 'tasks[0].cnt', 'machine.cpuz', 'functions.foo.object', 'syscalls.x.chain', 'files["/proc/x"]', 'modules[0].params.x', 'modules[0].functions[1]', 'modules[0].livepatch.objects[0].callbacks', 'modules[0].work', 'action'])(
    'what the form has no control for (%s) is shown at the JSON text',
    (where) => {
      expect(errorTarget(where)).toEqual({ field: JSON_FIELD });
    },
  );

  it('maps the paths that parseScenario reports', () => {
    const where = (doc: unknown): string => {
      try {
        parseScenario(doc);
      } catch (e) {
        if (e instanceof ScenarioError) return e.where;
        throw e;
      }
      throw new Error('valid');
    };
    const base = { format: 'klpscope/1', tasks: [{ comm: 'a' }, { comm: 'b' }, { comm: 'c' }] };
    expect(errorTarget(where({ ...base, tasks: [...base.tasks.slice(0, 2), { comm: 'c', count: 0 }] }))).toEqual({ field: 'tasks[2].count' });
    expect(errorTarget(where({ ...base, machine: { cpus: 0 } }))).toEqual({ field: 'machine.cpus' });
    expect(errorTarget(where({ ...base, machine: { offline: [0] } }))).toEqual({ field: 'machine.offline' });
    expect(errorTarget(where({ ...base, script: ['sleep 1', '', 'frobnicate'] }))).toEqual({ field: 'script', line: 3 });
    expect(errorTarget(where({ ...base, tasks: [{ comm: 'a', syscalls: ['getpid', 'nope'] }] }))).toEqual({ field: 'tasks[0].syscalls' });
    expect(errorTarget(where({ ...base, extra: 1 }))).toEqual({ field: JSON_FIELD });
    expect(errorTarget(where('{ nope'))).toEqual({ field: JSON_FIELD });
  });

  it('knows which keys are form fields', () => {
    expect(isFormField('tasks[0].count')).toBe(true);
    expect(isFormField('tasks[0]')).toBe(false);
    expect(isFormField('tasks[0].count.x')).toBe(false);
  });
});

describe('paths', () => {
  it('are written as the schema writes them', () => {
    expect(pathKey([])).toBe('scenario');
    expect(pathKey(['tasks', 2, 'count'])).toBe('tasks[2].count');
    expect(pathKey(['files', '/proc/x'])).toBe('files["/proc/x"]');
  });

  it('read and write values without touching what is off the path', () => {
    const doc = { format: 'klpscope/1', machine: { cpus: 4 }, tasks: [{ comm: 'a' }, { comm: 'b' }], extra: { keep: true } };
    const next = setIn(doc, ['tasks', 1, 'count'], 3) as typeof doc;
    expect(getIn(next, ['tasks', 1, 'count'])).toBe(3);
    expect(next.tasks[0]).toBe(doc.tasks[0]);
    expect(next.extra).toBe(doc.extra);
    expect(doc.tasks[1]).toEqual({ comm: 'b' });
    expect(getIn(doc, ['tasks', 5, 'comm'])).toBeUndefined();
    expect(getIn(doc, ['machine', 'cpus', 'x'])).toBeUndefined();
  });

  it('remove a key when set to undefined and create missing containers', () => {
    expect(setIn({ machine: { cpus: 2, offline: [] } }, ['machine', 'cpus'], undefined)).toEqual({ machine: { offline: [] } });
    expect(setIn({}, ['machine', 'cpus'], 2)).toEqual({ machine: { cpus: 2 } });
    expect(setIn({ machine: 5 }, ['machine', 'cpus'], 2)).toEqual({ machine: { cpus: 2 } });
  });

  it('add and remove items of arrays', () => {
    expect(pushAt({}, ['tasks'], { comm: 'x' })).toEqual({ tasks: [{ comm: 'x' }] });
    expect(removeAt({ tasks: [1, 2, 3] }, ['tasks'], 1)).toEqual({ tasks: [1, 3] });
  });

  it('keep a "__proto__" key as data', () => {
    const doc = docOf('{"format":"klpscope/1","__proto__":{"polluted":true}}');
    const next = setIn(doc, ['name'], 'x') as Record<string, unknown>;
    expect(Object.hasOwn(next, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(canonical(next as never))).toContain('__proto__');
  });
});

describe('the JSON text', () => {
  it('puts known fields in the order of the spec and keeps unknown ones after them', () => {
    const doc = { script: [], tasks: [{ count: 2, comm: 'a', zzz: 1 }], format: 'klpscope/1', custom: true, machine: { reliableStacktrace: false, cpus: 2 } };
    const c = canonical(doc) as Record<string, unknown>;
    expect(Object.keys(c)).toEqual(['format', 'machine', 'tasks', 'script', 'custom']);
    expect(Object.keys((c.tasks as object[])[0]!)).toEqual(['comm', 'count', 'zzz']);
    expect(Object.keys(c.machine as object)).toEqual(['cpus', 'reliableStacktrace']);
  });

  it('is JSON that reads back as the same document, short lists on one line', () => {
    const doc = { format: 'klpscope/1', tasks: [{ comm: 'a', userMs: [2, 30] }], functions: {}, script: [], modules: [{ name: 'm', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'f' }] }] } }] };
    const text = docText(doc);
    expect(JSON.parse(text)).toEqual(doc);
    expect(text).toContain('"userMs": [2, 30]');
    expect(text).toContain('"functions": {}');
    expect(text).toContain('"script": []');
    expect(formatJson(['x'.repeat(50), 'y'.repeat(50)])).toContain('\n');
    expect(formatJson(null)).toBe('null');
  });

  it('gives a document only for a JSON object', () => {
    expect(docOf('{"a": 1}')).toEqual({ a: 1 });
    expect(docOf('[1]')).toBeNull();
    expect(docOf('5')).toBeNull();
    expect(docOf('{ "a": ')).toBeNull();
  });
});

describe('list fields', () => {
  it('read words separated by commas or spaces', () => {
    expect(parseList('1, 3', true)).toEqual([1, 3]);
    expect(parseList('1,,3 ', true)).toEqual([1, 3]);
    expect(parseList('1, x', true)).toEqual([1, 'x']);
    expect(parseList('kthread, worker_thread', false)).toEqual(['kthread', 'worker_thread']);
    expect(parseList('  ', false)).toEqual([]);
  });

  it('show a list as words', () => {
    expect(formatList([1, 3])).toBe('1, 3');
    expect(formatList(['a', 'b'])).toBe('a, b');
    expect(formatList(undefined)).toBe('');
    expect(formatList(5)).toBe('5');
  });
});

describe('files and lines', () => {
  it('name the saved file after the scenario', () => {
    expect(fileName('Your first livepatch')).toBe('your-first-livepatch.klpscope.json');
    expect(fileName('a/b\\c')).toBe('a-b-c.klpscope.json');
    expect(fileName('')).toBe('untitled.klpscope.json');
    expect(fileName(undefined)).toBe('untitled.klpscope.json');
  });

  it('find a line of a text', () => {
    expect(lineRange('ab\ncde\nf', 2)).toEqual([3, 6]);
    expect(lineRange('ab\ncde\nf', 1)).toEqual([0, 2]);
    expect(lineRange('ab', 9)).toEqual([0, 2]);
  });
});
