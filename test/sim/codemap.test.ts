// The kernel code panel's mapping: every event kind points at a function and
// a line of its listing in every kernel variant (a new kind without a line
// fails here), the refinements by typed arguments land on lines that exist,
// and every event of every demo resolves to a line of its own kernel.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/sim/engine.ts';
import { EVENT_FN } from '../../src/sim/events.ts';
import type { EventKind } from '../../src/sim/events.ts';
import { PRESETS } from '../../src/sim/scenario/presets.ts';
import { SELFTEST_CASES, selftestScenario } from '../../src/sim/scenario/selftests/cases.ts';
import { CODE_BY_VARIANT, CODE_MAP, codeRefOf } from '../../src/sim/trace/codemap.ts';
import type { CodeRef } from '../../src/sim/trace/codemap.ts';
import { CODE_FUNCTIONS, CODE_KERNELS, codeFunction, linesOf, sourceLink } from '../../src/sim/trace/listings.ts';
import type { CodeFnId, CodeKernel } from '../../src/sim/trace/listings.ts';

const KINDS = Object.keys(EVENT_FN) as EventKind[];

/** Why a ref has no line in a kernel's listing, or undefined. */
function missing(ref: CodeRef | undefined, kernel: CodeKernel): string | undefined {
  if (ref === undefined) return 'no entry';
  if (!(ref.fn in CODE_FUNCTIONS)) return `no function ${ref.fn}`;
  const lines = linesOf(codeFunction(ref.fn), kernel);
  return lines.some((l) => l.id === ref.line) ? undefined : `${ref.fn} has no line '${ref.line}' in ${kernel}`;
}

describe('the code map', () => {
  it('maps every event kind to a function and a line in each kernel variant', () => {
    const problems: string[] = [];
    for (const kind of KINDS) {
      for (const v of CODE_KERNELS) {
        const why = missing(CODE_BY_VARIANT[kind]?.[v] ?? (CODE_MAP as Partial<Record<string, CodeRef>>)[kind], v);
        if (why !== undefined) problems.push(`${kind} (${v}): ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('fails for an event kind it does not know', () => {
    const withNew = [...KINDS, 'klp-new-kind'];
    const unmapped = withNew.filter((k) => (CODE_MAP as Partial<Record<string, CodeRef>>)[k] === undefined);
    expect(unmapped).toEqual(['klp-new-kind']);
  });

  it('refines by typed arguments onto lines that exist', () => {
    const stalls = ['running', 'unreliable', 'sleeping', 'no-unwinder'] as const;
    for (const why of stalls) {
      const ref = codeRefOf('switch-stalled', { why, target: 1, cpu: 0, fn: 'f' }, 'v4.12');
      expect(missing(ref, 'v4.12')).toBeUndefined();
    }
    expect(codeRefOf('switch-stalled', { why: 'sleeping', target: 1, cpu: 0, fn: 'f' }, 'mainline')).toEqual({ fn: 'klp_check_stack', line: 'frame' });
    expect(codeRefOf('try-complete-retry', { stalled: 1, retryAt: 1, signalled: true, firstSignals: true }, 'mainline')).toEqual({ fn: 'klp_send_signals', line: 'fake' });
    const done = (line: string, outcome: Parameters<typeof codeRefOf<'command-done'>>[1]['outcome']) => codeRefOf('command-done', { line, events: false, outcome }, 'v4.12');
    expect(done('cat /proc/cmdline', { kind: 'read-through', path: '/proc/cmdline', fn: 'cmdline_proc_show', version: 'lp' })).toEqual({ fn: 'klp_ftrace_handler', line: 'redirect' });
    expect(done('fork worker', { kind: 'tasks', who: 'worker', what: 'fork', n: 1, ignored: false })).toEqual({ fn: 'klp_copy_process', line: 'state' });
    expect(done('echo 0 > /sys/kernel/livepatch/lp/enabled', { kind: 'ran' })).toEqual({ fn: 'enabled_store', line: 'disable' });
    // Written the ways the script language allows: quoted, glued redirection.
    expect(done("echo '1' >/sys/kernel/livepatch/lp/enabled", { kind: 'ran' })).toEqual({ fn: 'enabled_store', line: 'enable' });
    expect(done('echo 1 > /sys/kernel/livepatch/lp/force', { kind: 'ran' })).toEqual({ fn: 'klp_force_transition', line: 'entry' });
    // Not a write to a patch's attribute: no refinement.
    expect(done('echo 1 > /dev/kmsg', { kind: 'ran' })).toEqual(codeRefOf('command-done', { line: 'x', events: false, outcome: { kind: 'ran' } }, 'v4.12'));
    expect(done('echo 2 > /sys/kernel/livepatch/lp/enabled', { kind: 'ran' })).not.toEqual({ fn: 'enabled_store', line: 'enable' });
    expect(codeRefOf('complete', { patch: 'lp', target: 1, immediate: true }, 'rfc-v2')).toEqual({ fn: 'klp_complete_transition', line: 'no-reset' });
    expect(codeRefOf('try-complete-done', { patch: 'lp', target: 0, form: 'rfc-v2' }, 'rfc-v2')).toEqual({ fn: 'klp_try_complete_transition', line: 'rfc-unpatch' });
  });

  it('resolves every event of every demo to a line of its own kernel', () => {
    for (const p of PRESETS) {
      const engine = Engine.load(p.scenario);
      engine.run({ until: () => engine.settled || engine.overtime, maxSteps: 20_000 });
      const v = p.kernel;
      const bad = engine.trace.map((e) => missing(codeRefOf(e.kind, e.args as never, v), v)).filter((x) => x !== undefined);
      expect({ preset: p.id, bad: [...new Set(bad)] }).toEqual({ preset: p.id, bad: [] });
    }
  });

  it('resolves every event of the kernel selftests (callbacks, atomic replace) to a line', () => {
    for (const c of SELFTEST_CASES) {
      const engine = Engine.load(selftestScenario(c));
      engine.run({ until: () => engine.settled || engine.overtime, maxSteps: 20_000 });
      const v = engine.scenario.kernel;
      const bad = engine.trace.map((e) => missing(codeRefOf(e.kind, e.args as never, v), v)).filter((x) => x !== undefined);
      expect({ selftest: c.id, bad: [...new Set(bad)] }).toEqual({ selftest: c.id, bad: [] });
    }
  });

  it('has unique line ids, marks the rfc-v2 bug only on rfc-v2 lines, and links each kernel function', () => {
    for (const id of Object.keys(CODE_FUNCTIONS) as CodeFnId[]) {
      const f = codeFunction(id);
      const ids = f.lines.flatMap((l) => (l.id === undefined ? [] : [l.id]));
      expect(new Set(ids).size).toBe(ids.length);
      for (const l of f.lines) if (l.bug !== undefined && l.only !== undefined) expect(l.only).toContain('rfc-v2');
      for (const v of CODE_KERNELS) {
        const link = sourceLink(f, v);
        if (f.file === null) expect(link).toBeNull();
        else expect(link).toMatch(v === 'rfc-v2' ? /^https:\/\/lore\.kernel\.org\// : new RegExp(`^https://elixir\\.bootlin\\.com/linux/v[0-9.]+/A/ident/${f.name}$`));
      }
    }
    // The lines that carry the seed's bug: where the target is set late, where it is never reset, and where the stale value unpatches.
    const bugs = (Object.keys(CODE_FUNCTIONS) as CodeFnId[]).flatMap((id) => codeFunction(id).lines.filter((l) => l.bug !== undefined).map((l) => `${id}:${l.id ?? ''}`));
    expect(bugs).toEqual(expect.arrayContaining(['klp_init_transition:set-target-late', 'klp_complete_transition:no-reset', 'klp_try_complete_transition:rfc-unpatch']));
  });
});
