// Events are typed records: a kind per modelled effect, the kernel function
// each kind models as data, and a narration written by describeEvent only
// when something shows it.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Engine } from '../../src/sim/engine.ts';
import { describeEvent, EVENT_FN, EVENT_KINDS, isLivepatchKind, NO_ARGS } from '../../src/sim/events.ts';
import type { Describable } from '../../src/sim/events.ts';
import type { SimEvent } from '../../src/sim/types.ts';

const SCENARIOS = fileURLToPath(new URL('../scenarios', import.meta.url));
const GOLDENS = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json'));

function eventsOf(file: string): { engine: Engine; events: SimEvent[] } {
  const engine = Engine.load(readFileSync(join(SCENARIOS, file), 'utf8'));
  engine.run({ until: () => engine.settled || engine.overtime, maxSteps: 200_000 });
  return { engine, events: engine.trace };
}

describe('event kinds', () => {
  it('each names the kernel function (or workload kind) it models, as data', () => {
    expect(EVENT_KINDS.length).toBeGreaterThan(30);
    for (const kind of EVENT_KINDS) {
      expect(EVENT_FN[kind], kind).toMatch(/^[a-z_]+$/);
      expect(isLivepatchKind(kind), kind).toBe(EVENT_FN[kind].startsWith('klp_'));
    }
  });

  /** Kinds about the shell whose narration calls it `sh`, not by comm:pid. */
  const SHELL = new Set(['shell-terminal', 'shell-sleep', 'shell-wait', 'shell-wait-met', 'shell-wake', 'shell-wake-switch', 'command-done', 'command-done-switch']);
  for (const f of GOLDENS) {
    it(`every event of ${f} has its kind's function and narrates as plain sentences naming its task`, () => {
      const { engine, events } = eventsOf(f);
      const bad: string[] = [];
      for (const e of events) {
        const text = describeEvent(e, engine.world);
        const named = e.task === undefined || SHELL.has(e.kind) || text.includes(`${e.comm}:${e.pid}`);
        const ok = e.fn === EVENT_FN[e.kind] && e.livepatch === isLivepatchKind(e.kind) && /^\S.*[.]$/.test(text) && !/undefined|NaN/.test(text) && named;
        if (!ok) bad.push(`step ${e.step} (${e.kind}): ${text}`);
      }
      expect(bad).toEqual([]);
    });
  }

  it('keeps the narration out of the record: an event holds no text until described', () => {
    const { events } = eventsOf(GOLDENS[0]!);
    for (const e of events) expect('text' in e).toBe(false);
  });
});

describe('describeEvent, for kinds the golden scenarios do not reach', () => {
  const { engine } = eventsOf('17-mainline-module-coming-going.json');
  const world = engine.world;
  const fn = world.fnNames.indexOf('do_idle');
  const cases: [Describable, string][] = [
    [{ kind: 'oops', comm: 'reader', pid: 7, args: { fn, module: 'drv' } }, 'reader:7 was inside do_idle of drv when the module was removed: it oopses.'],
    [{ kind: 'work-idle', comm: 'kworker/0:1', pid: 2, args: NO_ARGS }, 'kworker/0:1:2 runs klp_transition_work_fn, but no transition is in progress any more.'],
    [{ kind: 'module-coming-failed', args: { patch: 'lp', module: 'drv' } }, "Patching drv for 'lp' failed, so the module is refused."],
    [{ kind: 'shell-wake-switch', comm: 'sh', pid: 1, args: { why: 'timeout', patch: 'lp' } }, "sh's wait for lp timed out and returns to user space. klp_update_patch_state switches it on the way."],
    [{ kind: 'patch-object-failed', args: { patch: 'lp', object: 'vmlinux' } }, "vmlinux of 'lp' is patched already (WARN_ON(obj->patched)): the enable fails with -EINVAL and is cancelled."],
    [{ kind: 'switch-stalled', comm: 'reader', pid: 4, args: { why: 'running', target: 0, cpu: 3, fn: '' } }, 'reader:4 is running on CPU 3, so its stack cannot be checked; it stays patched for now.'],
  ];
  for (const [e, text] of cases) {
    it(e.kind, () => {
      expect(describeEvent(e, world)).toBe(text);
    });
  }
});

describe('narration of a command that names a task', () => {
  it('says pid N for `wake N`, and the name for `wake NAME`', () => {
    const engine = Engine.load(readFileSync(fileURLToPath(new URL('../../examples/stalled-transition.json', import.meta.url)), 'utf8'));
    engine.act('wake 8');
    engine.act('wake slowcat');
    engine.run({ maxSteps: 50 });
    const said = engine.trace.filter((e) => e.kind === 'command-done' || e.kind === 'command-done-switch').map((e) => describeEvent(e, engine.world));
    expect(said).toContain('1 task with pid 8 woken.');
    // slowcat is awake by then: a name is still called a name.
    expect(said).toContain('0 tasks named slowcat woken.');
  });
});
