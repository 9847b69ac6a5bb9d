// Writes the kernel selftests as CLI examples: examples/selftests/ID.json (the
// scenario) and ID.log (the log the selftest expects, which `klpscope run`
// prints). Run with `npx tsx scripts/selftests-export.ts` after changing
// src/sim/scenario/selftests/; test/cli/selftests.test.ts checks they agree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SELFTEST_CASES, selftestScenario } from '../src/sim/scenario/selftests/cases.ts';

const DIR = fileURLToPath(new URL('../examples/selftests', import.meta.url));
mkdirSync(DIR, { recursive: true });
for (const c of SELFTEST_CASES) {
  writeFileSync(join(DIR, `${c.id}.json`), `${JSON.stringify(selftestScenario(c), null, 2)}\n`);
  writeFileSync(join(DIR, `${c.id}.log`), `${c.expected.join('\n')}\n`);
}
console.log(`${SELFTEST_CASES.length} selftests written to ${DIR}`);
