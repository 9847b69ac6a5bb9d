// Golden `--trace` files: the JSON lines of every event, narration included,
// for the scenarios that have a test/scenarios/NAME.trace. Events are typed
// records whose text is written only when shown; this pins that writing it
// later gives, word for word, the sentences the trace has always had.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

const SCENARIOS = fileURLToPath(new URL('../scenarios', import.meta.url));
const NAMES = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.trace'))
  .map((f) => f.slice(0, -'.trace'.length))
  .sort();

describe('golden --trace output (test/scenarios/*.trace)', () => {
  it('has some', () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of NAMES) {
    it(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'klpscope-trace-'));
      try {
        const file = join(dir, 'trace.jsonl');
        await main(['run', join(SCENARIOS, `${name}.json`), '--trace', file], { out: () => {}, err: () => {} });
        expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(SCENARIOS, `${name}.trace`), 'utf8'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
