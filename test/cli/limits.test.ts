// The CLI's bounds and I/O errors (issue 12, docs/scenario.md §12): each
// limit and each failure to read or write ends with one line on standard
// error, no stack trace, and its own exit status (Exit).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Bounds } from '../../src/cli/run.ts';
import { Exit } from '../../src/cli/io.ts';
import { MAX_EVENTS, MAX_FILE_BYTES, MAX_GROUP_TASKS, MAX_RANGE_MS, MAX_SIM_TIME_US, MAX_SLEEP_SECONDS, PID_MAX } from '../../src/sim/limits.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'klpscope-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, doc: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
};

interface Run {
  readonly status: number;
  readonly out: string[];
  readonly err: string;
}

async function run(argv: readonly string[], bounds: Bounds = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, bounds);
  return { status, out, err: err.join('\n') };
}

/** One line on standard error, and no stack trace. */
function expectOneLine(err: string): void {
  expect(err.split('\n')).toHaveLength(1);
  expect(err).not.toMatch(/\n\s+at |Error:/);
}

/** The klpscope binary as a process: `stdout` 'pipe' (read all), 'close' (closed after the first chunk) or a file. */
function binary(argv: readonly string[], stdout: 'pipe' | 'close' | number = 'pipe'): Promise<Run & { readonly signal: string | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['bin/klpscope.mjs', ...argv], { cwd: ROOT, stdio: ['ignore', typeof stdout === 'number' ? stdout : 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (stdout === 'close') p.stdout?.destroy();
    });
    p.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (status, signal) => resolve({ status: status ?? -1, signal, out: out === '' ? [] : out.replace(/\n$/, '').split('\n'), err: err.replace(/\n$/, '') }));
  });
}

const doc = (extra: Record<string, unknown>) => ({ format: 'klpscope/1', ...extra });

describe('limits of the input', () => {
  it('refuses a scenario file over the size limit before reading it', async () => {
    const path = file('huge.json', `{"format": "klpscope/1", "description": "${'x'.repeat(MAX_FILE_BYTES)}"}`);
    const r = await run(['run', path]);
    expect(r.status).toBe(Exit.Invalid);
    expect(r.err).toMatch(/^klpscope: scenario .*huge\.json is too large: at most 4 MiB, got 4\.0 MiB$/);
    expectOneLine(r.err);
  });

  it('fails fast on /dev/zero and /dev/urandom, as the scenario and as the script', async () => {
    for (const argv of [['run', '/dev/zero'], ['run', '--script', '/dev/zero'], ['run', '/dev/urandom'], ['run', '--script', '/dev/urandom']]) {
      const r = await binary(argv);
      expect(r.status, argv.join(' ')).toBe(Exit.Invalid);
      expect(r.err, argv.join(' ')).toMatch(/^klpscope: (scenario|script) \/dev\/(zero|urandom) is too large: at most 4 MiB, got more$/);
      expectOneLine(r.err);
    }
  }, 60_000);

  it('refuses a time range past its bound, naming the field', async () => {
    for (const ms of [MAX_RANGE_MS + 1, 1e30]) {
      const r = await run(['run', file('range.json', doc({ tasks: [{ comm: 'a', userMs: [0, ms] }] }))]);
      expect(r.status).toBe(Exit.Invalid);
      expect(r.err).toContain(`tasks[0].userMs: expected [MIN, MAX] milliseconds with 0 <= MIN <= MAX <= ${MAX_RANGE_MS}`);
      expectOneLine(r.err);
    }
    const r = await run(['run', file('sleep.json', doc({ syscalls: { nap: { chain: ['do_syscall_64'], sleepMs: [1, 1e29] } } }))]);
    expect(r.err).toContain('syscalls.nap.sleepMs: expected');
  });

  it('refuses a sleep past its bound or too large to hold, naming the line', async () => {
    const w = await run(['run', file('window.json', doc({ script: ['sleep 1..99999'] }))]);
    expect(w.err).toBe("klpscope: script line 1: expected a window MIN..MAX with MAX at most 3600 seconds, got '1..99999'");
    for (const s of ['999999999', '9'.repeat(400)]) {
      const r = await run(['run', file('nap.json', doc({ script: ['# nap', `sleep ${s}`] }))]);
      expect(r.status).toBe(Exit.Invalid);
      expect(r.err).toMatch(/^klpscope: script line 2: expected a number of seconds from 0 to 3600, or a window MIN\.\.MAX, got '9+(\.\.\.)?'$/);
      expect(r.err.length).toBeLessThan(170);
    }
  });

  it('refuses __proto__ keys wherever a name is a key', async () => {
    const cases: [string, string][] = [
      ['{"format":"klpscope/1","functions":{"__proto__":{"object":"vmlinux"}}}', 'functions.__proto__'],
      ['{"format":"klpscope/1","syscalls":{"__proto__":{"chain":["do_syscall_64"]}}}', 'syscalls.__proto__'],
      ['{"format":"klpscope/1","files":{"__proto__":"cmdline_proc_show"}}', 'files.__proto__'],
      ['{"format":"klpscope/1","modules":[{"name":"m","params":{"__proto__":1}}]}', 'modules[0].params.__proto__'],
    ];
    for (const [json, where] of cases) {
      const r = await run(['run', file('proto.json', json)]);
      expect(r.status, where).toBe(Exit.Invalid);
      expect(r.err).toBe(`klpscope: ${where}: '__proto__' is not allowed as a name`);
    }
  });

  it('says what a seed of 1e999 is', async () => {
    const r = await run(['run', file('seed.json', '{"format": "klpscope/1", "seed": 1e999}')]);
    expect(r.err).toBe('klpscope: seed: expected an integer from 0 to 4294967295, got a number too large to hold (Infinity)');
  });

  it('lists at most ten known names in an unknown-module error', async () => {
    const modules = Array.from({ length: 10_001 }, (_, i) => ({ name: `m${i}` }));
    const r = await run(['run', file('mods.json', doc({ modules, script: ['rmmod nope'] }))]);
    expect(r.status).toBe(Exit.Invalid);
    expect(r.err).toMatch(/^klpscope: script line 1: unknown module 'nope' \(known: (\S+, ){9}\S+ and 9,992 more\)$/);
  });

  it('shows control characters of the input escaped', async () => {
    const r = await run(['run', file('ctl.json', doc({ script: ['echo \u001b[31mred\u0000 > /dev/kmsg', 'wake \u001b[2J'] }))]);
    expect(r.status).toBe(Exit.Invalid);
    expect(r.err).toContain('\\x1b[2J');
    expect([...r.err].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    const ok = await run(['run', file('ctl2.json', doc({ script: ['echo \u001b[31mred\u0000 > /dev/kmsg'] }))]);
    expect(ok.status).toBe(Exit.Ok);
    expect(ok.out).toEqual(['\\x1b[31mred\\x00']);
  });
});

describe('limits of a run', () => {
  it('stops at the events per run when time never advances, says so, and exits with its own status', async () => {
    const r = await run(['run', file('spin.json', doc({ tasks: [{ comm: 'spin', count: 4, userMs: [0, 0] }], script: ['sleep 1'] })), '--summary'], { maxEvents: 20_000 });
    expect(r.status).toBe(Exit.Limit);
    expect(r.err).toBe('klpscope: stopped at the limit of 20,000 events per run, before the scenario ended');
    expect(r.out.at(-1)).toMatch(/ 20000 events,/);
  });

  it('stops at the simulated time per run', async () => {
    const r = await run(['run', file('long.json', doc({ script: ['sleep 3600', 'sleep 3600'] })), '--summary'], { maxTimeUs: 5_000_000_000 });
    expect(r.status).toBe(Exit.Limit);
    expect(r.err).toBe('klpscope: stopped at the limit of 5,000 simulated seconds per run, before the scenario ended');
    const time = Number(/time (\S+) s/.exec(r.out.at(-1) ?? '')?.[1]);
    expect(time).toBeLessThanOrEqual(5000);
  });

  it('fails a fork past the task cap with EAGAIN, as the kernel does', async () => {
    const r = await run(['run', file('forks.json', doc({ tasks: [{ comm: 'a', count: 10 }], script: ['fork a', 'fork a', 'fork a'] })), '--summary'], { pidMax: 40 });
    expect(r.status).toBe(Exit.Ok);
    // 9 built-in tasks (4 CPUs) and 10 of a (pids 6-15): the first fork makes 29 tasks, the
    // second forks 11 of the 20 a's and fails at the 12th (pid 17), the third at the first.
    expect(r.out.filter((l) => l.startsWith('sh: fork:'))).toEqual(['sh: fork: (17) - Resource temporarily unavailable', 'sh: fork: (6) - Resource temporarily unavailable']);
    expect(r.out.at(-1)).toMatch(/tasks 40:/);
  });
});

describe('I/O errors: one line, exit status 4', () => {
  it('cannot read a missing scenario, a directory or a missing script', async () => {
    const cases: [string[], RegExp][] = [
      [['run', join(dir, 'missing.json')], /^klpscope: cannot read scenario .*missing\.json: No such file or directory$/],
      [['run', dir], /^klpscope: cannot read scenario .*: Is a directory$/],
      [['run', '--script', join(dir, 'missing.sh')], /^klpscope: cannot read script .*missing\.sh: No such file or directory$/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.status, argv.join(' ')).toBe(Exit.Io);
      expect(r.err).toMatch(message);
      expectOneLine(r.err);
    }
  });

  it('cannot write the trace into a directory, a missing directory or a full device', async () => {
    const scenario = file('ok.json', doc({ script: ['insmod test_klp_livepatch.ko'] }));
    mkdirSync(join(dir, 'adir'), { recursive: true });
    const cases: [string, string][] = [
      [join(dir, 'adir'), 'Is a directory'],
      [join(dir, 'nope', 'trace.jsonl'), 'No such file or directory'],
      ['/dev/full', 'No space left on device'],
    ];
    for (const [path, why] of cases) {
      const r = await run(['run', scenario, '--trace', path]);
      expect(r.status, path).toBe(Exit.Io);
      expect(r.err).toBe(`klpscope: cannot write trace ${path}: ${why}`);
    }
  });

  it('cannot write standard output to a full device', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await binary(['run', 'examples/stalled-transition.json'], full);
      expect(r.status).toBe(Exit.Io);
      expect(r.err).toBe('klpscope: cannot write standard output: No space left on device');
    } finally {
      closeSync(full);
    }
  }, 30_000);

  it('ends quietly when standard output is closed early (| head -1)', async () => {
    const r = await binary(['run', file('chatty.json', doc({ tasks: [{ comm: 'spin', count: 4, userMs: [0, 1] }], script: Array.from({ length: 50_000 }, (_, i) => `echo line ${i} > /dev/kmsg`) }))], 'close');
    expect(r.err).toBe('');
    expect(r.status).toBe(Exit.Pipe);
  }, 30_000);
});

describe('docs/scenario.md §12', () => {
  it('gives the limits the code enforces', () => {
    const docs = readFileSync(join(ROOT, 'docs/scenario.md'), 'utf8');
    const limits = docs.slice(docs.indexOf('## 12. Limits'));
    const en = (n: number) => n.toLocaleString('en');
    expect(limits).toContain(`| ${MAX_FILE_BYTES / 1024 / 1024} MiB |`);
    expect(limits).toContain(`| ${en(MAX_GROUP_TASKS)} |`);
    expect(limits).toContain(`| ${en(PID_MAX)} |`);
    expect(limits).toContain(`| ${en(MAX_RANGE_MS)} (one hour) |`);
    expect(limits).toContain(`| ${MAX_SLEEP_SECONDS} |`);
    expect(limits).toContain(`| ${en(MAX_EVENTS)} |`);
    expect(limits).toContain(`| ${en(MAX_SIM_TIME_US / 1e6)} s (one day) |`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const status of Object.values(Exit)) expect(readme, `README: exit status ${status}`).toMatch(new RegExp(`^\\| ${status} \\|`, 'm'));
  });
});
