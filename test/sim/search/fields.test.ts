// The optional fields `whatIf` and `choices`, and the script's `sleep
// MIN..MAX` window (docs/scenario.md §11): accepted when well formed,
// refused with the field or line named when not.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/sim/engine.ts';
import { parseScenario } from '../../../src/sim/scenario/schema.ts';
import { ScenarioError } from '../../../src/sim/scenario/types.ts';
import { WHAT_IF_IDS } from '../../../src/sim/search/whatIf.ts';

const base = { format: 'klpscope/1', kernel: 'mainline', script: ['insmod test_klp_livepatch.ko'] };

function error(doc: unknown): ScenarioError {
  try {
    parseScenario(doc);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('whatIf', () => {
  it('takes the known ids, and is absent when not given', () => {
    expect(parseScenario({ ...base, whatIf: ['no-init-wmb', 'skip-idle-tasks'] }).whatIf).toEqual(['no-init-wmb', 'skip-idle-tasks']);
    expect(parseScenario(base).whatIf).toBeUndefined();
    expect(WHAT_IF_IDS).toEqual(expect.arrayContaining(['no-previous-version-check', 'skip-idle-tasks', 'no-fork-inherit', 'no-init-wmb', 'no-complete-sync']));
  });

  it('names an unknown id and lists the known ones', () => {
    const e = error({ ...base, whatIf: ['no-init-wmb', 'no-such-thing'] });
    expect(e.where).toBe('whatIf[1]');
    expect(e.message).toContain('"no-previous-version-check"');
    expect(e.message).toContain('got "no-such-thing"');
  });

  it('refuses a non-array, a repeat, and a switch the kernel has no safeguard for', () => {
    expect(error({ ...base, whatIf: 'no-init-wmb' }).message).toBe('whatIf: expected an array of "what if" ids, got "no-init-wmb"');
    expect(error({ ...base, whatIf: ['no-init-wmb', 'no-init-wmb'] }).message).toBe("whatIf[1]: 'no-init-wmb' is listed twice");
    expect(error({ ...base, kernel: 'rfc-v2', whatIf: ['skip-idle-tasks'] }).message).toMatch(/^whatIf\[0\]: 'skip-idle-tasks' takes out a safeguard kernel rfc-v2 does not have/);
  });
});

describe('choices', () => {
  it('takes [POINT, VALUE] pairs of non-negative integers', () => {
    expect(parseScenario({ ...base, choices: [[0, 3], [7, 250000]] }).choices).toEqual([[0, 3], [7, 250000]]);
  });

  it.each([
    [{ choices: 5 }, 'choices: expected an array of [POINT, VALUE] pairs, got 5'],
    [{ choices: [[1, 2], [3, -2]] }, 'choices[1]: expected a pair [POINT, VALUE] of non-negative integers, got [3, -2]'],
    [{ choices: [[1.5, 0]] }, 'choices[0]: expected a pair [POINT, VALUE] of non-negative integers, got [1.5, 0]'],
    [{ choices: [3] }, 'choices[0]: expected a pair [POINT, VALUE] of non-negative integers, got 3'],
    [{ choices: [[4, 1], [4, 2]] }, 'choices[1]: expected choice point numbers in increasing order, got 4 after 4'],
  ])('refuses %j', (extra, message) => {
    expect(error({ ...base, ...extra }).message).toBe(message);
  });
});

describe('sleep MIN..MAX', () => {
  it('sleeps a delay within the window, chosen by the list when one is given', () => {
    const doc = { ...base, machine: { cpus: 1 } };
    const at = (choices?: [number, number][]): number => {
      const e = Engine.load({ ...doc, script: ['sleep 0.5..2', 'echo done > /dev/kmsg'], ...(choices ? { choices } : {}) });
      e.run({ until: (ev) => ev.log.some((l) => l.text === 'done') });
      return e.now;
    };
    const t = at();
    expect(t).toBeGreaterThanOrEqual(500_000);
    expect(t).toBeLessThanOrEqual(2_000_000);
    // The kworker's first sleep is choice point 0; the window is point 1.
    expect(at([[1, 1_234_567]])).toBe(1_234_567);
  });

  it('names the line of a window that runs backwards', () => {
    const e = error({ ...base, script: ['sleep 2..1'] });
    expect(e.message).toBe("script line 1: expected a window MIN..MAX with MIN <= MAX, got '2..1'");
  });
});
