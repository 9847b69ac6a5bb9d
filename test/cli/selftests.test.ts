// The kernel's livepatch selftests, run through the CLI: every case of
// src/sim/scenario/selftests/ is in examples/selftests/ (scenario and the
// kernel's expected log), and `klpscope run` prints exactly the log the
// selftest expects, with no violation.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';
import { SELFTEST_CASES, selftestScenario } from '../../src/sim/scenario/selftests/cases.ts';

const DIR = fileURLToPath(new URL('../../examples/selftests', import.meta.url));
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');

describe('examples/selftests', () => {
  it('holds every case and nothing else, as scripts/selftests-export.ts writes them', () => {
    const files = readdirSync(DIR).sort();
    expect(files).toEqual(SELFTEST_CASES.flatMap((c) => [`${c.id}.json`, `${c.id}.log`]).sort());
    for (const c of SELFTEST_CASES) {
      expect(JSON.parse(read(`${c.id}.json`)), c.id).toEqual(JSON.parse(JSON.stringify(selftestScenario(c))));
      expect(read(`${c.id}.log`), c.id).toBe(`${c.expected.join('\n')}\n`);
    }
  });

  it('covers the three selftest files', () => {
    expect(new Set(SELFTEST_CASES.map((c) => c.file))).toEqual(new Set(['test-livepatch.sh', 'test-callbacks.sh', 'test-sysfs.sh']));
    expect(SELFTEST_CASES.filter((c) => c.file === 'test-callbacks.sh')).toHaveLength(11);
  });

  for (const c of SELFTEST_CASES) {
    it(`${c.file}: ${c.test}`, async () => {
      const out: string[] = [];
      const err: string[] = [];
      const status = await main(['run', join(DIR, `${c.id}.json`)], { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect(out).toEqual(c.expected);
      expect(err).toEqual([]);
      expect(status).toBe(0);
    });
  }
});
