// The trace, compact: events kept as columns of typed arrays, in chunks, and
// made back into SimEvent records only when something reads one. A record
// costs ~200 bytes of heap and the collector's time; a stored event costs
// ~30 bytes: its operation, time, kind, task and CPU, and its arguments as
// numbers after a shape (the keys and value types of the kind's arguments,
// learnt from the first event of that form). Strings (a patch's name, a
// task's comm) are kept once. Log lines, switches and violations, which most
// events do not have, stay as they are beside the columns. A decoded event
// is the record the engine made, key for key (its JSON is the same).
import { EVENT_FN, EVENT_KINDS, isLivepatchKind } from '../events.ts';
import type { EventKind } from '../events.ts';
import type { LogLine, SimEvent, Switch, TaskId, Violation } from '../types.ts';
import { must } from '../must.ts';

/** Events per chunk: the columns grow a chunk at a time, with no copy of what is stored. */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;
/** Arguments of no shape (a command's outcome, a list of funcs) are kept as objects. */
const RAW = 255;
const MAX_SHAPES = 254;
/** The heap an object kept beside the columns is taken to cost (an estimate for the byte count). */
const OBJECT_BYTES = 160;

const ValueType = { Number: 0, Boolean: 1, Null: 2, String: 3, TaskRef: 4 } as const;
type ValueType = (typeof ValueType)[keyof typeof ValueType];

interface Shape {
  readonly keys: readonly string[];
  readonly types: readonly ValueType[];
  /** Numbers it takes in the value column (a task reference takes two). */
  readonly width: number;
}

const KIND_INDEX = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));
const KIND_FN = EVENT_KINDS.map((k) => EVENT_FN[k]);
const KIND_LIVEPATCH = EVENT_KINDS.map((k) => isLivepatchKind(k));

const NO_LOG: readonly LogLine[] = Object.freeze([]);
const NO_SWITCHES: readonly Switch[] = Object.freeze([]);
const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

interface Extras {
  readonly log: readonly LogLine[];
  readonly switches: readonly Switch[];
  readonly violations: readonly Violation[];
}

class Chunk {
  readonly op = new Int32Array(CHUNK);
  readonly time = new Float64Array(CHUNK);
  readonly kind = new Uint8Array(CHUNK);
  readonly shape = new Uint8Array(CHUNK);
  /** -1: no task. */
  readonly task = new Int32Array(CHUNK);
  /** -1: no CPU. */
  readonly cpu = new Int16Array(CHUNK);
  /** Where the event's argument values start in `vals`. */
  readonly valStart = new Int32Array(CHUNK);
  vals = new Float64Array(CHUNK);
  nVals = 0;

  get bytes(): number {
    return CHUNK * (4 + 8 + 1 + 1 + 4 + 2 + 4) + this.vals.byteLength;
  }
}

function typeOf(v: unknown): ValueType | -1 {
  switch (typeof v) {
    case 'number':
      return ValueType.Number;
    case 'boolean':
      return ValueType.Boolean;
    case 'string':
      return ValueType.String;
    case 'object':
      if (v === null) return ValueType.Null;
      return isTaskRef(v) ? ValueType.TaskRef : -1;
    default:
      return -1;
  }
}

/** Exactly `{ comm, pid }`, in that order. */
function isTaskRef(v: object): boolean {
  if (Array.isArray(v)) return false;
  let i = 0;
  const o = v as Record<string, unknown>;
  for (const key in o) {
    if (i === 0 ? key !== 'comm' || typeof o[key] !== 'string' : i !== 1 || key !== 'pid' || typeof o[key] !== 'number') return false;
    i++;
  }
  return i === 2;
}

export class TraceStore {
  private n = 0;
  private chunks: Chunk[] = [];
  private readonly shapes: Shape[] = [];
  /** Shape ids by kind index. */
  private readonly kindShapes: number[][] = EVENT_KINDS.map(() => []);
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  private stringBytes = 0;
  /** Each task's pid and comm (they never change; a task id is one task on any branch up to where it is seen). */
  private taskPid = new Int32Array(1024);
  private readonly taskComm: string[] = [];
  /** Arguments kept as objects, by event index. */
  private readonly raw = new Map<number, SimEvent['args']>();
  /** Event indices (ascending) with log lines, switches or violations, and those. */
  private extraAt = new Int32Array(1024);
  private extras: Extras[] = [];

  get length(): number {
    return this.n;
  }

  /** Approximate heap bytes held: the columns, and an estimate of what is kept as objects. */
  get bytes(): number {
    let b = this.stringBytes + this.taskPid.byteLength + this.taskComm.length * 8 + this.extraAt.byteLength;
    for (const c of this.chunks) b += c.bytes;
    for (const x of this.extras) b += OBJECT_BYTES * (x.log.length + x.switches.length + x.violations.length);
    return b + OBJECT_BYTES * this.raw.size;
  }

  /** The chunk for the next event, made when it starts a new one. */
  private chunkForPush(i: number): Chunk {
    if (i >>> CHUNK_BITS === this.chunks.length) this.chunks.push(new Chunk());
    return must(this.chunks[i >>> CHUNK_BITS], 'chunk of event', i);
  }

  push(e: SimEvent): void {
    const i = this.n;
    const c = this.chunkForPush(i);
    const j = i & MASK;
    const kind = KIND_INDEX.get(e.kind);
    if (kind === undefined) throw new Error(`unknown event kind ${e.kind}`);
    c.op[j] = e.op;
    c.time[j] = e.time;
    c.kind[j] = kind;
    c.cpu[j] = e.cpu ?? -1;
    const t = e.task;
    if (t === undefined) c.task[j] = -1;
    else {
      c.task[j] = t;
      this.rememberTask(t, e.pid ?? 0, e.comm ?? '');
    }
    c.valStart[j] = c.nVals;
    c.shape[j] = this.encodeArgs(c, kind, e.args);
    if (c.shape[j] === RAW) this.raw.set(i, e.args);
    if (e.log.length > 0 || e.switches.length > 0 || e.violations.length > 0) {
      const nx = this.extras.length;
      if (nx === this.extraAt.length) this.extraAt = grown(this.extraAt, nx * 2);
      this.extraAt[nx] = i;
      this.extras.push({ log: e.log, switches: e.switches, violations: e.violations });
    }
    // A full chunk keeps only the values it has.
    if (j === MASK && c.vals.length > c.nVals) c.vals = c.vals.slice(0, c.nVals);
    this.n = i + 1;
  }

  /** The event at index i (step i + 1), made anew. */
  /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every event read): slot j < CHUNK, which every column of the chunk has */
  at(i: number): SimEvent | undefined {
    if (!(i >= 0 && i < this.n)) return undefined;
    const c = must(this.chunks[i >>> CHUNK_BITS], 'chunk of event', i);
    // Column reads below are of slot j < CHUNK, which every column has.
    const j = i & MASK;
    const kind = c.kind[j]!;
    const step = i + 1;
    const op = c.op[j];
    const time = c.time[j];
    const k = EVENT_KINDS[kind];
    const fn = KIND_FN[kind];
    const livepatch = KIND_LIVEPATCH[kind];
    if (k === undefined || fn === undefined || livepatch === undefined) throw new Error(`bad event kind ${kind} at ${i}`);
    const shape = c.shape[j]!;
    const args = shape === RAW ? this.raw.get(i) : this.decodeArgs(c, shape, c.valStart[j]!);
    const x = this.extrasOf(i);
    const log = x?.log ?? NO_LOG;
    const switches = x?.switches ?? NO_SWITCHES;
    const violations = x?.violations ?? NO_VIOLATIONS;
    const t = c.task[j]!;
    const cpu = c.cpu[j]!;
    let e;
    if (t < 0) {
      e = cpu < 0 ? { step, op, time, fn, livepatch, kind: k, args, log, switches, violations } : { step, op, time, fn, livepatch, cpu, kind: k, args, log, switches, violations };
    } else {
      const task = t as TaskId;
      const pid = this.taskPid[t];
      const comm = this.taskComm[t];
      e =
        cpu < 0
          ? { step, op, time, fn, livepatch, task, pid, comm, kind: k, args, log, switches, violations }
          : { step, op, time, fn, livepatch, task, pid, comm, cpu, kind: k, args, log, switches, violations };
    }
    return e as SimEvent;
  }
  /* eslint-enable @typescript-eslint/no-non-null-assertion */

  /** Keeps the first `n` events. */
  truncate(n: number): void {
    if (n >= this.n) return;
    const keep = Math.max(0, n);
    this.chunks.length = keep === 0 ? 0 : ((keep - 1) >>> CHUNK_BITS) + 1;
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined && (keep & MASK) !== 0) last.nVals = must(last.valStart[keep & MASK], 'event', keep);
    for (const i of this.raw.keys()) if (i >= keep) this.raw.delete(i);
    let nx = this.extras.length;
    while (nx > 0 && must(this.extraAt[nx - 1], 'extras entry', nx - 1) >= keep) nx--;
    this.extras.length = nx;
    this.n = keep;
  }

  /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every event read): lo <= mid <= hi < extras.length <= extraAt.length */
  private extrasOf(i: number): Extras | undefined {
    let lo = 0;
    let hi = this.extras.length - 1;
    const at = this.extraAt;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = at[mid]!;
      if (v === i) return this.extras[mid];
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
  /* eslint-enable @typescript-eslint/no-non-null-assertion */

  private rememberTask(t: number, pid: number, comm: string): void {
    if (t >= this.taskPid.length) this.taskPid = grown(this.taskPid, Math.max(t + 1, this.taskPid.length * 2));
    this.taskPid[t] = pid;
    this.taskComm[t] = comm;
  }

  private stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
      this.stringBytes += 48 + 2 * s.length;
    }
    return id;
  }

  private encodeArgs(c: Chunk, kind: number, args: Readonly<Record<string, unknown>>): number {
    const ids = this.kindShapes[kind];
    if (ids === undefined) throw new Error(`bad event kind ${kind}`);
    for (const id of ids) if (this.fits(this.shapeAt(id), args)) return this.write(c, id, args);
    const shape = shapeOf(args);
    if (shape === undefined || this.shapes.length >= MAX_SHAPES) return RAW;
    const id = this.shapes.length;
    this.shapes.push(shape);
    ids.push(id);
    return this.write(c, id, args);
  }

  private shapeAt(id: number): Shape {
    return must(this.shapes[id], 'argument shape', id);
  }

  private fits(s: Shape, args: Readonly<Record<string, unknown>>): boolean {
    let i = 0;
    const keys = s.keys;
    for (const key in args) {
      if (i >= keys.length || key !== keys[i] || typeOf(args[key]) !== s.types[i]) return false;
      i++;
    }
    return i === keys.length;
  }

  /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every event): i < s.keys.length, the length of s.types too */
  private write(c: Chunk, id: number, args: Readonly<Record<string, unknown>>): number {
    const s = this.shapeAt(id);
    let at = c.nVals;
    if (at + s.width > c.vals.length) c.vals = growF64(c.vals, Math.max(at + s.width, c.vals.length * 2));
    const vals = c.vals;
    for (let i = 0; i < s.keys.length; i++) {
      const v = args[s.keys[i]!];
      switch (s.types[i]!) {
        case ValueType.Number:
          vals[at++] = v as number;
          break;
        case ValueType.Boolean:
          vals[at++] = v ? 1 : 0;
          break;
        case ValueType.Null:
          vals[at++] = 0;
          break;
        case ValueType.String:
          vals[at++] = this.stringId(v as string);
          break;
        case ValueType.TaskRef: {
          const r = v as { readonly comm: string; readonly pid: number };
          vals[at++] = this.stringId(r.comm);
          vals[at++] = r.pid;
          break;
        }
      }
    }
    c.nVals = at;
    return id;
  }
  /* eslint-enable @typescript-eslint/no-non-null-assertion */

  /* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every event read): i < s.keys.length = s.types.length; write() put s.width values from `from`, string ids among them */
  private decodeArgs(c: Chunk, id: number, from: number): SimEvent['args'] {
    const s = this.shapeAt(id);
    const o: Record<string, unknown> = {};
    let at = from;
    const vals = c.vals;
    for (let i = 0; i < s.keys.length; i++) {
      const key = s.keys[i]!;
      switch (s.types[i]!) {
        case ValueType.Number:
          o[key] = vals[at++]!;
          break;
        case ValueType.Boolean:
          o[key] = vals[at++] === 1;
          break;
        case ValueType.Null:
          at++;
          o[key] = null;
          break;
        case ValueType.String:
          o[key] = this.strings[vals[at++]!];
          break;
        case ValueType.TaskRef: {
          const comm = this.strings[vals[at++]!];
          o[key] = { comm, pid: vals[at++] };
          break;
        }
      }
    }
    return o;
  }
  /* eslint-enable @typescript-eslint/no-non-null-assertion */
}

function shapeOf(args: Readonly<Record<string, unknown>>): Shape | undefined {
  const keys: string[] = [];
  const types: ValueType[] = [];
  let width = 0;
  for (const key in args) {
    if (!Object.prototype.hasOwnProperty.call(args, key)) return undefined;
    const t = typeOf(args[key]);
    if (t < 0) return undefined;
    keys.push(key);
    types.push(t as ValueType);
    width += t === ValueType.TaskRef ? 2 : 1;
  }
  // An integer-like key would be ordered first by any object: keep such arguments as they are.
  if (keys.some((k) => /^\d+$/.test(k))) return undefined;
  return { keys, types, width };
}

function grown(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function growF64(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/**
 * The store as a read-only array of events (indexing, `length`, and every
 * array method through Array.prototype): what `engine.trace` has always
 * been, each read decoding the event anew.
 */
export function traceView(store: TraceStore): SimEvent[] {
  const index = (p: string | symbol): number => {
    if (typeof p !== 'string' || p.length === 0) return -1;
    const c = p.charCodeAt(0);
    if (c < 48 || c > 57) return -1;
    const i = Number(p);
    return Number.isInteger(i) && String(i) === p ? i : -1;
  };
  const target: SimEvent[] = [];
  return new Proxy(target, {
    get(t, p, receiver) {
      if (p === 'length') return store.length;
      const i = index(p);
      if (i >= 0) return store.at(i);
      return Reflect.get(t, p, receiver) as unknown;
    },
    has(t, p) {
      const i = index(p);
      if (i >= 0) return i < store.length;
      return Reflect.has(t, p);
    },
    getOwnPropertyDescriptor(t, p) {
      const i = index(p);
      if (i >= 0) return i < store.length ? { value: store.at(i), writable: false, enumerable: true, configurable: true } : undefined;
      if (p === 'length') return { value: store.length, writable: true, enumerable: false, configurable: false };
      return Reflect.getOwnPropertyDescriptor(t, p);
    },
    ownKeys(t) {
      const keys: (string | symbol)[] = [];
      for (let i = 0; i < store.length; i++) keys.push(String(i));
      return [...keys, ...Reflect.ownKeys(t)];
    },
    set() {
      throw new TypeError('the trace is read only');
    },
    deleteProperty() {
      throw new TypeError('the trace is read only');
    },
    defineProperty() {
      throw new TypeError('the trace is read only');
    },
  });
}
