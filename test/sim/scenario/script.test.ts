import { describe, it, expect } from 'vitest';
import { parseScenario } from '../../../src/sim/scenario/schema.ts';
import { parseScript, parseScriptLine, scriptContext, splitWords } from '../../../src/sim/scenario/script.ts';
import { ScenarioError } from '../../../src/sim/scenario/types.ts';
import type { Command } from '../../../src/sim/scenario/types.ts';

const scenario = parseScenario({
  format: 'klpscope/1',
  machine: { cpus: 4 },
  files: { '/proc/tgt': 'tgt_show' },
  tasks: [{ comm: 'reader', count: 3 }, { comm: 'my app' }],
  modules: [
    { name: 'target', params: { block: false }, functions: ['tgt_show'] },
    { name: 'lp', livepatch: { objects: [{ name: 'target', funcs: [{ old: 'tgt_show' }] }] } },
  ],
});
const ctx = scriptContext(scenario);

const command = (text: string): Command | undefined => parseScriptLine(text, 1, ctx)?.command;

function errorOf(text: string, lineNo = 3): ScenarioError {
  try {
    parseScriptLine(text, lineNo, ctx);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error(`expected '${text}' to be refused`);
}

describe('splitWords', () => {
  it('splits on whitespace', () => {
    expect(splitWords('  insmod\tfoo.ko   a=1 ')).toEqual(['insmod', 'foo.ko', 'a=1']);
  });

  it('honours single and double quotes', () => {
    expect(splitWords(`echo 'a  b' "c 'd'" e"f g"h`)).toEqual(['echo', 'a  b', "c 'd'", 'ef gh']);
    expect(splitWords(`echo "say \\"hi\\"" ''`)).toEqual(['echo', 'say "hi"', '']);
  });

  it('treats # as a comment outside quotes', () => {
    expect(splitWords('sleep 1 # one second')).toEqual(['sleep', '1']);
    expect(splitWords('# only a comment')).toEqual([]);
    expect(splitWords(`echo '# not a comment' "#"`)).toEqual(['echo', '# not a comment', '#']);
  });

  it('makes a glued > a word of its own', () => {
    expect(splitWords('echo 1 >/sys/x')).toEqual(['echo', '1', '>', '/sys/x']);
    expect(splitWords('echo 1>/sys/x')).toEqual(['echo', '1', '>', '/sys/x']);
  });

  it('refuses an unterminated quote', () => {
    expect(() => splitWords(`echo 'abc`)).toThrow(/unterminated quote/);
    expect(() => splitWords('echo "abc')).toThrow(/unterminated quote/);
  });
});

describe('scriptContext', () => {
  it('knows built-in and scenario modules, CPUs, comms, patches and files', () => {
    expect([...ctx.modules.keys()].sort()).toEqual(['lp', 'target', 'test_klp_livepatch']);
    expect(ctx.modules.get('lp')?.livepatch).toBe(true);
    expect(ctx.modules.get('target')?.livepatch).toBe(false);
    expect(ctx.cpus).toBe(4);
    for (const comm of ['sh', 'kworker/0:1', 'kworker/3:1', 'swapper/3', 'reader', 'my app']) expect(ctx.comms.has(comm)).toBe(true);
    expect(ctx.comms.has('kworker/4:1')).toBe(false);
    expect([...ctx.patches].sort()).toEqual(['lp', 'test_klp_livepatch']);
    expect([...ctx.files].sort()).toEqual(['/proc/cmdline', '/proc/meminfo', '/proc/tgt']);
  });
});

describe('parseScriptLine', () => {
  it('returns null for blank and comment-only lines', () => {
    expect(parseScriptLine('', 1, ctx)).toBeNull();
    expect(parseScriptLine('   # nothing', 2, ctx)).toBeNull();
  });

  it('parses insmod and rmmod', () => {
    expect(parseScriptLine('  insmod /lib/modules/target.ko block=1 name="a b" ', 4, ctx)).toEqual({
      lineNo: 4,
      text: 'insmod /lib/modules/target.ko block=1 name="a b"',
      command: { kind: 'insmod', path: '/lib/modules/target.ko', module: 'target', params: { block: '1', name: 'a b' } },
    });
    expect(command('insmod test_klp_livepatch.ko')).toEqual({ kind: 'insmod', path: 'test_klp_livepatch.ko', module: 'test_klp_livepatch', params: {} });
    expect(command('rmmod lp')).toEqual({ kind: 'rmmod', module: 'lp' });
  });

  it('parses sysfs writes and kmsg', () => {
    expect(command('echo 0 > /sys/kernel/livepatch/lp/enabled')).toEqual({ kind: 'echo', value: '0', path: '/sys/kernel/livepatch/lp/enabled' });
    expect(command('echo 1 >/sys/kernel/livepatch/lp/force')).toEqual({ kind: 'echo', value: '1', path: '/sys/kernel/livepatch/lp/force' });
    expect(command('echo 1 > /sys/kernel/livepatch/lp/signal')?.kind).toBe('echo');
    expect(command('echo Y > /sys/module/target/parameters/block')).toEqual({ kind: 'echo', value: 'Y', path: '/sys/module/target/parameters/block' });
    expect(command('echo 0 > /sys/devices/system/cpu/cpu3/online')?.kind).toBe('echo');
    expect(command('echo "hello   there"  world > /dev/kmsg')).toEqual({ kind: 'kmsg', text: 'hello   there world' });
  });

  it('parses reads, with and without > /dev/kmsg', () => {
    expect(command('cat /proc/tgt')).toEqual({ kind: 'cat', path: '/proc/tgt', toKmsg: false });
    expect(command('cat /sys/kernel/livepatch/lp/transition > /dev/kmsg')).toEqual({ kind: 'cat', path: '/sys/kernel/livepatch/lp/transition', toKmsg: true });
    expect(command('cat /proc/12/patch_state')?.kind).toBe('cat');
    expect(command('cat /sys/devices/system/cpu/cpu0/online')?.kind).toBe('cat');
    expect(command("grep 'Mem' /proc/meminfo >/dev/kmsg")).toEqual({ kind: 'grep', pattern: 'Mem', path: '/proc/meminfo', toKmsg: true });
  });

  it('parses task commands, sleep and wait', () => {
    expect(command('wake reader')).toEqual({ kind: 'wake', task: 'reader' });
    expect(command("kill 'my app'")).toEqual({ kind: 'kill', task: 'my app' });
    expect(command('fork 17')).toEqual({ kind: 'fork', task: '17' });
    expect(command('kill kworker/2:1')?.kind).toBe('kill');
    expect(command('sleep 0.5')).toEqual({ kind: 'sleep', seconds: 0.5 });
    expect(command('sleep 2')).toEqual({ kind: 'sleep', seconds: 2 });
    expect(command('wait lp')).toEqual({ kind: 'wait', patch: 'lp', until: 0 });
    expect(command('wait lp transition')).toEqual({ kind: 'wait', patch: 'lp', until: 1 });
  });

  it('names the line of every error, or action for line 0', () => {
    expect(errorOf('foo bar', 4).message).toBe(
      "script line 4: unknown command 'foo' (expected insmod, rmmod, echo, cat, grep, wake, kill, fork, sleep, wait or check)",
    );
    expect(errorOf('frob', 0).message).toMatch(/^action: unknown command 'frob'/);
    expect(errorOf('frob', 0).where).toBe('action');
  });

  it('refuses unknown modules', () => {
    expect(errorOf('insmod foo.ko').message).toBe("script line 3: unknown module 'foo' (known: lp, target, test_klp_livepatch)");
    expect(errorOf('rmmod foo').message).toMatch(/^script line 3: unknown module 'foo'/);
    expect(errorOf('echo 1 > /sys/module/foo/parameters/x').message).toMatch(/^script line 3: unknown module 'foo'/);
    expect(errorOf('echo 1 > /sys/module/target/parameters/nope').message).toMatch(/has no parameter 'nope'/);
    expect(errorOf('insmod target.ko =1').message).toBe("script line 3: expected PARAM=VALUE, got '=1'");
  });

  it('refuses unknown patches in echo, cat and wait', () => {
    expect(errorOf('echo 1 > /sys/kernel/livepatch/nope/enabled').message).toBe(
      "script line 3: unknown patch 'nope' (livepatch modules: lp, test_klp_livepatch)",
    );
    expect(errorOf('wait nope').message).toMatch(/^script line 3: unknown patch 'nope'/);
    expect(errorOf('wait target transition').message).toMatch(/^script line 3: 'target' is not a livepatch module/);
    expect(errorOf('cat /sys/kernel/livepatch/nope/transition').message).toMatch(/^script line 3: unknown patch 'nope'/);
    expect(errorOf('wait lp until').message).toMatch(/^script line 3: expected 'wait PATCH \[transition\]'/);
  });

  it('refuses unknown tasks', () => {
    expect(errorOf('wake nobody').message).toMatch(/^script line 3: unknown task 'nobody' \(expected a pid or a comm: .*reader/);
    expect(errorOf('kill -1').message).toMatch(/unknown task '-1'/);
  });

  it('refuses unknown CPUs', () => {
    expect(errorOf('echo 0 > /sys/devices/system/cpu/cpu7/online', 5).message).toBe('script line 5: cpu7 does not exist (the machine has 4 CPUs)');
    expect(errorOf('cat /sys/devices/system/cpu/cpu4/online').message).toMatch(/cpu4 does not exist/);
  });

  it('refuses unknown or unwritable paths', () => {
    expect(errorOf('cat /etc/passwd').message).toMatch(/^script line 3: cannot read '\/etc\/passwd' \(expected /);
    expect(errorOf('echo 1 > /sys/kernel/livepatch/lp/transition').message).toMatch(/^script line 3: cannot write /);
    expect(errorOf('cat /proc/self/patch_state').message).toMatch(/cannot read/);
    expect(errorOf('cat /proc/tgt > /tmp/out').message).toMatch(/can only be redirected to \/dev\/kmsg/);
  });

  it('refuses malformed lines', () => {
    expect(errorOf(`echo 'abc`).message).toMatch(/^script line 3: unterminated quote/);
    expect(errorOf('echo 1').message).toMatch(/^script line 3: expected 'echo VALUE > PATH'/);
    expect(errorOf('echo 1 > a b').message).toMatch(/expected one path after '>'/);
    expect(errorOf('rmmod').message).toBe("script line 3: expected 'rmmod NAME', got 0 arguments");
    expect(errorOf('sleep soon').message).toMatch(/expected a number of seconds from 0 to 3600, or a window MIN..MAX, got 'soon'/);
    expect(errorOf('sleep -1').message).toMatch(/expected a number of seconds from 0 to 3600/);
    expect(errorOf('sleep 1 > /dev/kmsg').message).toMatch(/^script line 3: sleep does not write output/);
  });
});

describe('parseScript', () => {
  it('numbers lines from 1, counting blank and comment lines', () => {
    const s = { ...scenario, script: ['# setup', 'insmod target.ko', '', 'insmod lp.ko', 'wait lp'] };
    expect(parseScript(s).map((l) => [l.lineNo, l.command.kind])).toEqual([[2, 'insmod'], [4, 'insmod'], [5, 'wait']]);
  });

  it('reports the failing line', () => {
    const s = { ...scenario, script: ['', 'sleep 1', 'wait ghost'] };
    expect(() => parseScript(s)).toThrow(/^script line 3: unknown patch 'ghost'/);
  });
});
