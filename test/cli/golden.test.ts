// Golden tests of the CLI: every test/scenarios/NAME.json is run as
// `klpscope run test/scenarios/NAME.json $(cat NAME.args)` and its standard
// output must be exactly NAME.log, its exit status NAME.status. A failing
// golden means the simulator's kernel log changed: check the new output
// against spec/kernel-model.md before touching the .log file.
import { afterAll, describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIOS = join(ROOT, 'test', 'scenarios');

/** The lines of a text file; a final newline ends the last line, it does not add an empty one. */
function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

interface Golden {
  readonly name: string;
  readonly json: string;
  readonly args: string[];
  readonly log: string[];
  readonly status: number;
}

function golden(name: string): Golden {
  const at = (ext: string): string => join(SCENARIOS, `${name}.${ext}`);
  const argsFile = at('args');
  const args = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/).filter((a) => a !== '') : [];
  return {
    name,
    json: at('json'),
    args,
    log: lines(readFileSync(at('log'), 'utf8')),
    status: Number(readFileSync(at('status'), 'utf8').trim()),
  };
}

const GOLDENS: Golden[] = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => golden(f.slice(0, -'.json'.length)));

interface Run {
  readonly status: number;
  readonly out: string[];
  readonly err: string[];
}

async function run(argv: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

describe('golden scenarios (test/scenarios)', () => {
  it('has the files every scenario needs', () => {
    expect(GOLDENS.length).toBeGreaterThanOrEqual(12);
    for (const g of GOLDENS) {
      const doc = JSON.parse(readFileSync(g.json, 'utf8')) as Record<string, unknown>;
      expect(doc.format, g.name).toBe('klpscope/1');
      expect(typeof doc.name === 'string' && doc.name !== '', `${g.name}: name`).toBe(true);
      expect(typeof doc.description === 'string' && doc.description.length > 40, `${g.name}: description`).toBe(true);
      expect([0, 1], `${g.name}: status`).toContain(g.status);
    }
  });

  for (const g of GOLDENS) {
    it(`${g.name}${g.args.length > 0 ? ` ${g.args.join(' ')}` : ''}`, async () => {
      const r = await run(['run', g.json, ...g.args]);
      expect(r.out).toEqual(g.log);
      expect(r.status, `exit status; standard error:\n${r.err.join('\n')}`).toBe(g.status);
    });
  }
});

describe('the klpscope binary', () => {
  it('prints the same log as main() (the npx klpscope path)', () => {
    const g = GOLDENS[0]!;
    const rel = `test/scenarios/${g.name}.json`;
    let stdout: string;
    let status = 0;
    try {
      stdout = execFileSync(process.execPath, ['bin/klpscope.mjs', 'run', rel, ...g.args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const x = e as { status?: number; stdout?: string };
      status = x.status ?? -1;
      stdout = x.stdout ?? '';
    }
    expect(lines(stdout)).toEqual(g.log);
    expect(status).toBe(g.status);
  }, 60_000);
});

describe('invalid input: exit status 2 and a message naming the place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'klpscope-golden-'));
  const file = (name: string, doc: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the field of an invalid scenario', async () => {
    const r = await run(['run', file('count.json', { format: 'klpscope/1', tasks: [{ comm: 'a', count: 0 }] })]);
    expect(r.status).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err.join('\n')).toContain('tasks[0].count');
  });

  it('names an unknown field', async () => {
    const r = await run(['run', file('typo.json', { format: 'klpscope/1', machine: { cpu: 2 } })]);
    expect(r.status).toBe(2);
    expect(r.err.join('\n')).toContain('machine.cpu');
  });

  it('refuses a file that is not JSON', async () => {
    const r = await run(['run', file('broken.json', '{"format": "klpscope/1",')]);
    expect(r.status).toBe(2);
    expect(r.err.join('\n')).toMatch(/JSON/);
  });

  it('names the bad script line', async () => {
    const r = await run(['run', file('script.json', { format: 'klpscope/1', script: ['insmod test_klp_livepatch.ko', '# a comment', 'frobnicate now'] })]);
    expect(r.status).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err.join('\n')).toContain('script line 3');
    expect(r.err.join('\n')).toContain('frobnicate');
  });

  it('names the script line that uses an unknown patch', async () => {
    const r = await run(['run', file('patch.json', { format: 'klpscope/1', script: ['echo 0 > /sys/kernel/livepatch/nope/enabled'] })]);
    expect(r.status).toBe(2);
    expect(r.err.join('\n')).toContain('script line 1');
  });

  it('prints the usage for bad usage', async () => {
    for (const argv of [[], ['frob'], ['run'], ['run', 'a.json', '--bogus'], ['run', 'a.json', 'b.json'], ['run', 'a.json', '--trace'], ['run', 'a.json', '--kernel', 'v4.12']]) {
      const r = await run(argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.out, argv.join(' ')).toEqual([]);
      expect(r.err.join('\n'), argv.join(' ')).toContain('usage: klpscope run');
    }
  });
});
