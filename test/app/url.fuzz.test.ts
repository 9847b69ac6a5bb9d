// 10,000 malformed and hostile hashes for decodeLink: truncations of valid
// links at every length, single-character damage, random bytes and unicode,
// wrong and huge versions, 200 kB payloads, %-escapes gone wrong, markup and
// prototype-pollution keys, garbage compressed data and decompression bombs.
// decodeLink must never throw; a refusal carries a short message that quotes
// little of the link; an acceptance is a state that encodes and decodes back
// to itself. Everything is drawn from fixed seeds: the run is reproducible.
import fc from 'fast-check';
import { compressToEncodedURIComponent as lz } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { lzBomb } from './lzBomb.ts';
import { decodeLink, encodeLink } from '../../src/app/url.ts';
import type { LinkState } from '../../src/app/url.ts';

const TOTAL = 10_000;
const LP = 'test_klp_livepatch';
const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'];
const XSS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.cookie)</script>',
  '"><svg/onload=alert(1)>',
  "javascript:alert('x')",
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '\u202egnp.exe',
  '\u0000\u0007\u001b[31m',
  '%3Cimg%20src%3Dx%3E',
  '&#60;script&#62;',
  '🐧'.repeat(50),
  'x'.repeat(5_000),
];
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__proto__[polluted]', 'constructor.prototype.polluted', 'hasOwnProperty', 'toString', 'valueOf'];

const sample = <T,>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] => (n <= 0 ? [] : fc.sample(arb, { seed, numRuns: n }));

const DOC = {
  format: 'klpscope/1',
  name: 'Your first livepatch',
  kernel: 'mainline',
  seed: 7,
  machine: { cpus: 4 },
  tasks: [
    { comm: 'bash', count: 6, syscalls: ['getpid', 'read_cmdline', 'nanosleep'], userMs: [2, 30] },
    { comm: 'slowcat', syscalls: ['read_cmdline'], blockedIn: 'cmdline_proc_show' },
  ],
  script: [`insmod ${LP}.ko`, 'sleep 3.5', 'wake slowcat', `wait ${LP}`],
};
const ACTIONS = Array.from({ length: 20 }, (_, i) => ({
  step: 500 + i * 1_009,
  text: [`echo 0 > /sys/kernel/livepatch/${LP}/enabled`, `echo 1 > /sys/kernel/livepatch/${LP}/enabled`, 'wake slowcat', 'cat /proc/cmdline'][i % 4]!,
}));
const VALID: LinkState[] = [
  { version: 1, scenario: { preset: 'first-livepatch' }, actions: ACTIONS, step: 31_337, tour: 2, embed: true, panels: ['tasks', 'cpus', 'log'] },
  { version: 1, scenario: { doc: DOC }, actions: ACTIONS.slice(0, 5), step: 4_242 },
  { version: 1, scenario: { doc: { ...DOC, name: XSS[0], description: XSS[6] } }, actions: XSS.slice(0, 8).map((text, i) => ({ step: i * 10, text })), step: 70 },
];
const LINKS = VALID.map(encodeLink);

interface Case {
  readonly kind: string;
  readonly hash: string;
  /** The link must be refused. */
  readonly refuse?: boolean;
  /** The link must be refused, or read as this state (damage that changes nothing, such as a + read as a space). */
  readonly refuseOr?: LinkState;
  /** The link must be read, and give this state. */
  readonly expect?: LinkState;
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  const add = (kind: string, hash: string, extra: Partial<Case> = {}): void => {
    cases.push({ kind, hash, ...extra });
  };

  // Truncations of valid links at every length. Each link has compressed data, hence a check
  // value, and the fields it covers come last: every cut is refused, but for one that only drops
  // lz-string's padding (a last character of zero bits), which reads as the very same state.
  for (const [i, link] of LINKS.entries()) for (let n = 0; n < link.length; n++) add('truncation', link.slice(0, n), { refuseOr: VALID[i] });

  // Single-character damage: replaced, deleted, inserted, doubled. From the check value on, damage
  // is refused unless it changes nothing.
  const damageChar = fc.oneof(fc.constantFrom(...ALPHABET), fc.constantFrom('%', '&', '=', '#', ' ', '+', ',', '"', '<'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  for (const [i, link] of LINKS.entries()) {
    for (const [pos, c, op] of sample(fc.tuple(fc.nat(link.length - 1), damageChar, fc.constantFrom('replace', 'delete', 'insert', 'double')), 500, 100 + i)) {
      const next = op === 'replace' ? c : op === 'delete' ? '' : op === 'insert' ? c + link[pos] : link[pos]! + link[pos]!;
      add('damage', link.slice(0, pos) + next + link.slice(pos + 1), pos > link.indexOf('&k=') ? { refuseOr: VALID[i] } : {});
    }
  }

  // Wrong and huge versions.
  for (const v of ['0', '2', '7', '-1', '1.0', '1e0', '01', '', '%31', '%', '１', '١', 'one', '9'.repeat(400), '1'.repeat(30), 'NaN', 'Infinity', ' 1', '1 ', XSS[0]]) {
    add('version', `v=${v}&p=first-livepatch`);
    add('version', `v=${v}&${LINKS[1]!.slice(4)}`);
  }
  add('version', 'p=first-livepatch&s=1', { refuse: true });
  add('version', `v=1&v=2&p=x`, { refuse: true });
  for (const v of sample(fc.oneof(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String), fc.string({ maxLength: 12 })), 300, 7)) {
    add('version', `v=${encodeURIComponent(v)}&p=x`, { refuse: !/^0*1$/.test(v) || undefined });
  }

  // 200 kB payloads (and one just under the limit).
  const big = 200_000;
  add('size', `v=1&p=x&z=${'A'.repeat(big)}`, { refuse: true });
  add('size', `v=1&p=x&a=${lz(JSON.stringify(Array.from({ length: 4_000 }, (_, i) => [i, `x${i * 7919}`])))}${'B'.repeat(big)}`, { refuse: true });
  add('size', `v=1&z=${lz(JSON.stringify({ ...DOC, description: 'x'.repeat(big) }))}&junk=${'%'.repeat(big)}`, { refuse: true });
  add('size', '🐧'.repeat(big / 2 + 1), { refuse: true });
  add('size', `v=1&p=x&${'&'.repeat(big)}`, { refuse: true });
  add('size', `v=1&p=x&${'q=1&'.repeat(big / 4)}`, { refuse: true });
  add('size', `v=1&z=${sample(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 99_990, maxLength: 99_990 }), 1, 3)[0]}`, { refuse: true });
  add('size', `v=1&p=x&a=${lz(JSON.stringify(Array.from({ length: 30_000 }, (_, i) => [i, `echo ${i} > /dev/kmsg ${(i * 2654435761) % 1_000_003}`])))}`);

  // %-escapes gone wrong, in every field.
  const badEscapes = ['%', '%%', '%G1', '%1', '%E0%A4', '%C0%80', '%FF', '%uD800', '%ED%A0%80', '%F4%90%80%80', '%00', '%2', '%%31'];
  for (const field of ['v', 's', 't', 'e', 'l', 'p', 'z', 'a']) {
    for (const bad of badEscapes) {
      const base = field === 'v' ? 'p=x' : field === 'p' ? 'v=1' : field === 'z' ? 'v=1' : 'v=1&p=x';
      add('escape', `${base}&${field}=${bad}`, { refuse: true });
      add('escape', `${base}&${field}=ab${bad}cd`);
    }
  }
  for (const [i, link] of LINKS.entries()) {
    for (const [pos, bad] of sample(fc.tuple(fc.nat(link.length), fc.constantFrom(...badEscapes)), 150, 200 + i)) add('escape', link.slice(0, pos) + bad + link.slice(pos));
  }

  // Markup and control characters as preset ids, panels, settings and action texts.
  for (const x of XSS) {
    add('markup', `v=1&p=${encodeURIComponent(x)}`, { refuse: true });
    add('markup', `v=1&p=${x}`);
    add('markup', `v=1&p=x&l=tasks,${encodeURIComponent(x)}`, { refuse: true });
    add('markup', `v=1&p=x&e=${encodeURIComponent(x)}`, { refuse: true });
    add('markup', `v=1&p=x&s=${encodeURIComponent(x)}`, { refuse: true });
    add('markup', `v=1&p=x&t=${x}`);
    add('markup', `v=${encodeURIComponent(x)}&p=x`, { refuse: true });
    add('markup', `v=1&${encodeURIComponent(x)}=${encodeURIComponent(x)}&p=x`);
    const s: LinkState = { version: 1, scenario: { doc: { ...DOC, name: x, script: [x] } }, actions: [{ step: 1, text: x }, { step: 2, text: `echo ${x} > /dev/kmsg` }], step: 3 };
    add('markup', encodeLink(s), { expect: s });
    add('markup', `v=1&p=x&a=${lz(JSON.stringify([[x, x]]))}`, { refuse: true });
  }
  for (const text of sample(fc.string({ unit: 'binary', maxLength: 200 }), 300, 11)) {
    const s: LinkState = { version: 1, scenario: { preset: 'first-livepatch' }, actions: [{ step: 0, text }], step: 0 };
    add('markup', encodeLink(s), { expect: s });
  }

  // Prototype-pollution keys: as fields, inside the actions, inside the document.
  for (const key of PROTO_KEYS) {
    add('proto', `v=1&p=x&${key}=1`);
    add('proto', `${key}=1&v=1&p=${key}`);
    add('proto', `v=1&p=x&${encodeURIComponent(key)}[polluted]=yes`);
    add('proto', `v=1&p=${encodeURIComponent(key)}&l=${encodeURIComponent(key)}`);
    add('proto', `v=1&p=x&a=${lz(`{"${key}":{"polluted":true},"length":1,"0":[1,"x"]}`)}`, { refuse: true });
    add('proto', `v=1&p=x&a=${lz(`[["${key}","x"]]`)}`, { refuse: true });
    add('proto', `v=1&p=x&a=${lz(`[[1,"x","${key}"]]`)}`, { refuse: true });
    add('proto', `v=1&z=${lz(`{"${key}":{"polluted":true},"format":"klpscope/1"}`)}`);
    add('proto', `v=1&z=${lz(`{"tasks":[{"${key}":{"polluted":true}}]}`)}&a=${lz('[[1,"__proto__"]]')}`);
  }

  // Garbage compressed data, compressed text that is not JSON, JSON of the wrong shape, and bombs.
  for (const g of sample(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 400 }), 600, 21)) {
    add('lz', `v=1&z=${g}`);
    add('lz', `v=1&p=x&a=${g}`);
  }
  for (const t of sample(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1)))), 300, 22)) add('lz', `v=1&p=x&a=${lz(t)}`);
  for (const j of sample(fc.jsonValue({ maxDepth: 3 }), 300, 23)) add('lz', `v=1&p=x&a=${lz(JSON.stringify(j))}`);
  for (const j of sample(fc.jsonValue({ maxDepth: 3 }), 200, 24)) add('lz', `v=1&z=${lz(JSON.stringify(j))}`);
  add('lz', `v=1&z=${lz(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)}`);
  add('lz', `v=1&p=x&a=${lz(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)}`, { refuse: true });
  for (const n of [3_000, 8_000, 20_000]) {
    add('lz', `v=1&z=${lzBomb(n)}`, { refuse: true });
    add('lz', `v=1&p=x&a=${lzBomb(n)}`, { refuse: true });
  }

  // Random text: bytes, unicode, and soups of plausible fields.
  const field = fc
    .tuple(
      fc.oneof(fc.constantFrom('v', 's', 't', 'e', 'l', 'p', 'z', 'a', ...PROTO_KEYS), fc.string({ maxLength: 4 })),
      fc.oneof(fc.constantFrom('1', '0', '', 'first-livepatch', ...XSS.slice(0, 6)), fc.string({ maxLength: 20 }), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 60 }), fc.nat().map(String)),
      fc.boolean(),
    )
    .map(([k, v, bare]) => (bare ? k : `${k}=${v}`));
  const soup = fc.array(field, { maxLength: 8 }).map((fs) => fs.join('&'));
  const noise = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({ unit: 'binary-ascii', maxLength: 300 }),
    soup,
    soup.map((s) => `v=1&${s}`),
    soup.map((s) => `#v=1&p=first-livepatch&${s}`),
  );
  for (const h of sample(noise, TOTAL - cases.length, 31)) add('random', h);
  return cases;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A run of more than 60 characters of the link that the message repeats, if any. */
function echoed(message: string, hash: string): string | undefined {
  const sources = [hash, safeDecode(hash)];
  for (let i = 0; i + 61 <= message.length; i++) {
    const w = message.slice(i, i + 61);
    if (sources.some((s) => s.includes(w))) return w;
  }
  return undefined;
}

describe('decodeLink on 10,000 malformed and hostile hashes', () => {
  const cases = buildCases();

  it('builds exactly 10,000 cases', () => {
    expect(cases.length).toBe(TOTAL);
  });

  it('never throws; refuses with a short message; accepts only states that round-trip', () => {
    const thrown: string[] = [];
    const problems: string[] = [];
    const tally = new Map<string, { ok: number; refused: number }>();
    for (const c of cases) {
      let r: ReturnType<typeof decodeLink>;
      try {
        r = decodeLink(c.hash);
      } catch (e) {
        thrown.push(`${c.kind}: ${String(e)} for ${JSON.stringify(c.hash.slice(0, 80))}`);
        continue;
      }
      const t = tally.get(c.kind) ?? { ok: 0, refused: 0 };
      tally.set(c.kind, t);
      const at = `${c.kind} ${JSON.stringify(c.hash.slice(0, 80))}`;
      if (!r.ok) {
        t.refused++;
        if (typeof r.error !== 'string' || r.error.length === 0 || r.error.length >= 300) problems.push(`${at}: message of length ${String(r.error?.length)}`);
        const echo = echoed(r.error, c.hash);
        if (echo !== undefined) problems.push(`${at}: the message repeats ${JSON.stringify(echo)}`);
        if (c.expect !== undefined) problems.push(`${at}: refused (${r.error})`);
        continue;
      }
      t.ok++;
      if (c.refuse) problems.push(`${at}: accepted`);
      if (c.refuseOr !== undefined && JSON.stringify(r.state) !== JSON.stringify(c.refuseOr)) problems.push(`${at}: accepted as ${JSON.stringify(r.state).slice(0, 200)}`);
      if (c.expect !== undefined && JSON.stringify(r.state) !== JSON.stringify(c.expect)) problems.push(`${at}: read as ${JSON.stringify(r.state).slice(0, 200)}`);
      try {
        const again = decodeLink(encodeLink(r.state));
        if (!again.ok || JSON.stringify(again.state) !== JSON.stringify(r.state)) problems.push(`${at}: does not round-trip`);
      } catch (e) {
        problems.push(`${at}: encodeLink threw ${String(e)}`);
      }
    }
    expect(thrown).toEqual([]);
    expect(problems.slice(0, 20)).toEqual([]);
    // Every kind of case is there.
    expect([...tally.keys()].sort()).toEqual(['damage', 'escape', 'lz', 'markup', 'proto', 'random', 'size', 'truncation', 'version']);
  });

  it('pollutes no prototype', () => {
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  });
});
