// Behaviours a review against the kernel found wrong, pinned.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/sim/engine.ts';
import type { SimEvent, Violation } from '../../src/sim/types.ts';

function runToEnd(doc: unknown): { engine: Engine; log: string[]; violations: Violation[] } {
  const engine = Engine.load(doc);
  const log: string[] = [];
  const violations: Violation[] = [];
  for (let n = 0; n < 200_000 && !engine.settled && !engine.overtime; n++) {
    const e: SimEvent | undefined = engine.stepForward();
    if (e === undefined) break;
    for (const l of e.log) log.push(l.text);
    violations.push(...e.violations);
  }
  return { engine, log, violations };
}

describe('force', () => {
  it('marks mixed code in a task it forced as given up, not broken (mainline)', () => {
    const { engine, log, violations } = runToEnd({
      format: 'klpscope/1',
      kernel: 'mainline',
      machine: { cpus: 2 },
      syscalls: { mysc: { chain: ['do_syscall_64', 'foo_a', 'foo_b'], sleepIn: 'foo_a', sleepMs: 'forever' } },
      tasks: [{ comm: 'app', syscalls: ['mysc'] }],
      modules: [{ name: 'lp', livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'foo_a' }, { old: 'foo_b' }] }] } }],
      script: ['sleep 0.2', 'insmod lp.ko', 'sleep 2', 'echo 1 > /sys/kernel/livepatch/lp/force', 'wait lp', 'wake app', 'sleep 1'],
    });
    expect(log).toContain('livepatch: forcing remaining tasks to the patched state');
    const mix = violations.filter((v) => v.text.includes('mixed in one call chain'));
    expect(mix).toHaveLength(1);
    expect(mix[0]!.givenUp).toBe('force');
    expect(engine.state.violations).toBe(0);
  });
});

describe('modules', () => {
  it('refuses to remove a module whose code a task is running', () => {
    const { engine, log } = runToEnd({
      format: 'klpscope/1',
      machine: { cpus: 2 },
      functions: { tgt_wait: { object: 'tgt' } },
      syscalls: { tgt_read: { chain: ['do_syscall_64', 'tgt_wait'], sleepIn: 'tgt_wait', sleepMs: 'forever' } },
      tasks: [{ comm: 'app', syscalls: ['tgt_read'] }],
      modules: [{ name: 'tgt', functions: ['tgt_wait'] }],
      script: ['insmod tgt.ko', 'sleep 0.5', 'rmmod tgt'],
    });
    expect(log).toContain('rmmod: ERROR: Module tgt is in use');
    expect(engine.state.violations).toBe(0);
  });
});

describe('kstrtobool', () => {
  const doc = (kernel: string) => ({ format: 'klpscope/1', kernel, machine: { cpus: 1 }, script: ['insmod test_klp_livepatch.ko', 'wait test_klp_livepatch', 'echo disable > /sys/kernel/livepatch/test_klp_livepatch/enabled', 'wait test_klp_livepatch'] });

  it('takes "disable" in mainline', () => {
    const { log } = runToEnd(doc('mainline'));
    expect(log).toContain("livepatch: 'test_klp_livepatch': unpatching complete");
    expect(log).not.toContain('sh: echo: write error: Invalid argument');
  });

  it('refuses it in v4.12, whose kstrtobool knew only y, n, 1, 0, on and off', () => {
    const { log } = runToEnd(doc('v4.12'));
    expect(log).toContain('sh: echo: write error: Invalid argument');
  });
});

describe('rfc-v2 cancel', () => {
  it('words the cancelled enable as such', () => {
    const lp = (name: string, immediate: boolean) => ({ name, livepatch: { immediate, objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: name }] }] } });
    const { violations } = runToEnd({
      format: 'klpscope/1',
      kernel: 'rfc-v2',
      machine: { cpus: 1 },
      modules: [lp('lp_b', false), lp('lp_a', true)],
      script: ['insmod lp_b.ko', 'wait lp_b', 'insmod lp_a.ko', 'echo 0 > /sys/kernel/livepatch/lp_a/enabled', 'echo 1 > /sys/kernel/livepatch/lp_a/enabled'],
    });
    const texts = violations.map((v) => v.text);
    expect(texts.some((t) => t.startsWith("disabling 'lp_a' completed"))).toBe(true);
    expect(texts.some((t) => t.startsWith("the cancelled enable of 'lp_a' completed"))).toBe(true);
  });
});
