// The link codec: one moment of klpscope (a scenario, the actions taken on it
// and the step shown, plus a few settings of the page) as the URL hash, and
// back (design/style.md item 7). It encodes inputs only, never derived state:
// the engine is deterministic, so the scenario, the action log and the step
// reproduce the moment exactly. Pure: no DOM, no React; the app passes the
// hash in and reads the result.
//
// Format, version 1: `&`-separated `key=value` fields, values %-encoded as
// encodeURIComponent does (`+` is a plus, not a space):
//
//   v=1                      link version; always first
//   s=STEP                   the step shown (events processed); missing = 0
//   t=N                      tour stop (optional)
//   e=1 | e=0                embedded view (optional; a bare `e` is 1)
//   l=ID,ID,...              panels shown (optional; `l=` is none)
//   c=WHAT:VALUE[:VALUE]     compare mode (optional, added compatibly in
//                            version 1): the second run is this scenario with
//                            one thing changed (kernel:v4.12, immediate:1,
//                            seed:7, whatif:ID:1); it is stepped with the
//                            first by script progress, so the step above is
//                            the moment of both
//   k=CHECK                  check value of what follows (present when z= or
//                            a= is): FNV-1a (32 bits, base 36) of the preset
//                            id, the scenario's JSON and the actions' JSON
//   p=PRESET                 a preset id, or
//   z=LZ                     the whole scenario document: lz-string
//                            compressToEncodedURIComponent of its JSON
//   a=LZ                     the action log (optional; missing = none): the
//                            same compression of [[step, "command"], ...]
//
//   e.g.  v=1&s=5120&p=first-livepatch                     (no actions)
//         v=1&s=48213&t=5&k=1q2w3e&p=first-livepatch&a=NrCMAZIG...
//
// The scenario and the actions come last: a link cut short (a chat client's
// length limit) then loses compressed data or fields the check value covers,
// which is detected, rather than digits of the step, which would not be. The
// check value also catches damage inside compressed data, which lz-string
// alone often decodes to different, valid-looking actions. A link without
// k= is read unchecked (written by hand); the step is not covered, so that it
// can be edited by hand.
//
// Decoding is lenient where that is harmless (a leading `#` or URL, unknown
// fields, empty `&&`, missing step) and strict where it matters, with a
// message that says what was wrong. Messages are plain text for the app to
// show as text (never as HTML); they quote at most 40 characters of the link.
// What decodeLink does not check, the caller does: whether a preset exists
// and whether a scenario document is valid (the simulation worker refuses
// either with a message naming the field), and
// whether the step is past the end of the scenario (the app clamps it to the
// last step and says so), which only running the engine can tell.
import { compressToEncodedURIComponent } from 'lz-string';
import type { Action } from '../sim/engine.ts';

export const LINK_VERSION = 1;
/** The longest hash decodeLink reads (characters). encodeLink does not check: test `.length` before sharing. */
export const MAX_LINK_CHARS = 100_000;
/** The most a compressed field may expand to (characters of JSON). */
export const MAX_INFLATED_CHARS = 1_000_000;
/** Preset and panel ids: what the app names them with, and nothing a message would need to escape. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A comparison: `what:value` or `what:value:value`, each part an id. */
export const COMPARE_PATTERN = /^[a-z]{1,16}(:[A-Za-z0-9._-]{1,64}){1,2}$/;

export interface LinkState {
  readonly version: 1;
  /**
   * A preset by id, or a whole scenario document as a JSON value (a string is
   * kept as a string: the engine would read it as JSON text).
   */
  readonly scenario: { readonly preset: string } | { readonly doc: unknown };
  /** In step order, each to run after `step` events (Engine.act at that step). */
  readonly actions: readonly Action[];
  /** The step shown. It may lie past the end of the scenario: the app clamps it. */
  readonly step: number;
  readonly tour?: number;
  readonly embed?: boolean;
  readonly panels?: readonly string[];
  /** Compare mode: what the second run changes (see panels/compare/variation.ts). */
  readonly compare?: string;
}

export type LinkResult = { readonly ok: true; readonly state: LinkState } | { readonly ok: false; readonly error: string };

// ------------------------------------------------------------------ messages

/** Characters a message must not carry raw: controls, bidi marks and overrides, invisible ones, lone surrogates. */
const UNSAFE_CHAR = /[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]/u;
const isUnsafe = (c: string, cp: number): boolean => cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || UNSAFE_CHAR.test(c);

/** Text fit for a message: unsafe characters escaped (and `"`, `\\` when quoted), at most `max` UTF-16 units of it shown. */
function sanitize(text: string, max: number, quoted = false): string {
  let out = '';
  let shown = 0;
  for (const c of text.length > 4 * max ? text.slice(0, 4 * max) : text) {
    if (shown + c.length > max) return `${out}…`;
    const cp = c.codePointAt(0) ?? 0;
    if (isUnsafe(c, cp)) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += quoted && (c === '"' || c === '\\') ? `\\${c}` : c;
    shown += c.length;
  }
  return text.length > 4 * max ? `${out}…` : out;
}

/** A piece of a link quoted in a message: `"abc"`, at most 40 characters of it. */
const quote = (text: string): string => `"${sanitize(text, 40, true)}"`;

/** A value of unknown type as a message shows it. */
function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const kB = (chars: number): string => `${Math.ceil(chars / 100) / 10} kB`;

/** A refusal inside decode, caught by decodeLink. */
class Refusal extends Error {}
function refuse(message: string): never {
  throw new Refusal(message);
}

// ------------------------------------------------------------------ checks shared by encode and decode

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Why a list of actions cannot be replayed, or undefined. */
function actionsProblem(actions: readonly { readonly step: unknown; readonly text: unknown }[]): string | undefined {
  let prev = 0;
  for (const [i, { step, text }] of actions.entries()) {
    const at = `the actions in this link are malformed: action ${i + 1}`;
    if (typeof text !== 'string') return `${at} has ${show(text)} as its command (expected text)`;
    if (!isCount(step)) return `${at} has the step ${show(step)} (expected an integer from 0 to ${MAX_SAFE})`;
    if (step < prev) return `${at} runs at step ${step}, before action ${i} (step ${prev}); actions must be in step order`;
    prev = step;
  }
  return undefined;
}

/** Why the state cannot be encoded (or could not be decoded back), or undefined. */
function stateProblem(state: LinkState): string | undefined {
  if (state.version !== LINK_VERSION) return `version ${show(state.version)} (expected ${String(LINK_VERSION)})`;
  if (!isCount(state.step)) return `step ${show(state.step)} (expected an integer from 0 to ${MAX_SAFE})`;
  if (state.tour !== undefined && !isCount(state.tour)) return `tour ${show(state.tour)} (expected an integer from 0 to ${MAX_SAFE})`;
  if (state.embed !== undefined && typeof state.embed !== 'boolean') return `embed ${show(state.embed)} (expected true or false)`;
  const bad = state.panels?.find((p) => typeof p !== 'string' || !ID_PATTERN.test(p));
  if (bad !== undefined) return `panel ${show(bad)} (expected an id of letters, digits, '.', '_' and '-')`;
  if (state.compare !== undefined && (typeof state.compare !== 'string' || !COMPARE_PATTERN.test(state.compare))) return `comparison ${show(state.compare)} (expected what:value, e.g. kernel:v4.12)`;
  if ('preset' in state.scenario && !ID_PATTERN.test(state.scenario.preset)) return `preset ${show(state.scenario.preset)} (expected an id of letters, digits, '.', '_' and '-')`;
  return actionsProblem(state.actions);
}

// ------------------------------------------------------------------ encode

/**
 * The hash (without `#`) for a state. Throws a RangeError for a state that
 * could not be decoded back (a programming error: a negative step, actions out
 * of order, an id with other characters than ID_PATTERN allows), and whatever
 * JSON.stringify throws for a document that is not JSON (a cycle, a BigInt).
 */
export function encodeLink(state: LinkState): string {
  const problem = stateProblem(state);
  if (problem !== undefined) throw new RangeError(`encodeLink: ${problem}`);
  const fields = [`v=${LINK_VERSION}`, `s=${state.step}`];
  if (state.tour !== undefined) fields.push(`t=${state.tour}`);
  if (state.embed !== undefined) fields.push(`e=${state.embed ? 1 : 0}`);
  if (state.panels !== undefined) fields.push(`l=${state.panels.map(encodeURIComponent).join(',')}`);
  if (state.compare !== undefined) fields.push(`c=${encodeURIComponent(state.compare)}`);
  const sc = state.scenario;
  const preset = 'preset' in sc ? sc.preset : undefined;
  const doc = 'preset' in sc ? undefined : (JSON.stringify(sc.doc) ?? 'null');
  const actions = state.actions.length > 0 ? JSON.stringify(state.actions.map((a) => [a.step, a.text])) : undefined;
  if (doc !== undefined || actions !== undefined) fields.push(`k=${checkValue(preset, doc, actions).toString(36)}`);
  if (preset !== undefined) fields.push(`p=${encodeURIComponent(preset)}`);
  if (doc !== undefined) fields.push(`z=${compressToEncodedURIComponent(doc)}`);
  if (actions !== undefined) fields.push(`a=${compressToEncodedURIComponent(actions)}`);
  return fields.join('&');
}

/** 32-bit FNV-1a of the preset id, the scenario's JSON and the actions' JSON (each possibly absent). */
function checkValue(preset: string | undefined, doc: string | undefined, actions: string | undefined): number {
  const text = `${preset ?? ''}\u0000${doc ?? ''}\u0000${actions ?? ''}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// ------------------------------------------------------------------ lz-string, bounded

const LZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const LZ_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < LZ_ALPHABET.length; i++) LZ_VALUE[LZ_ALPHABET.charCodeAt(i)] = i;

export type Inflated = { readonly text: string } | { readonly error: 'damaged' | 'too large' };
const DAMAGED: Inflated = { error: 'damaged' };

/**
 * lz-string's decompressFromEncodedURIComponent, with a limit on the output
 * and strict about its input: a character outside the alphabet, or data that
 * ends before its end mark, is damage (lz-string reads the first as 0 bits
 * and may answer "" or null, or throw, for the second). The limit matters: a
 * few kB of crafted data expand quadratically, to gigabytes. Whatever this
 * returns as text, lz-string returns too.
 */
export function inflate(data: string, maxChars: number = MAX_INFLATED_CHARS): Inflated {
  const input = data.replace(/ /g, '+');
  let pos = 0;
  let val = 0;
  let mask = 0;
  /** Reads n bits, least significant first; -1 past the end or on a character not in the alphabet. */
  const read = (n: number): number => {
    let bits = 0;
    for (let p = 0; p < n; p++) {
      if (mask === 0) {
        if (pos >= input.length) return -1;
        const code = input.charCodeAt(pos++);
        val = LZ_VALUE[code] ?? -1; // past the table's 128 codes: not in the alphabet either
        if (val < 0) return -1;
        mask = 32;
      }
      if (val & mask) bits |= 1 << p;
      mask >>= 1;
    }
    return bits;
  };
  const literal = (kind: number): string | undefined => {
    const c = read(kind === 0 ? 8 : 16);
    return c < 0 ? undefined : String.fromCharCode(c);
  };

  const first = read(2);
  if (first === 2) return { text: '' };
  if (first !== 0 && first !== 1) return DAMAGED;
  let w = literal(first);
  if (w === undefined) return DAMAGED;
  const dict: string[] = [];
  dict[3] = w;
  let dictSize = 4;
  let enlargeIn = 4;
  let numBits = 3;
  const out = [w];
  let total = w.length;
  for (;;) {
    if (numBits > 30) return DAMAGED;
    let c = read(numBits);
    if (c < 0) return DAMAGED;
    if (c === 2) return { text: out.join('') };
    if (c === 0 || c === 1) {
      const ch = literal(c);
      if (ch === undefined) return DAMAGED;
      dict[dictSize++] = ch;
      c = dictSize - 1;
      enlargeIn--;
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
    // c >= 3 here, and the dictionary holds every code from 3 up to dictSize - 1.
    const known = dict[c];
    let entry: string;
    if (known !== undefined) entry = known;
    else if (c === dictSize) entry = w + w.charAt(0);
    else return DAMAGED;
    total += entry.length;
    if (total > maxChars) return { error: 'too large' };
    out.push(entry);
    dict[dictSize++] = w + entry.charAt(0);
    enlargeIn--;
    w = entry;
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits;
      numBits++;
    }
  }
}

// ------------------------------------------------------------------ decode

const FIELDS = new Set(['v', 's', 't', 'e', 'l', 'c', 'k', 'p', 'z', 'a']);
const NAMES: Readonly<Record<string, string>> = { v: 'version', s: 'step', t: 'tour stop', e: 'embed setting', l: 'panel list', c: 'comparison', k: 'check value', p: 'preset', z: 'scenario', a: 'actions' };
const PLURAL = new Set(['a']);

/** %-decodes (but `+` stays a plus) a value of the field `key`. */
function unescape(raw: string, key: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return refuse(`the ${NAMES[key]} in this link ${PLURAL.has(key) ? 'have' : 'has'} a broken %-escape`);
  }
}

/** A field's value, %-decoded; null for a bare key (`&e&`), undefined when absent. */
function valueOf(fields: ReadonlyMap<string, string | null>, key: string): string | null | undefined {
  const raw = fields.get(key);
  return raw === undefined || raw === null ? raw : unescape(raw, key);
}

function count(fields: ReadonlyMap<string, string | null>, key: string): number | undefined {
  const text = valueOf(fields, key);
  if (text === undefined) return undefined;
  const what = `the ${NAMES[key]} in this link`;
  if (text === null || !/^\d+$/.test(text)) return refuse(`${what} is not a non-negative integer: ${text === null ? 'it is empty' : quote(text)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return refuse(`${what} is too large: ${quote(text)} (the most is ${MAX_SAFE})`);
  return n;
}

const ABOUT = { z: { what: 'the scenario in this link is', it: 'it', is: 'is' }, a: { what: 'the actions in this link are', it: 'they', is: 'are' } };

/** A compressed field's text (JSON, not parsed yet); undefined when the field is absent. */
function inflated(fields: ReadonlyMap<string, string | null>, key: 'z' | 'a'): string | undefined {
  const { what, it, is } = ABOUT[key];
  const data = valueOf(fields, key);
  if (data === null || data === '') return refuse(`${what} damaged (${it} ${is} empty)`);
  if (data === undefined) return undefined;
  const r = inflate(data);
  if ('text' in r) return r.text;
  return r.error === 'damaged'
    ? refuse(`${what} damaged (${it} could not be decompressed)`)
    : refuse(`${what} too large once decompressed (over ${kB(MAX_INFLATED_CHARS)})`);
}

/** A compressed field's JSON value. */
function parsed(text: string, key: 'z' | 'a'): unknown {
  const { what, it } = ABOUT[key];
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return refuse(`${what} not valid JSON (${it} decompressed, but the text is damaged)`);
  }
  if (tooDeep(value, MAX_DEPTH)) refuse(`${what} nested too deeply (over ${MAX_DEPTH} levels of lists and objects)`);
  return value;
}

/** Deeper than any scenario (about 8 levels), shallow enough for every recursive reader of JSON. */
const MAX_DEPTH = 64;

/** Whether a JSON value nests lists and objects more than `levels` deep (stops as soon as it does). */
function tooDeep(v: unknown, levels: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (levels === 0) return true;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (tooDeep(x, levels - 1)) return true;
  return false;
}

function decode(hash: string): LinkState {
  if (typeof hash !== 'string') refuse('this link is not text');
  if (hash.length > MAX_LINK_CHARS) refuse(`this link is too large (${kB(hash.length)}; the limit is ${kB(MAX_LINK_CHARS)})`);
  const sharp = hash.indexOf('#');
  const text = (sharp < 0 ? hash : hash.slice(sharp + 1)).trim();
  if (text === '') refuse('this link is empty (a klpscope link starts with v=1)');

  const fields = new Map<string, string | null>();
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (!FIELDS.has(key)) continue;
    if (fields.has(key)) refuse(`this link has the field ${key}= twice`);
    fields.set(key, eq < 0 ? null : part.slice(eq + 1));
  }

  const v = valueOf(fields, 'v');
  if (v === undefined) refuse(`this link has no version (a klpscope link starts with v=${LINK_VERSION})`);
  if (v === null || !/^\d+$/.test(v)) refuse(`this link's version is not a number: ${v === null ? 'it is empty' : quote(v)} (this klpscope reads version ${LINK_VERSION})`);
  const version = v.replace(/^0+(?=\d)/, '');
  if (version !== String(LINK_VERSION)) {
    refuse(`this link is from klpscope link version ${version.length > 20 ? `${version.slice(0, 20)}…` : version}; this klpscope reads version ${LINK_VERSION}`);
  }

  const hasPreset = fields.has('p');
  if (hasPreset && fields.has('z')) refuse('this link names both a preset (p=) and a whole scenario (z=); it should have one of them');
  if (!hasPreset && !fields.has('z')) refuse('this link has no scenario (expected a preset p=… or a whole scenario z=…)');

  const step = count(fields, 's') ?? 0;
  const tour = count(fields, 't');

  let embed: boolean | undefined;
  const e = valueOf(fields, 'e');
  if (e === null || e === '1' || e === 'true' || e === '') embed = true;
  else if (e === '0' || e === 'false') embed = false;
  else if (e !== undefined) refuse(`the embed setting in this link is ${quote(e)} (expected e=1 or e=0)`);

  let panels: string[] | undefined;
  const l = fields.get('l');
  if (l !== undefined) {
    panels = [];
    if (l !== null && l !== '') {
      for (const raw of l.split(',')) {
        const id = unescape(raw, 'l');
        if (!ID_PATTERN.test(id)) refuse(`the panel list in this link names ${quote(id)}, which is not a panel id`);
        panels.push(id);
      }
    }
  }

  const c = valueOf(fields, 'c');
  if (c === null || (c !== undefined && !COMPARE_PATTERN.test(c))) refuse(`the comparison in this link is ${c === null ? 'empty' : quote(c)} (expected what:value, e.g. c=kernel:v4.12)`);

  let preset: string | undefined;
  if (hasPreset) {
    preset = valueOf(fields, 'p') ?? '';
    if (preset === '') refuse('the preset in this link is empty');
    if (!ID_PATTERN.test(preset)) refuse(`the preset in this link, ${quote(preset)}, is not a preset id (letters, digits, '.', '_' and '-', at most 64)`);
  }
  const docText = inflated(fields, 'z');
  const actionsText = inflated(fields, 'a');

  const k = valueOf(fields, 'k');
  if (k !== undefined) {
    if (k === null || !/^[0-9A-Za-z]{1,7}$/.test(k)) refuse('this link is damaged (its check value k= is malformed)');
    if (parseInt(k, 36) !== checkValue(preset, docText, actionsText)) refuse('this link is damaged or cut short (its scenario and actions do not match its check value k=)');
  }

  // Without a preset, z= is there (checked above) and docText is its text.
  const scenario: LinkState['scenario'] = preset !== undefined ? { preset } : { doc: parsed(docText ?? '', 'z') };
  const list = actionsText === undefined ? [] : parsed(actionsText, 'a');
  if (!Array.isArray(list)) refuse('the actions in this link are malformed (expected a list of [step, command] pairs)');
  const actions: Action[] = [];
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (!Array.isArray(item) || item.length !== 2) refuse(`the actions in this link are malformed: action ${i + 1} is not a [step, command] pair`);
    actions.push({ step: item[0] as number, text: item[1] as string });
  }
  const problem = actionsProblem(actions);
  if (problem !== undefined) refuse(problem);

  const state: { -readonly [K in keyof LinkState]: LinkState[K] } = { version: LINK_VERSION, scenario, actions, step };
  if (tour !== undefined) state.tour = tour;
  if (embed !== undefined) state.embed = embed;
  if (panels !== undefined) state.panels = panels;
  if (c !== undefined) state.compare = c;
  return state;
}

/**
 * Reads a hash (with or without `#`, or a whole URL). Never throws: a link
 * that cannot be read gives `ok: false` and a message for the reader. The
 * caller still checks the scenario (the worker does, on load) and clamps a step
 * past the end of the scenario.
 */
export function decodeLink(hash: string): LinkResult {
  try {
    return { ok: true, state: decode(hash) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, error: e.message };
    return { ok: false, error: `this link could not be read (${e instanceof Error ? sanitize(e.name, 40) : 'unknown error'})` };
  }
}

// ------------------------------------------------------------------ the caller's checks

