// The README's CLI example is real output: it must stay so.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

describe('README', () => {
  it('shows exactly what its example command prints', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const m = /\$ npx klpscope run (\S+) ([^\n]*)\n([\s\S]*?)\n```/.exec(readme);
    if (m === null) throw new Error('the README has no CLI example');
    const out: string[] = [];
    const status = await main(['run', m[1]!, ...m[2]!.split(' ')], { out: (l) => out.push(l), err: () => {} });
    expect(status).toBe(0);
    expect(out).toEqual(m[3]!.split('\n'));
  });
});
