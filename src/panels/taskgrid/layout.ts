// The task grid's maths, free of React and the DOM: which tasks are shown, in
// which order and groups (selectTasks), where each one's cell is for a given
// panel size (layoutGrid), which task is under a point (cellAt) and where the
// keyboard cursor goes next (moveCursor). The canvas only paints what this
// returns, so the tests check this module rather than pixels.
import { RunState } from '../../sim/machine/tasks.ts';
import { must } from '../../sim/must.ts';
import { PATCH_STATE_NAMES, TASK_KIND_NAMES } from '../../sim/names.ts';
import type { PatchStateName, TaskKindName } from '../../sim/names.ts';
import type { TaskColumns } from '../../worker/protocol.ts';
import { enNumber } from '../../sim/format.ts';

export const STATE_FILTERS = ['all', 'undefined', 'unpatched', 'patched', 'pending'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

export const GROUP_BY = ['none', 'name', 'kind', 'state'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface Filters {
  /** Part of the task's comm, or its pid. */
  readonly text: string;
  readonly kind: TaskKindName | 'all';
  readonly state: StateFilter;
  readonly group: GroupBy;
}

export const DEFAULT_FILTERS: Filters = { text: '', kind: 'all', state: 'all', group: 'name' };

export interface Group {
  /** What the group label says, null when not grouped. */
  readonly label: string | null;
  /** Its first position in `order`. */
  readonly start: number;
  readonly count: number;
}

export interface TaskSelection {
  /** Task indices in drawing order, group after group. */
  readonly order: Int32Array;
  /** Task index → position in `order`, or -1 when not shown. */
  readonly slot: Int32Array;
  readonly groups: readonly Group[];
  /** Tasks that have exited (never drawn). */
  readonly exited: number;
}

/** The name tasks are grouped under: the comm up to its first '/' (kworker/0:1 → kworker). */
export const baseName = (comm: string): string => {
  const i = comm.indexOf('/');
  return i > 0 ? comm.slice(0, i) : comm;
};

interface NameIndex {
  readonly key: Int32Array;
  readonly names: readonly string[];
}

// Memo by identity of the comms array, which only changes when tasks are added.
const nameIndexes = new WeakMap<readonly string[], NameIndex>();
const textMatches = new WeakMap<readonly string[], { readonly text: string; readonly match: Uint8Array }>();

function nameIndex(comms: readonly string[], n: number): NameIndex {
  const have = nameIndexes.get(comms);
  if (have !== undefined && have.key.length >= n) return have;
  const key = new Int32Array(Math.max(n, comms.length));
  const names: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < key.length; i++) {
    const name = baseName(comms[i] ?? '?');
    let k = seen.get(name);
    if (k === undefined) {
      k = names.length;
      seen.set(name, k);
      names.push(name);
    }
    key[i] = k;
  }
  const ix = { key, names };
  nameIndexes.set(comms, ix);
  return ix;
}

function commMatch(comms: readonly string[], text: string, n: number): Uint8Array {
  const have = textMatches.get(comms);
  if (have !== undefined && have.text === text && have.match.length >= n) return have.match;
  const match = new Uint8Array(Math.max(n, comms.length));
  for (let i = 0; i < match.length; i++) match[i] = (comms[i] ?? '').toLowerCase().includes(text) ? 1 : 0;
  textMatches.set(comms, { text, match });
  return match;
}

const STATE_WORDS: Readonly<Record<number, PatchStateName>> = PATCH_STATE_NAMES;

/** Groups by patch state put the tasks still pending before those that are not. */
const stateKey = (ps: number, tif: number): number => (ps + 1) * 2 + (tif === 1 ? 0 : 1);
const stateLabel = (key: number): string => `${STATE_WORDS[(key >> 1) - 1]}${key % 2 === 0 ? ', pending' : ''}`;

/** The tasks to draw under `f`, in order: by task index within each group. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every frame, every task): i < n = tasks.count, the length of each column, key and slot; k < nKeys, the length of counts, next and the group names */
export function selectTasks(tasks: TaskColumns, comms: readonly string[], f: Filters): TaskSelection {
  const n = tasks.count;
  const text = f.text.trim().toLowerCase();
  const pid = /^\d+$/.test(text) ? Number(text) : -1;
  const match = text === '' ? null : commMatch(comms, text, n);
  const kind = f.kind === 'all' ? -1 : TASK_KIND_NAMES.indexOf(f.kind);
  const names = f.group === 'name' ? nameIndex(comms, n) : null;
  const nKeys = f.group === 'name' ? (names?.names.length ?? 0) : f.group === 'kind' ? TASK_KIND_NAMES.length : f.group === 'state' ? 6 : 1;
  const key = new Int32Array(n);
  const counts = new Int32Array(nKeys);
  let exited = 0;
  for (let i = 0; i < n; i++) {
    key[i] = -1;
    if (tasks.run[i] === RunState.Dead) {
      // An exited task has no cell.
      exited++;
      continue;
    }
    if (kind >= 0 && tasks.kind[i] !== kind) continue;
    const ps = tasks.patchState[i]!;
    switch (f.state) {
      case 'all':
        break;
      case 'pending':
        if (tasks.tif[i] !== 1) continue;
        break;
      default:
        if (STATE_WORDS[ps] !== f.state) continue;
    }
    if (match !== null && match[i] !== 1 && tasks.pid[i] !== pid) continue;
    const k = f.group === 'name' ? names!.key[i]! : f.group === 'kind' ? tasks.kind[i]! : f.group === 'state' ? stateKey(ps, tasks.tif[i]!) : 0;
    key[i] = k;
    counts[k] = counts[k]! + 1;
  }
  // A counting sort keeps task order within each group.
  const groups: Group[] = [];
  const next = new Int32Array(nKeys);
  let total = 0;
  for (let k = 0; k < nKeys; k++) {
    next[k] = total;
    if (counts[k] === 0) continue;
    const label = f.group === 'name' ? names!.names[k]! : f.group === 'kind' ? TASK_KIND_NAMES[k]! : f.group === 'state' ? stateLabel(k) : null;
    groups.push({ label, start: total, count: counts[k]! });
    total += counts[k]!;
  }
  const order = new Int32Array(total);
  const slot = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const k = key[i]!;
    if (k < 0) continue;
    const pos = next[k]!++;
    order[pos] = i;
    slot[i] = pos;
  }
  return { order, slot, groups, exited };
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

/**
 * Whether selectTasks gives the same selection for `b` as for `a` (same comms,
 * same filters): compares only the columns that the filters read, without
 * allocating. While a big machine plays, most frames change patch states and
 * CPUs but not which tasks are shown nor their order, and the selection (three
 * arrays as long as the task table) is kept.
 */
export function sameSelection(a: TaskColumns, b: TaskColumns, f: Filters): boolean {
  if (a === b) return true;
  const n = a.count;
  if (b.count !== n) return false;
  const kind = f.kind !== 'all' || f.group === 'kind';
  // A text filter compares pids (selectTasks matches a number against them).
  const pid = f.text.trim() !== '';
  const ps = f.group === 'state' || (f.state !== 'all' && f.state !== 'pending');
  const tif = f.group === 'state' || f.state === 'pending';
  const dead = RunState.Dead;
  const ar = a.run;
  const br = b.run;
  for (let i = 0; i < n; i++) if ((ar[i] === dead) !== (br[i] === dead)) return false;
  if (kind && !sameUpTo(a.kind, b.kind, n)) return false;
  if (pid && !sameUpTo(a.pid, b.pid, n)) return false;
  if (ps && !sameUpTo(a.patchState, b.patchState, n)) return false;
  if (tif && !sameUpTo(a.tif, b.tif, n)) return false;
  return true;
}

function sameUpTo(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  if (a === b) return true;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a cell of side `cell` has room to show, and the space around it. */
export interface CellMetrics {
  readonly gap: number;
  /** Hollow / hatched / solid bodies; below this only the colour. */
  readonly patterns: boolean;
  /** The TIF_PATCH_PENDING ring, drawn `offset` px outside the body, `width` px wide. */
  readonly ring: { readonly offset: number; readonly width: number } | null;
  /** Run-state markers in a corner. */
  readonly markers: boolean;
}

export function cellMetrics(cell: number): CellMetrics {
  if (cell >= 14) return { gap: 6, patterns: true, ring: { offset: 0.75, width: 1.75 }, markers: true };
  if (cell >= 10) return { gap: 4, patterns: true, ring: { offset: 0.5, width: 1.5 }, markers: true };
  if (cell >= 6) return { gap: 3, patterns: true, ring: { offset: 0.5, width: 1 }, markers: false };
  return { gap: cell >= 4 ? 1 : 0, patterns: false, ring: null, markers: false };
}

export const MIN_CELL = 2;
export const MAX_CELL = 18;
export const LABEL_HEIGHT = 16;

export interface PlacedGroup extends Group {
  /** The caption drawn above the cells ("bash  6"), null when not grouped. */
  readonly caption: string | null;
  readonly x: number;
  /** Top of the caption. */
  readonly labelY: number;
  /** Top of the first row of cells. */
  readonly top: number;
  readonly cols: number;
  readonly rows: number;
}

export interface GridLayout {
  readonly cell: number;
  readonly pitch: number;
  readonly metrics: CellMetrics;
  readonly width: number;
  /** Height of everything drawn: may exceed the viewport, which then scrolls. */
  readonly height: number;
  readonly groups: readonly PlacedGroup[];
  readonly order: Int32Array;
  readonly slot: Int32Array;
}

export interface LayoutOptions {
  readonly minCell?: number;
  readonly maxCell?: number;
  /** Width of a caption in px; an estimate for 11px text when no canvas can measure. */
  readonly measure?: (text: string) => number;
}

export const estimateText = (text: string): number => Math.ceil(text.length * 6.6);

/**
 * Lays the selection out in a `width` × `height` viewport with the biggest
 * cells (up to maxCell) that let everything fit; when even minCell does not
 * fit, the layout is taller than the viewport and scrolls. Groups that fit on
 * one row sit side by side, each under its caption; bigger ones take rows.
 */
export function layoutGrid(sel: TaskSelection, width: number, height: number, opts: LayoutOptions = {}): GridLayout {
  const min = opts.minCell ?? MIN_CELL;
  const max = Math.max(min, opts.maxCell ?? MAX_CELL);
  const measure = opts.measure ?? estimateText;
  const captions = sel.groups.map((g) => (g.label === null ? null : `${g.label}  ${enNumber(g.count)}`));
  const widths = captions.map((c) => (c === null ? 0 : measure(c)));
  let l = place(sel, captions, widths, width, max);
  for (let cell = max - 1; cell >= min && l.height > height; cell--) l = place(sel, captions, widths, width, cell);
  return l;
}

function place(sel: TaskSelection, captions: readonly (string | null)[], widths: readonly number[], width: number, cell: number): GridLayout {
  const metrics = cellMetrics(cell);
  const { gap } = metrics;
  const pitch = cell + gap;
  // Room at the edges for the ring and the selection outline.
  const pad = Math.ceil(gap / 2) + 2;
  const inner = Math.max(pitch, width - 2 * pad);
  const cols = Math.max(1, Math.floor((inner + gap) / pitch));
  const labelled = captions.some((c) => c !== null);
  const labelH = labelled ? LABEL_HEIGHT : 0;
  const shelfGap = labelled ? 6 : 0;
  const blockGap = Math.max(14, pitch);
  const groups: PlacedGroup[] = [];
  let x = pad;
  let y = pad;
  let shelf = 0;
  const newShelf = () => {
    if (shelf > 0) y += shelf + shelfGap;
    x = pad;
    shelf = 0;
  };
  sel.groups.forEach((g, i) => {
    // layoutGrid gives a caption and a width for each group.
    const caption = captions[i] ?? null;
    if (g.count <= cols) {
      const w = Math.min(inner, Math.max(g.count * pitch - gap, widths[i] ?? 0));
      if (x > pad && x + w > pad + inner) newShelf();
      groups.push({ ...g, caption, x, labelY: y, top: y + labelH, cols: g.count, rows: 1 });
      x += w + blockGap;
      shelf = Math.max(shelf, labelH + pitch);
    } else {
      newShelf();
      const rows = Math.ceil(g.count / cols);
      groups.push({ ...g, caption, x: pad, labelY: y, top: y + labelH, cols, rows });
      shelf = labelH + rows * pitch;
      newShelf();
    }
  });
  const height = Math.ceil(y + shelf + pad);
  return { cell, pitch, metrics, width, height, groups, order: sel.order, slot: sel.slot };
}

function groupOf(l: GridLayout, pos: number): PlacedGroup | undefined {
  let lo = 0;
  let hi = l.groups.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const g = must(l.groups[mid], 'grid group', mid);
    if (pos < g.start) hi = mid - 1;
    else if (pos >= g.start + g.count) lo = mid + 1;
    else return g;
  }
  return undefined;
}

export interface CellRect {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/** Where the cell at position `pos` of the drawing order is. */
export function cellRect(l: GridLayout, pos: number): CellRect | undefined {
  const g = groupOf(l, pos);
  if (g === undefined) return undefined;
  const local = pos - g.start;
  return { x: g.x + (local % g.cols) * l.pitch, y: g.top + Math.floor(local / g.cols) * l.pitch, size: l.cell };
}

/** The position of the cell under (x, y), counting half the gap around each cell as its own; -1 for none. */
export function cellAt(l: GridLayout, x: number, y: number): number {
  const half = l.metrics.gap / 2;
  for (const g of l.groups) {
    const col = Math.floor((x - g.x + half) / l.pitch);
    const row = Math.floor((y - g.top + half) / l.pitch);
    if (col < 0 || col >= g.cols || row < 0 || row >= g.rows) continue;
    const local = row * g.cols + col;
    if (local < g.count) return g.start + local;
  }
  return -1;
}

/** The task index under (x, y), or -1. */
export function taskAt(l: GridLayout, x: number, y: number): number {
  const pos = cellAt(l, x, y);
  return l.order[pos] ?? -1;
}

export type CursorKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';
// PageUp/PageDown are left to the app: presenter remotes send them to step.
export const CURSOR_KEYS: readonly string[] = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];

/**
 * Where the cursor goes from position `pos` on `key`: left and right follow
 * the drawing order (across rows and groups), up and down go to the nearest
 * cell in the row above or below as drawn, Page keys by `page` px.
 */
export function moveCursor(l: GridLayout, pos: number, key: CursorKey, page = 0): number {
  const total = l.order.length;
  if (total === 0) return -1;
  if (pos < 0 || pos >= total) return 0;
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, pos - 1);
    case 'ArrowRight':
      return Math.min(total - 1, pos + 1);
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    case 'ArrowUp':
    case 'ArrowDown':
    case 'PageUp':
    case 'PageDown': {
      const here = cellRect(l, pos);
      if (here === undefined) return pos; // every position below total has a cell
      const down = key === 'ArrowDown' || key === 'PageDown';
      const dist = key.startsWith('Page') ? Math.max(l.pitch, page - l.pitch) : 1;
      return nearestRow(l, here, down, dist) ?? pos;
    }
  }
}

/** The cell nearest `here`'s column in the nearest row at least `dist` px above or below it (else the farthest row). */
function nearestRow(l: GridLayout, here: CellRect, down: boolean, dist: number): number | undefined {
  const dyOf = (g: PlacedGroup, r: number) => (down ? g.top + r * l.pitch - here.y : here.y - g.top - r * l.pitch);
  let target = Infinity;
  let farthest = 0;
  for (const g of l.groups) {
    for (let r = 0; r < g.rows; r++) {
      const dy = dyOf(g, r);
      if (dy <= 0) continue;
      if (dy >= dist && dy < target) target = dy;
      if (dy > farthest) farthest = dy;
    }
  }
  if (target === Infinity) target = farthest;
  if (target === 0) return undefined;
  let best: number | undefined;
  let bestDx = Infinity;
  for (const g of l.groups) {
    for (let r = 0; r < g.rows; r++) {
      if (dyOf(g, r) !== target) continue;
      const len = Math.min(g.cols, g.count - r * g.cols);
      const col = Math.max(0, Math.min(len - 1, Math.round((here.x - g.x) / l.pitch)));
      const dx = Math.abs(g.x + col * l.pitch - here.x);
      if (dx < bestDx) {
        best = g.start + r * g.cols + col;
        bestDx = dx;
      }
    }
  }
  return best;
}
