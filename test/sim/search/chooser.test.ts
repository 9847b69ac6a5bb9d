// The chooser (src/sim/rng.ts): with no list of choices, every trace is the
// one the seeded generator made before choice points existed; a run's list
// of choices, recorded and replayed (under any seed), reproduces it exactly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/sim/engine.ts';
import { PRESETS } from '../../../src/sim/scenario/presets.ts';
import { ScenarioError } from '../../../src/sim/scenario/types.ts';
import { traceFingerprint } from './fingerprint.ts';

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));
const golden = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCENARIOS, `${name}.json`), 'utf8')) as Record<string, unknown>;

/**
 * Fingerprints (FNV-1a of every event, and the number of events) of each
 * golden scenario's whole trace, taken with the code before the chooser
 * existed. A golden trace changes only through a deliberate behaviour
 * change: then its .log changes too, and its line here with it.
 */
const BEFORE_CHOOSER: Record<string, string> = {
  '01-mainline-enable-disable': '56d978b6:142',
  '02-sleeping-in-patched-function': '9d9b0ef6:126',
  '03-mainline-reverse-stalled': 'dc016751:81',
  '04-v412-stacked-patches': '1676e909:111',
  '05-unreliable-stack-kthread': '70a0aeed:81',
  '06-v412-offline-cpu': '6da64891:145',
  '07-fork-during-transition': '1d9420bc:801',
  '08-mainline-signals-and-force': 'a5b5628e:477',
  '09-v412-immediate-patch': '4ff388be:19',
  '10-rfc-v2-bug-case-a': '200ff41b:18',
  '11-v412-case-a-fixed': '73a8123d:18',
  '12-rfc-v2-bug-case-b': '4b0488fc:753',
  '13-v412-case-b-fixed': '045fdd8c:753',
  '14-mainline-ebusy-second-patch': '895ceb5f:154',
  '15-v412-stacking-order': 'fa037886:169',
  '16-v412-wait-timeout': '880f64f1:1223',
  '17-mainline-module-coming-going': '3943af69:40',
  '18-user-space-tick-switch': 'de1a1805:285',
  '19-mainline-reverse-unpatching': 'f2727317:101',
  '20-mainline-no-reliable-stacktrace': '93886a74:6263',
  '21-v412-no-reliable-stacktrace': '837f2b92:10',
  '22-v412-ebusy-hotplug-kill': 'c2d1a605:105',
  '23-rfc-v2-bug-case-b-aftermath': 'c5f27cb3:1491',
  '24-v412-case-b-aftermath': 'cbb2d460:763',
};

/** The choices a default run makes, recorded to its end, as `choices` pairs [POINT, VALUE]. */
function recordChoices(scenario: unknown, maxEvents = 20_000): [number, number][] {
  const record: number[] = [];
  const engine = Engine.load(scenario, { keepTrace: false, choices: { record } });
  for (let n = 0; n < maxEvents && !engine.settled && !engine.overtime; n++) if (engine.stepForward() === undefined) break;
  return record.map((v, i) => [i, v]);
}

describe('the default chooser', () => {
  it('covers every golden scenario', () => {
    const names = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    expect(Object.keys(BEFORE_CHOOSER).sort()).toEqual(names);
  });

  it.each(Object.keys(BEFORE_CHOOSER))('leaves the trace of %s as it was', (name) => {
    const r = traceFingerprint(golden(name));
    expect(`${r.hash}:${r.events}`).toBe(BEFORE_CHOOSER[name]);
  });
});

describe('a list of choices', () => {
  const cases: [string, unknown][] = [
    ...['07-fork-during-transition', '12-rfc-v2-bug-case-b', '16-v412-wait-timeout', '08-mainline-signals-and-force'].map((n): [string, unknown] => [n, golden(n)]),
    ...PRESETS.filter((p) => ['first-livepatch', 'kthreads-idle', 'getpid-storm'].includes(p.id)).map((p): [string, unknown] => [p.id, p.scenario]),
  ];

  it.each(cases)('recorded from %s replays its run under another seed', (_name, doc) => {
    const choices = recordChoices(doc);
    expect(choices.length).toBeGreaterThan(10);
    const base = doc as Record<string, unknown>;
    const replayed = { ...base, seed: ((base.seed as number | undefined) ?? 1) + 12345, choices };
    const other = { ...base, seed: ((base.seed as number | undefined) ?? 1) + 12345 };
    expect(traceFingerprint(replayed)).toEqual(traceFingerprint(doc));
    // The seed alone does decide the run: without the list the other seed differs.
    expect(traceFingerprint(other)).not.toEqual(traceFingerprint(doc));
  });

  it('changes the run where a pair differs from the default', () => {
    const doc = golden('07-fork-during-transition');
    const choices = recordChoices(doc);
    const [point, value] = choices.find(([, v]) => v > 1000) ?? [0, 0];
    const changed = { ...doc, choices: [[point, value - 1]] };
    expect(traceFingerprint(changed)).not.toEqual(traceFingerprint(doc));
  });

  it('names the entry that does not fit its choice point', () => {
    // Choice point 0 (a kworker's first sleep, at boot) takes 10,000 to 500,000 µs.
    const doc = { ...golden('07-fork-during-transition'), choices: [[0, 5]] };
    const run = (): number => Engine.load(doc).run({ maxSteps: 1000 });
    expect(run).toThrow(ScenarioError);
    expect(run).toThrow(/^choices\[0\]: expected a value from 10000 to 500000 for choice point 0 \(wake\), got 5$/);
    // A pair that fits, then one that does not: the error names the second.
    const later = { ...doc, choices: [[0, 10_000], [3, 1e12]] };
    expect(() => Engine.load(later).run({ maxSteps: 1000 })).toThrow(/^choices\[1\]: expected a value from \d+ to \d+ for choice point 3 \(\w+\), got 1000000000000$/);
  });
});
