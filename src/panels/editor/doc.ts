// Pure helpers of the scenario editor: the document as a plain JSON value
// edited immutably by path, its text form, the comma lists of the form, and
// where a ScenarioError's path is shown (which form control holds it).
// No React and no schema here, so all of it is unit-tested on its own.

/** A `klpscope/1` document as the user wrote it: any JSON object. */
export type Doc = Readonly<Record<string, unknown>>;

/** A path into the document: object keys and array indices. */
export type Path = readonly (string | number)[];

export function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A path written as the schema writes it (`tasks[2].count`, `files["/proc/x"]`); the root is `scenario`. */
export function pathKey(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? 'scenario' : out;
}

export function getIn(v: unknown, path: Path): unknown {
  let cur = v;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/**
 * A copy of `v` with the value at `path` replaced; `undefined` removes an
 * object key (the field takes its default). Containers missing on the way, or
 * of the wrong type, are created. Everything off the path is shared.
 */
export function setIn(v: unknown, path: Path, value: unknown): unknown {
  const [seg, ...rest] = path;
  if (seg === undefined) return value;
  if (typeof seg === 'number') {
    const arr = Array.isArray(v) ? [...(v as unknown[])] : [];
    while (arr.length < seg) arr.push(null);
    arr[seg] = setIn(arr[seg], rest, value);
    return arr;
  }
  const obj = isPlainObject(v) ? v : {};
  if (rest.length === 0 && value === undefined) return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== seg));
  return { ...obj, [seg]: setIn(obj[seg], rest, value) };
}

/** The array at `path`, or an empty one when there is none. */
function arrayAt(v: unknown, path: Path): readonly unknown[] {
  const a = getIn(v, path);
  return Array.isArray(a) ? a : [];
}

/** Appends `item` to the array at `path` (created if missing). */
export function pushAt(v: unknown, path: Path, item: unknown): unknown {
  return setIn(v, path, [...arrayAt(v, path), item]);
}

/** Removes the `index`th item of the array at `path`. */
export function removeAt(v: unknown, path: Path, index: number): unknown {
  return setIn(
    v,
    path,
    arrayAt(v, path).filter((_, i) => i !== index),
  );
}

// The order of the fields in spec/scenario.md: the form writes them in it.
const ORDER = {
  scenario: ['format', 'name', 'description', 'kernel', 'seed', 'machine', 'functions', 'syscalls', 'files', 'tasks', 'modules', 'script'],
  machine: ['cpus', 'offline', 'reliableStacktrace'],
  task: ['comm', 'count', 'kind', 'syscalls', 'userMs', 'loop', 'sleepMs', 'calls', 'cpuBound', 'unreliableStack', 'blockedIn'],
  module: ['name', 'params', 'functions', 'init', 'exit', 'livepatch', 'work'],
  livepatch: ['objects', 'immediate', 'replace'],
  object: ['name', 'funcs', 'callbacks'],
  func: ['old', 'output', 'immediate'],
} as const;

/** The object's known keys in `keys` order, then the others as they were. */
function ordered(v: unknown, keys: readonly string[], inner: (k: string, x: unknown) => unknown = (_, x) => x): unknown {
  if (!isPlainObject(v)) return v;
  const known = keys.filter((k) => Object.hasOwn(v, k));
  const other = Object.keys(v).filter((k) => !keys.includes(k));
  return Object.fromEntries([...known, ...other].map((k) => [k, inner(k, v[k])]));
}

const each = (v: unknown, f: (x: unknown) => unknown): unknown => (Array.isArray(v) ? v.map(f) : v);

/** The document with its known fields in the order of the spec; unknown fields are kept, after them. */
export function canonical(doc: Doc): Doc {
  const func = (f: unknown) => ordered(f, ORDER.func);
  const object = (o: unknown) => ordered(o, ORDER.object, (k, x) => (k === 'funcs' ? each(x, func) : x));
  const livepatch = (l: unknown) => ordered(l, ORDER.livepatch, (k, x) => (k === 'objects' ? each(x, object) : x));
  const module = (m: unknown) => ordered(m, ORDER.module, (k, x) => (k === 'livepatch' ? livepatch(x) : x));
  const task = (t: unknown) => ordered(t, ORDER.task);
  return ordered(doc, ORDER.scenario, (k, x) => {
    if (k === 'machine') return ordered(x, ORDER.machine);
    if (k === 'tasks') return each(x, task);
    if (k === 'modules') return each(x, module);
    return x;
  }) as Doc;
}

const isScalar = (v: unknown): boolean => v === null || typeof v !== 'object';

/**
 * JSON text indented by two spaces, as JSON.stringify(v, null, 2) but with
 * short arrays of plain values on one line (`"userMs": [2, 30]`).
 */
export function formatJson(v: unknown, indent = ''): string {
  if (isScalar(v)) return JSON.stringify(v) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isScalar)) {
      const line = `[${v.map((x) => JSON.stringify(x) ?? 'null').join(', ')}]`;
      if (line.length + indent.length <= 72) return line;
    }
    return `[\n${v.map((x) => inner + formatJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

/** The text of the JSON view for a document: canonical order, formatted. */
export function docText(doc: Doc): string {
  return `${formatJson(canonical(doc))}\n`;
}

/** The document a JSON text holds, or null when it is not JSON or not an object. */
export function docOf(text: string): Doc | null {
  try {
    const v = JSON.parse(text) as unknown;
    return isPlainObject(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * A comma (or space) separated list typed in the form: `1, 3` → [1, 3].
 * With `numbers`, integers become numbers and anything else stays a string,
 * so that the schema names what is wrong with it.
 */
export function parseList(text: string, numbers: boolean): (string | number)[] {
  return text
    .split(/[\s,]+/)
    .filter((w) => w !== '')
    .map((w) => (numbers && /^-?\d+$/.test(w) ? Number(w) : w));
}

/** The text of a list field: `[1, 3]` → `1, 3`; not a list → its JSON. */
export function formatList(v: unknown): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  return JSON.stringify(v);
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The form control an error is shown at: a field's key, the script (with its line), or the JSON text. */
export type ErrorTarget = { readonly field: string; readonly line?: number };

/** What the JSON view holds when no form control does. */
export const JSON_FIELD = 'json';

// Every path that the form has a control for.
const FORM_FIELDS: readonly RegExp[] = [
  /^(name|description|kernel|seed|script)$/,
  /^machine\.(cpus|offline|reliableStacktrace)$/,
  /^tasks\[\d+\]\.(comm|count|kind|syscalls|userMs|loop|sleepMs|calls|cpuBound|unreliableStack|blockedIn)$/,
  /^modules\[\d+\]\.(name|livepatch)$/,
  /^modules\[\d+\]\.livepatch\.immediate$/,
  /^modules\[\d+\]\.livepatch\.objects\[\d+\]\.name$/,
  /^modules\[\d+\]\.livepatch\.objects\[\d+\]\.funcs\[\d+\]\.(old|output|immediate)$/,
];

export function isFormField(key: string): boolean {
  return FORM_FIELDS.some((re) => re.test(key));
}

/**
 * Where the error of a ScenarioError is shown. `where` is a JSON path
 * (`tasks[2].count`) or `script line N`. An item of a list field
 * (`machine.offline[1]`, `tasks[0].syscalls[2]`, `script[3]`) is shown at the
 * list; what the form has no control for (an unknown field, `functions`, the
 * JSON syntax) at the JSON text.
 */
export function errorTarget(where: string): ErrorTarget {
  const line = /^script line (\d+)$/.exec(where);
  if (line) return { field: 'script', line: Number(line[1]) };
  let key = where;
  for (;;) {
    if (isFormField(key)) return { field: key };
    const up = key.replace(/\[\d+\]$/, '');
    if (up === key) return { field: JSON_FIELD };
    key = up;
  }
}

/** `Your first livepatch` → `your-first-livepatch.klpscope.json`. */
export function fileName(name: unknown): string {
  const slug =
    typeof name === 'string'
      ? name
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, '-')
          .replace(/^[-.]+|-+$/g, '')
          .slice(0, 80)
      : '';
  return `${slug || 'untitled'}.klpscope.json`;
}

/** The text offsets of line `n` (1-based) of `text`, for selecting it. */
export function lineRange(text: string, n: number): readonly [number, number] {
  const lines = text.split('\n');
  const i = Math.min(Math.max(n, 1), lines.length) - 1;
  const start = lines.slice(0, i).reduce((at, line) => at + line.length + 1, 0);
  return [start, start + (lines[i] ?? '').length];
}
