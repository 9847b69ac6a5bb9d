// The link codec (src/app/url.ts): round trips, every refusal with its
// message, the size of a typical link, lz-string parity of the bounded
// decompressor, and properties over random scenarios and action logs,
// including that a decoded link replays to the same trace in the engine.
import fc from 'fast-check';
import { compressToEncodedURIComponent as lz, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, ID_PATTERN, inflate, MAX_LINK_CHARS } from '../../src/app/url.ts';
import type { LinkResult, LinkState } from '../../src/app/url.ts';
import { Engine } from '../../src/sim/engine.ts';
import { lzBomb } from './lzBomb.ts';
import type { Action } from '../../src/sim/engine.ts';
import { parseScenario } from '../../src/sim/scenario/schema.ts';

// ---------------------------------------------------------------- fixtures

const LP = 'test_klp_livepatch';

/** A realistic document: the shape of the app's first preset. */
const DOC = {
  format: 'klpscope/1',
  name: 'Your first livepatch',
  description: 'Four CPUs, a handful of shells and daemons, and one patch that replaces cmdline_proc_show.',
  kernel: 'mainline',
  seed: 7,
  machine: { cpus: 4 },
  tasks: [
    { comm: 'bash', count: 6, syscalls: ['getpid', 'read_cmdline', 'nanosleep'], userMs: [2, 30] },
    { comm: 'sshd', count: 2, syscalls: ['epoll_wait', 'read_pipe'] },
    { comm: 'kauditd', kind: 'kthread', loop: ['kthread', 'worker_thread'], sleepMs: [50, 400] },
    { comm: 'slowcat', syscalls: ['read_cmdline'], blockedIn: 'cmdline_proc_show' },
  ],
  script: [`insmod ${LP}.ko`, 'sleep 3.5', 'wake slowcat', `wait ${LP}`, 'cat /proc/cmdline'],
};

/** Commands a user types in the app, as they would appear in a log. */
const COMMANDS = [
  `echo 0 > /sys/kernel/livepatch/${LP}/enabled`,
  `echo 1 > /sys/kernel/livepatch/${LP}/enabled`,
  `cat /sys/kernel/livepatch/${LP}/transition`,
  `cat /sys/kernel/livepatch/${LP}/enabled`,
  'wake slowcat',
  `rmmod ${LP}`,
  `insmod ${LP}.ko`,
  'echo 0 > /sys/devices/system/cpu/cpu2/online',
  'echo 1 > /sys/devices/system/cpu/cpu2/online',
  'cat /proc/cmdline',
  'grep BOOT /proc/cmdline > /dev/kmsg',
  'echo "checking the transition" > /dev/kmsg',
  'kill sshd',
  'fork bash',
];

/** Twenty actions as a session of clicking around might leave them. */
const TWENTY: Action[] = Array.from({ length: 20 }, (_, i) => ({ step: 1_000 + i * 2_357 + (i % 3) * 17, text: COMMANDS[(i * 5) % COMMANDS.length]! }));

function ok(r: LinkResult): LinkState {
  if (!r.ok) throw new Error(`expected the link to decode, got: ${r.error}`);
  return r.state;
}
function refused(r: LinkResult): string {
  if (r.ok) throw new Error(`expected the link to be refused, got ${JSON.stringify(r.state).slice(0, 200)}`);
  expect(r.error.length).toBeGreaterThan(0);
  expect(r.error.length).toBeLessThan(300);
  return r.error;
}
const roundTrip = (s: LinkState): LinkState => ok(decodeLink(encodeLink(s)));

/** 32-bit FNV-1a. */
function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** lz-string's own decompressor, which may throw on garbage (then: an Error, never equal to a text). */
function lzDecompress(text: string): string | null | Error {
  try {
    return decompressFromEncodedURIComponent(text);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

// ---------------------------------------------------------------- round trips

describe('encodeLink / decodeLink round trips', () => {
  it('writes a preset link in the documented form', () => {
    const s: LinkState = { version: 1, scenario: { preset: 'first-livepatch' }, actions: [], step: 123 };
    expect(encodeLink(s)).toBe('v=1&s=123&p=first-livepatch');
    expect(roundTrip(s)).toStrictEqual(s);
  });

  it('round-trips a preset with actions, tour, embed and panels', () => {
    const s: LinkState = {
      version: 1,
      scenario: { preset: 'first-livepatch' },
      actions: TWENTY,
      step: 51_234,
      tour: 3,
      embed: true,
      panels: ['tasks', 'cpus', 'log'],
    };
    const hash = encodeLink(s);
    expect(hash).toMatch(/^v=1&s=51234&t=3&e=1&l=tasks,cpus,log&k=[0-9a-z]{1,7}&p=first-livepatch&a=[A-Za-z0-9+$-]+$/);
    expect(roundTrip(s)).toStrictEqual(s);
  });

  it('round-trips a whole document with actions', () => {
    const s: LinkState = { version: 1, scenario: { doc: DOC }, actions: TWENTY.slice(0, 5), step: 9_000 };
    const hash = encodeLink(s);
    expect(hash).toMatch(/^v=1&s=9000&k=[0-9a-z]{1,7}&z=[A-Za-z0-9+$-]+&a=[A-Za-z0-9+$-]+$/);
    const back = roundTrip(s);
    expect(back).toStrictEqual(s);
  });

  it('keeps false, zero and empty settings apart from absent ones', () => {
    const s: LinkState = { version: 1, scenario: { preset: 'p' }, actions: [], step: 0, tour: 0, embed: false, panels: [] };
    expect(encodeLink(s)).toBe('v=1&s=0&t=0&e=0&l=&p=p');
    expect(roundTrip(s)).toStrictEqual(s);
    const bare = roundTrip({ version: 1, scenario: { preset: 'p' }, actions: [], step: 0 });
    expect(Object.keys(bare).sort()).toEqual(['actions', 'scenario', 'step', 'version']);
  });

  it('round-trips unicode, quotes, lone surrogates and markup in commands and documents', () => {
    const texts = ['echo "héllo ✓ 😀" > /dev/kmsg', "echo 'it''s' > /dev/kmsg", 'x\ud800y', '<img src=x onerror=alert(1)>', '', '&v=2&s=-1#%zz'];
    const s: LinkState = {
      version: 1,
      scenario: { doc: { ...DOC, name: '<script>alert(1)</script> 🐧', description: '\u202e\u0000\n' } },
      actions: texts.map((text, i) => ({ step: i, text })),
      step: 5,
    };
    expect(roundTrip(s)).toStrictEqual(s);
  });

  it('round-trips actions taken at the same step, and future actions beyond the step shown', () => {
    const s: LinkState = { version: 1, scenario: { preset: 'p' }, actions: [{ step: 10, text: 'a' }, { step: 10, text: 'b' }, { step: 900, text: 'c' }], step: 20 };
    expect(roundTrip(s)).toStrictEqual(s);
  });

  it('round-trips the largest step there is', () => {
    const s: LinkState = { version: 1, scenario: { preset: 'p' }, actions: [{ step: Number.MAX_SAFE_INTEGER, text: 'x' }], step: Number.MAX_SAFE_INTEGER };
    expect(roundTrip(s)).toStrictEqual(s);
  });

  it('keeps a preset link with 20 realistic actions under 2,000 characters', () => {
    const hash = encodeLink({ version: 1, scenario: { preset: 'first-livepatch' }, actions: TWENTY, step: 48_213, tour: 5, embed: false, panels: ['tasks', 'cpus', 'funcs', 'timeline', 'log'] });
    expect(hash.length).toBeLessThan(2_000);
    // Twenty distinct, long commands at scattered steps: still under the bound.
    const distinct = Array.from({ length: 20 }, (_, i) => ({ step: i * 7_919 + (i * i) % 97, text: `echo ${i % 2} > /sys/kernel/livepatch/${LP}_${i}/enabled` }));
    expect(encodeLink({ version: 1, scenario: { preset: 'first-livepatch' }, actions: distinct, step: 200_000 }).length).toBeLessThan(2_000);
  });

  it('refuses to encode what it could not decode back', () => {
    const base: LinkState = { version: 1, scenario: { preset: 'p' }, actions: [], step: 0 };
    expect(() => encodeLink({ ...base, step: -1 })).toThrow(RangeError);
    expect(() => encodeLink({ ...base, step: 1.5 })).toThrow(/step 1.5/);
    expect(() => encodeLink({ ...base, tour: NaN })).toThrow(/tour/);
    expect(() => encodeLink({ ...base, scenario: { preset: 'a b' } })).toThrow(/preset/);
    expect(() => encodeLink({ ...base, panels: ['ok', 'no,comma'] })).toThrow(/panel/);
    expect(() => encodeLink({ ...base, actions: [{ step: 5, text: 'a' }, { step: 4, text: 'b' }] })).toThrow(/step order/);
  });
});

// ---------------------------------------------------------------- lenient decoding

describe('decodeLink is lenient where that is harmless', () => {
  const hash = encodeLink({ version: 1, scenario: { preset: 'first-livepatch' }, actions: TWENTY.slice(0, 3), step: 77 });
  const expected = ok(decodeLink(hash));

  it('accepts a leading #, a whole URL and surrounding spaces', () => {
    expect(ok(decodeLink(`#${hash}`))).toStrictEqual(expected);
    expect(ok(decodeLink(`https://example.org/klpscope/?x=1#${hash}`))).toStrictEqual(expected);
    expect(ok(decodeLink(`  ${hash}\n`))).toStrictEqual(expected);
  });

  it('ignores unknown fields and empty ones, and reads fields in any order', () => {
    expect(ok(decodeLink(`${hash}&utm_source=x&&__proto__=1&constructor&zz=%`))).toStrictEqual(expected);
    expect(ok(decodeLink(hash.split('&').reverse().join('&')))).toStrictEqual(expected);
  });

  it('reads links written by hand, without a check value', () => {
    expect(ok(decodeLink(`v=1&s=12&z=${lz(JSON.stringify(DOC))}&a=${lz('[[3,"wake slowcat"]]')}`))).toStrictEqual({
      version: 1,
      scenario: { doc: DOC },
      actions: [{ step: 3, text: 'wake slowcat' }],
      step: 12,
    });
  });

  it('lets the step be edited by hand (the check value does not cover it)', () => {
    expect(ok(decodeLink(hash.replace('s=77', 's=5000')))).toStrictEqual({ ...expected, step: 5000 });
  });

  it('reads a missing step as 0, a bare e as embedded, and leading zeros', () => {
    expect(ok(decodeLink('v=1&p=first-livepatch'))).toStrictEqual({ version: 1, scenario: { preset: 'first-livepatch' }, actions: [], step: 0 });
    expect(ok(decodeLink('v=1&p=x&e')).embed).toBe(true);
    expect(ok(decodeLink('v=001&s=007&p=x')).step).toBe(7);
  });

  it('reads %-escaped and form-encoded compressed data', () => {
    const z = encodeLink({ version: 1, scenario: { doc: DOC }, actions: TWENTY, step: 1 });
    const escaped = z.replace(/\$/g, '%24').replace(/\+/g, '%2B');
    expect(ok(decodeLink(escaped))).toStrictEqual(ok(decodeLink(z)));
    // A form decoder turned each + into a space: lz-string reads spaces as +.
    expect(ok(decodeLink(z.replace(/\+/g, ' ')))).toStrictEqual(ok(decodeLink(z)));
    const escapedIds = ok(decodeLink('v=1&p=first%2Dlivepatch&l=tasks,c%70us'));
    expect(escapedIds.scenario).toEqual({ preset: 'first-livepatch' });
    expect(escapedIds.panels).toEqual(['tasks', 'cpus']);
  });
});

// ---------------------------------------------------------------- refusals

describe('decodeLink refuses, saying what was wrong', () => {
  const docLink = encodeLink({ version: 1, scenario: { doc: DOC }, actions: TWENTY, step: 100 });
  const z = /&z=([^&]*)/.exec(docLink)![1]!;
  const a = /&a=([^&]*)/.exec(docLink)![1]!;

  it('damaged compressed data: truncated, altered, or not the alphabet', () => {
    expect(refused(decodeLink(`v=1&z=${z.slice(0, z.length - 7)}`))).toBe('the scenario in this link is damaged (it could not be decompressed)');
    expect(refused(decodeLink(`v=1&z=${z.slice(0, 40)}`))).toBe('the scenario in this link is damaged (it could not be decompressed)');
    expect(refused(decodeLink(`v=1&z=${z.slice(0, 20)}!!!${z.slice(23)}`))).toBe('the scenario in this link is damaged (it could not be decompressed)');
    expect(refused(decodeLink(`v=1&p=x&a=${a.slice(0, a.length >> 1)}`))).toBe('the actions in this link are damaged (they could not be decompressed)');
    expect(refused(decodeLink('v=1&z='))).toBe('the scenario in this link is damaged (it is empty)');
    expect(refused(decodeLink('v=1&p=x&a'))).toBe('the actions in this link are damaged (they are empty)');
  });

  it('a check value that does not match: damage, a cut, another preset under the same actions', () => {
    const preset = encodeLink({ version: 1, scenario: { preset: 'first-livepatch' }, actions: TWENTY, step: 100 });
    const mismatch = 'this link is damaged or cut short (its scenario and actions do not match its check value k=)';
    // One character changed inside the compressed actions: lz-string alone would read different actions.
    const i = preset.indexOf('&a=') + 40;
    const damaged = preset.slice(0, i) + (preset[i] === 'Q' ? 'R' : 'Q') + preset.slice(i + 1);
    const lenient = damaged.replace(/&k=[^&]*/, '');
    expect(ok(decodeLink(lenient)).actions).not.toEqual(TWENTY);
    expect(refused(decodeLink(damaged))).toMatch(/^the actions in this link are damaged|^this link is damaged or cut short/);
    expect(refused(decodeLink(preset.replace('p=first-livepatch', 'p=stalled-transition')))).toBe(mismatch);
    expect(refused(decodeLink(preset.slice(0, preset.indexOf('&a='))))).toBe(mismatch);
    expect(refused(decodeLink(preset.slice(0, preset.indexOf('&a=') + 1)))).toBe(mismatch);
    expect(refused(decodeLink(docLink.replace(/&a=[^&]*/, '')))).toBe(mismatch);
    expect(refused(decodeLink(docLink.replace(/&k=([^&]*)/, '&k=$1x')))).toBe(mismatch);
    expect(refused(decodeLink(docLink.replace(/&k=[^&]*/, '&k=!')))).toBe('this link is damaged (its check value k= is malformed)');
    expect(refused(decodeLink(docLink.replace(/&k=[^&]*/, '&k')))).toBe('this link is damaged (its check value k= is malformed)');
  });

  it('compressed text that is not JSON', () => {
    expect(refused(decodeLink(`v=1&z=${lz('{"format": "klpscope/1", ')}`))).toMatch(/^the scenario in this link is not valid JSON/);
    expect(refused(decodeLink(`v=1&p=x&a=${lz('[[1, "echo"]')}`))).toMatch(/^the actions in this link are not valid JSON/);
  });

  it('an unknown, missing or malformed version', () => {
    expect(refused(decodeLink('v=7&p=first-livepatch'))).toBe('this link is from klpscope link version 7; this klpscope reads version 1');
    expect(refused(decodeLink('v=0&p=x'))).toBe('this link is from klpscope link version 0; this klpscope reads version 1');
    expect(refused(decodeLink(`v=${'9'.repeat(500)}&p=x`))).toBe(`this link is from klpscope link version ${'9'.repeat(20)}…; this klpscope reads version 1`);
    expect(refused(decodeLink('p=first-livepatch&s=3'))).toBe('this link has no version (a klpscope link starts with v=1)');
    expect(refused(decodeLink('v=1.0&p=x'))).toBe('this link\'s version is not a number: "1.0" (this klpscope reads version 1)');
    expect(refused(decodeLink('v&p=x'))).toMatch(/version is not a number: it is empty/);
    expect(refused(decodeLink('v=-1&p=x'))).toMatch(/version is not a number: "-1"/);
  });

  it('the version is checked before anything else', () => {
    expect(refused(decodeLink('v=2&z=garbage&s=-4'))).toBe('this link is from klpscope link version 2; this klpscope reads version 1');
  });

  it('a step or tour stop that is not a non-negative integer', () => {
    for (const bad of ['-1', '1.5', 'abc', '1e3', ' 4', '0x10', '']) {
      expect(refused(decodeLink(`v=1&p=x&s=${encodeURIComponent(bad)}`))).toBe(`the step in this link is not a non-negative integer: ${JSON.stringify(bad)}`);
    }
    expect(refused(decodeLink('v=1&p=x&s'))).toBe('the step in this link is not a non-negative integer: it is empty');
    expect(refused(decodeLink('v=1&p=x&s=99999999999999999999'))).toBe('the step in this link is too large: "99999999999999999999" (the most is 9007199254740991)');
    expect(refused(decodeLink('v=1&p=x&t=-2'))).toBe('the tour stop in this link is not a non-negative integer: "-2"');
  });

  it('malformed actions', () => {
    const cases: [unknown, RegExp][] = [
      [{ 0: [1, 'x'] }, /malformed \(expected a list of \[step, command\] pairs\)/],
      ['echo', /malformed \(expected a list/],
      [[[1, 'x'], 'y'], /action 2 is not a \[step, command\] pair/],
      [[[1, 'x', 3]], /action 1 is not a \[step, command\] pair/],
      [[{ step: 1, text: 'x' }], /action 1 is not a \[step, command\] pair/],
      [[[-1, 'x']], /action 1 has the step -1 \(expected an integer from 0 to 9007199254740991\)/],
      [[[0.5, 'x']], /action 1 has the step 0.5/],
      [[['3', 'x']], /action 1 has the step "3"/],
      [[[null, 'x']], /action 1 has the step null/],
      [[[1e300, 'x']], /action 1 has the step 1e\+300/],
      [[[1, 42]], /action 1 has 42 as its command \(expected text\)/],
      [[[1, ['rm']]], /action 1 has a list as its command/],
      [[[5, 'a'], [9, 'b'], [3, 'c']], /action 3 runs at step 3, before action 2 \(step 9\); actions must be in step order/],
    ];
    for (const [list, message] of cases) {
      expect(refused(decodeLink(`v=1&p=x&a=${lz(JSON.stringify(list))}`))).toMatch(message);
    }
  });

  it('compressed JSON nested beyond any scenario', () => {
    const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(refused(decodeLink(`v=1&z=${lz(deep(20_000))}`))).toBe('the scenario in this link is nested too deeply (over 64 levels of lists and objects)');
    expect(refused(decodeLink(`v=1&z=${lz(deep(65))}`))).toMatch(/nested too deeply/);
    expect(ok(decodeLink(`v=1&z=${lz(deep(64))}`)).scenario).toEqual({ doc: JSON.parse(deep(64)) as unknown });
  });

  it('a link over 100 kB', () => {
    expect(refused(decodeLink(`v=1&p=x&z=${'A'.repeat(200_000 - 10)}`))).toBe('this link is too large (200 kB; the limit is 100 kB)');
    expect(refused(decodeLink(`v=1&p=x&q=${'A'.repeat(MAX_LINK_CHARS)}`))).toBe('this link is too large (100.1 kB; the limit is 100 kB)');
    // Just under the limit, the link is read (and the junk field ignored).
    expect(ok(decodeLink(`v=1&p=x&q=${'A'.repeat(MAX_LINK_CHARS - 12)}`)).scenario).toEqual({ preset: 'x' });
  });

  it('compressed data that expands beyond reason (a decompression bomb)', () => {
    const bomb = lzBomb(3_000); // about 6 kB of link, 4.5 million characters once expanded
    expect(bomb.length).toBeLessThan(8_000);
    expect(refused(decodeLink(`v=1&z=${bomb}`))).toBe('the scenario in this link is too large once decompressed (over 1000 kB)');
    expect(refused(decodeLink(`v=1&p=x&a=${bomb}`))).toBe('the actions in this link are too large once decompressed (over 1000 kB)');
  });

  it('both or neither of a preset and a scenario', () => {
    expect(refused(decodeLink(`v=1&p=first-livepatch&z=${z}`))).toBe('this link names both a preset (p=) and a whole scenario (z=); it should have one of them');
    expect(refused(decodeLink('v=1&s=5'))).toBe('this link has no scenario (expected a preset p=… or a whole scenario z=…)');
  });

  it('a field given twice, a broken %-escape, an empty link', () => {
    expect(refused(decodeLink('v=1&p=a&s=1&s=2'))).toBe('this link has the field s= twice');
    expect(refused(decodeLink('v=1&p=first%E0%A4livepatch'))).toBe('the preset in this link has a broken %-escape');
    expect(refused(decodeLink('v=1&p=x&a=%'))).toBe('the actions in this link have a broken %-escape');
    expect(refused(decodeLink('v=1&p=x&s=%ED%A0%80'))).toBe('the step in this link has a broken %-escape');
    expect(refused(decodeLink(''))).toBe('this link is empty (a klpscope link starts with v=1)');
    expect(refused(decodeLink('#'))).toBe('this link is empty (a klpscope link starts with v=1)');
  });

  it('ids, panels and settings that are not what the app writes, quoting at most 40 characters', () => {
    const xss = '<img src=x onerror=alert(1)>';
    expect(refused(decodeLink(`v=1&p=${encodeURIComponent(xss)}`))).toBe(
      `the preset in this link, "${xss}", is not a preset id (letters, digits, '.', '_' and '-', at most 64)`,
    );
    expect(refused(decodeLink('v=1&p='))).toBe('the preset in this link is empty');
    expect(refused(decodeLink(`v=1&p=${'a'.repeat(65)}`))).toBe(`the preset in this link, "${'a'.repeat(40)}…", is not a preset id (letters, digits, '.', '_' and '-', at most 64)`);
    expect(refused(decodeLink('v=1&p=x&l=tasks,,log'))).toBe('the panel list in this link names "", which is not a panel id');
    expect(refused(decodeLink('v=1&p=x&e=yes'))).toBe('the embed setting in this link is "yes" (expected e=1 or e=0)');
    // Control and bidi characters are shown escaped, never raw.
    expect(refused(decodeLink('v=1&p=x&e=%E2%80%AEab%0A"'))).toBe('the embed setting in this link is "\\u202eab\\u000a\\"" (expected e=1 or e=0)');
  });

  it('never throws on input that is not even a string', () => {
    expect(refused(decodeLink(undefined as unknown as string))).toBe('this link is not text');
    expect(refused(decodeLink(42 as unknown as string))).toBe('this link is not text');
  });
});

// ---------------------------------------------------------------- the bounded decompressor

describe('inflate (lz-string, bounded)', () => {
  it('reads what lz-string writes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3_000 }), (text) => {
        expect(inflate(lz(text))).toEqual({ text });
      }),
      { numRuns: 500 },
    );
  });

  it('answers text only where lz-string answers the same text', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'];
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 200 }), (data) => {
        const mine = inflate(data);
        if ('text' in mine) expect(lzDecompress(data)).toBe(mine.text);
      }),
      { numRuns: 2_000 },
    );
    // And on damaged versions of real data.
    const real = lz(JSON.stringify(DOC));
    fc.assert(
      fc.property(fc.nat(real.length - 1), fc.constantFrom(...alphabet), (i, c) => {
        const data = real.slice(0, i) + c + real.slice(i + 1);
        const mine = inflate(data);
        if ('text' in mine) expect(lzDecompress(data)).toBe(mine.text);
      }),
      { numRuns: 1_000 },
    );
  });

  it('expands a small bomb exactly as lz-string does, and stops a large one at the limit', () => {
    const small = lzBomb(50);
    const length = 1 + (50 * 53) / 2; // 'a', then 2, 3, ..., 51 characters
    expect(lzDecompress(small)).toBe('a'.repeat(length));
    expect(inflate(small)).toEqual({ text: 'a'.repeat(length) });
    expect(inflate(small, length - 1)).toEqual({ error: 'too large' });
    expect(inflate(lzBomb(20_000))).toEqual({ error: 'too large' });
  });

  it('refuses characters outside the alphabet, which lz-string reads as zeros', () => {
    const data = lz('[1,2,3]');
    expect(inflate(`${data.slice(0, 2)}*${data.slice(3)}`)).toEqual({ error: 'damaged' });
    expect(inflate(`${data.slice(0, 2)}é${data.slice(3)}`)).toEqual({ error: 'damaged' });
  });
});

// ---------------------------------------------------------------- properties

const SYSCALLS = ['getpid', 'read_cmdline', 'read_meminfo', 'read_pipe', 'read_tty', 'nanosleep', 'epoll_wait'];
const SCRIPT = [
  `insmod ${LP}.ko`,
  `echo 0 > /sys/kernel/livepatch/${LP}/enabled`,
  `echo 1 > /sys/kernel/livepatch/${LP}/enabled`,
  `cat /sys/kernel/livepatch/${LP}/transition`,
  `wait ${LP}`,
  `rmmod ${LP}`,
  'sleep 0.2',
  'cat /proc/cmdline',
  'echo hello > /dev/kmsg',
];

interface Doc {
  format: 'klpscope/1';
  name: string;
  kernel: string;
  seed: number;
  machine: { cpus: number };
  tasks: Record<string, unknown>[];
  script: string[];
}

/** A small valid klpscope/1 document: built-in syscalls, the built-in test_klp_livepatch module. */
const docArb: fc.Arbitrary<Doc> = fc
  .record({
    name: fc.string({ unit: 'binary', maxLength: 30 }),
    kernel: fc.constantFrom('mainline', 'v4.12', 'rfc-v2'),
    seed: fc.nat({ max: 0xffffffff }),
    cpus: fc.integer({ min: 1, max: 4 }),
    tasks: fc.array(
      fc.oneof(
        fc.record(
          {
            comm: fc.constantFrom('bash', 'sshd', 'cron', 'slowcat'),
            count: fc.integer({ min: 1, max: 4 }),
            syscalls: fc.subarray(SYSCALLS, { minLength: 1 }),
            userMs: fc.constantFrom([1, 20], [5, 80]),
            blockedIn: fc.constantFrom('cmdline_proc_show', 'do_nanosleep', 'pipe_read'),
          },
          { requiredKeys: ['comm', 'syscalls'] },
        ),
        fc.record({
          comm: fc.constantFrom('kauditd', 'kswapd0'),
          kind: fc.constant('kthread'),
          loop: fc.constantFrom(['kthread', 'worker_thread'], ['kthread', 'smpboot_thread_fn']),
          sleepMs: fc.constantFrom([10, 500], [50, 200], 'forever'),
        }),
      ),
      { maxLength: 3 },
    ),
    script: fc.array(fc.constantFrom(...SCRIPT), { maxLength: 5 }),
  })
  // Plain objects, as JSON.parse makes them (fast-check's records have no prototype).
  .map(({ name, kernel, seed, cpus, tasks, script }) => ({
    format: 'klpscope/1',
    name,
    kernel,
    seed,
    machine: { cpus },
    tasks: tasks.map((t) => ({ ...t })),
    script: [`insmod ${LP}.ko`, ...script],
  }));

/** Commands the engine accepts for this document. */
function commandsFor(doc: Doc): string[] {
  const out = [`echo 0 > /sys/kernel/livepatch/${LP}/enabled`, `echo 1 > /sys/kernel/livepatch/${LP}/enabled`, `insmod ${LP}.ko`, 'cat /proc/cmdline', `cat /sys/kernel/livepatch/${LP}/transition`];
  for (const t of doc.tasks) out.push(`wake ${String(t.comm)}`);
  if (doc.machine.cpus > 1) out.push(`echo 0 > /sys/devices/system/cpu/cpu${doc.machine.cpus - 1}/online`, `echo 1 > /sys/devices/system/cpu/cpu${doc.machine.cpus - 1}/online`);
  return out;
}

/** An action log in step order. */
const actionsArb = (text: fc.Arbitrary<string>, maxStep: number): fc.Arbitrary<Action[]> =>
  fc
    .array(fc.tuple(fc.nat(maxStep), text), { maxLength: 25 })
    .map((list) => list.map(([step, t]) => ({ step, text: t })).sort((x, y) => x.step - y.step));

const idArb = fc.stringMatching(ID_PATTERN);

const stateArb: fc.Arbitrary<LinkState> = fc.record(
  {
    version: fc.constant(1 as const),
    scenario: fc.oneof(idArb.map((preset) => ({ preset })), docArb.map((doc) => ({ doc }))),
    actions: actionsArb(fc.oneof(fc.constantFrom(...COMMANDS), fc.string({ unit: 'binary', maxLength: 80 })), 1_000_000),
    step: fc.maxSafeNat(),
    tour: fc.nat(20),
    embed: fc.boolean(),
    panels: fc.array(idArb, { maxLength: 6 }),
  },
  { requiredKeys: ['version', 'scenario', 'actions', 'step'] },
).map((s) => ({ ...s }));

/** Loads a scenario, takes the actions at their steps, and goes to `step`: what the app does with a link. */
function replay(doc: unknown, actions: readonly Action[], step: number) {
  const engine = Engine.load(doc);
  for (const a of actions) {
    engine.seek(a.step);
    engine.act(a.text);
  }
  engine.seek(step);
  let h = 0x811c9dc5;
  for (const e of engine.trace.slice(0, engine.step)) h = fnv1a(JSON.stringify(e), h);
  return { step: engine.step, actions: engine.actions.map((a) => ({ step: a.step, text: a.text })), hash: h };
}

describe('properties', () => {
  it('decodeLink(encodeLink(s)) is s, for random documents, presets and action logs (1,000 runs)', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const hash = encodeLink(s);
        const back = ok(decodeLink(hash));
        expect(back).toStrictEqual(s);
        // Encoding is a function of the state: the decoded state writes the same link.
        expect(encodeLink(back)).toBe(hash);
        const sc = back.scenario;
        if ('doc' in sc) expect(() => parseScenario(sc.doc)).not.toThrow();
      }),
      { numRuns: 1_000 },
    );
  });

  it('a decoded link replays to the same trace as the original (20 runs)', () => {
    const caseArb = docArb.chain((doc) =>
      fc.record({
        doc: fc.constant(doc),
        actions: actionsArb(fc.constantFrom(...commandsFor(doc)), 400).map((l) => l.slice(0, 6)),
        step: fc.nat(800),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ doc, actions, step }) => {
        const s: LinkState = { version: 1, scenario: { doc }, actions, step };
        const back = ok(decodeLink(encodeLink(s)));
        if (!('doc' in back.scenario)) throw new Error('expected a document');
        const original = replay(doc, actions, step);
        const decoded = replay(back.scenario.doc, back.actions, back.step);
        expect(original.actions).toEqual(actions); // every action was taken at its step
        expect(original.step).toBe(step);
        expect(decoded).toEqual(original);
      }),
      { numRuns: 20 },
    );
  });
});
