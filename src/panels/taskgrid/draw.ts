// Paints a GridLayout on a 2D canvas: only the rows in view, one path per
// style so that 100,000 cells cost a handful of fill calls. Colours come from
// the theme's CSS variables; each patch state also has a shape that survives
// greyscale (hollow, hatched, solid), the pending flag is a ring and the run
// state a corner marker, each dropped when the cells are too small for it.
import type { TaskColumns } from '../../worker/protocol.ts';
import { color } from 'd3';
import { cellRect } from './layout.ts';
import type { GridLayout } from './layout.ts';

export interface Theme {
  readonly panel: string;
  readonly fg: string;
  readonly muted: string;
  readonly focus: string;
  readonly undefined: string;
  readonly unpatched: string;
  readonly patched: string;
  readonly pending: string;
  readonly font: string;
  /** The three state colours as RGBA pixels (little-endian), for the colour-only fast path. */
  readonly pixels: Uint32Array;
}

/** A CSS colour as one RGBA pixel of a Uint32Array over ImageData (little-endian, as every browser is). */
function pixel(css: string): number {
  const c = color(css)?.rgb();
  if (c === undefined) return 0xff808080;
  const a = Math.round((c.opacity ?? 1) * 255);
  return ((a << 24) | (Math.round(c.b) << 16) | (Math.round(c.g) << 8) | Math.round(c.r)) >>> 0;
}

export function readTheme(el: Element): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const states = [v('--state-undefined', '#999'), v('--state-unpatched', '#e69f00'), v('--state-patched', '#0072b2')];
  return {
    pixels: Uint32Array.from(states, pixel),
    panel: v('--panel', '#fff'),
    fg: v('--fg', '#000'),
    muted: v('--muted', '#666'),
    focus: v('--focus', '#c2185b'),
    undefined: v('--state-undefined', '#999'),
    unpatched: v('--state-unpatched', '#e69f00'),
    patched: v('--state-patched', '#0072b2'),
    pending: v('--state-pending', '#cc79a7'),
    font: v('--sans', 'sans-serif'),
  };
}

/** Diagonal hatch ("/") lines across a `size` square, as [x1, y1, x2, y2], about every 4 px. */
export function hatchSegments(size: number): [number, number, number, number][] {
  const step = Math.max(3, Math.round(size / 4));
  const out: [number, number, number, number][] = [];
  for (let c = step; c < 2 * size; c += step) {
    const x1 = Math.max(0, c - size);
    const x2 = Math.min(size, c);
    out.push([x1, c - x1, x2, c - x2]);
  }
  return out;
}

export interface GridView {
  readonly layout: GridLayout;
  readonly tasks: TaskColumns;
  /** Viewport in CSS px, in layout coordinates: [top, top + height). */
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
  /** Positions in the layout's order, -1 for none. */
  readonly selected: number;
  readonly cursor: number;
  readonly hover: number;
}

type Rect = readonly [number, number];

/** Calls `fn(pos, x, y)` for every cell in rows that meet [y0, y1). */
function eachVisible(l: GridLayout, y0: number, y1: number, fn: (pos: number, x: number, y: number) => void): void {
  const p = l.pitch;
  for (const g of l.groups) {
    if (g.top + g.rows * p < y0 || g.top > y1) continue;
    const r0 = Math.max(0, Math.floor((y0 - g.top) / p));
    const r1 = Math.min(g.rows - 1, Math.floor((y1 - g.top) / p));
    for (let r = r0; r <= r1; r++) {
      const first = r * g.cols;
      const last = Math.min(g.count, first + g.cols);
      const y = g.top + r * p;
      for (let i = first; i < last; i++) fn(g.start + i, g.x + (i - first) * p, y);
    }
  }
}

export function drawGrid(ctx: CanvasRenderingContext2D, theme: Theme, v: GridView): void {
  const l = v.layout;
  const s = l.cell;
  const m = l.metrics;
  const y0 = v.top - l.pitch;
  const y1 = v.top + v.height;
  if (m.patterns) {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, -v.top * v.dpr);
    drawBodies(ctx, theme, v, y0, y1);
  } else {
    // Tens of thousands of tiny cells: straight into pixels, then one copy.
    paintPixels(ctx, theme, v, y0, y1);
    ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, -v.top * v.dpr);
  }

  // Group captions.
  ctx.font = `600 11px ${theme.font}`;
  ctx.textBaseline = 'top';
  ctx.fillStyle = theme.muted;
  for (const g of l.groups) {
    if (g.caption === null || g.labelY > y1 || g.labelY + 16 < v.top) continue;
    ctx.fillText(g.caption, g.x, g.labelY + 1, Math.max(l.pitch, v.width - g.x - 2));
  }

  // Hover, selection and cursor outlines, over everything.
  const around = (pos: number, pad: number): Rect | undefined => {
    const r = pos < 0 ? undefined : cellRect(l, pos);
    return r === undefined || r.y > y1 || r.y + s < v.top ? undefined : [r.x - pad, r.y - pad];
  };
  const box = (pos: number, pad: number, width: number, colour: string, dash: readonly number[]) => {
    const at = around(pos, pad);
    if (at === undefined) return;
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.setLineDash(dash);
    ctx.strokeRect(at[0], at[1], s + 2 * pad, s + 2 * pad);
    ctx.setLineDash([]);
  };
  const out = Math.max(1.5, m.gap / 2 + 0.5);
  if (v.hover !== v.selected && v.hover !== v.cursor) box(v.hover, out, 1, theme.muted, []);
  if (v.selected >= 0) {
    // A halo in the panel colour keeps the outline readable on any neighbour.
    box(v.selected, out + 1, 4, theme.panel, []);
    box(v.selected, out + 1, 2, theme.fg, []);
  }
  if (v.cursor >= 0) box(v.cursor, out + (v.cursor === v.selected ? 3.5 : 1), 2, theme.focus, [3, 2]);
}

/** Hollow, hatched and solid bodies, rings and markers, one path per style. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every visible cell, every frame): eachVisible gives pos < order.length, and order holds rows of the task columns */
function drawBodies(ctx: CanvasRenderingContext2D, theme: Theme, v: GridView, y0: number, y1: number): void {
  const { layout: l, tasks } = v;
  const s = l.cell;
  const m = l.metrics;
  const solid = new Path2D();
  const outlineUndefined = new Path2D();
  const outlineUnpatched = new Path2D();
  const hatch = new Path2D();
  const ring = new Path2D();
  const chips = new Path2D();
  // Glyphs over a solid body are knocked out in the panel colour; elsewhere they are dark.
  const dark = glyphSet();
  const light = glyphSet();
  const lw = s >= 10 ? 1.5 : 1;
  const segs = hatchSegments(s);
  const g = Math.round(s * 0.5);
  const go = (s - g) / 2;
  eachVisible(l, y0, y1, (pos, x, y) => {
    const t = l.order[pos]!;
    const ps = tasks.patchState[t]!;
    if (ps === 1) solid.rect(x, y, s, s);
    else {
      (ps === 0 ? outlineUnpatched : outlineUndefined).rect(x + lw / 2, y + lw / 2, s - lw, s - lw);
      if (ps === 0) for (const [a, b, c, d] of segs) {
        hatch.moveTo(x + a, y + b);
        hatch.lineTo(x + c, y + d);
      }
    }
    if (m.ring !== null && tasks.tif[t] === 1) {
      const o = m.ring.offset + m.ring.width / 2;
      ring.rect(x - o, y - o, s + 2 * o, s + 2 * o);
    }
    if (m.markers) {
      // The hatch is cleared behind the marker so that it reads.
      if (ps === 0) chips.rect(x + go - 1, y + go - 1, g + 2, g + 2);
      marker(ps === 1 ? light : dark, tasks.run[t]!, x + go, y + go, g);
    }
  });

  ctx.globalAlpha = 0.18;
  ctx.fillStyle = theme.unpatched;
  ctx.fill(outlineUnpatched);
  ctx.globalAlpha = 1;
  ctx.fillStyle = theme.patched;
  ctx.fill(solid);
  ctx.lineWidth = lw;
  ctx.strokeStyle = theme.undefined;
  ctx.stroke(outlineUndefined);
  ctx.strokeStyle = theme.unpatched;
  ctx.stroke(outlineUnpatched);
  ctx.lineWidth = s >= 10 ? 1.25 : 1;
  ctx.stroke(hatch);
  if (m.ring !== null) {
    ctx.lineWidth = m.ring.width;
    ctx.strokeStyle = theme.pending;
    ctx.stroke(ring);
  }
  if (m.markers) {
    ctx.fillStyle = theme.panel;
    ctx.fill(chips);
    paintGlyphs(ctx, dark, theme.fg);
    paintGlyphs(ctx, light, theme.panel);
  }
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

const pixelBuffers = new WeakMap<CanvasRenderingContext2D, ImageData>();

/** Each visible cell as a block of device pixels in its state's colour. */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot (every visible cell, every frame): pos < order.length, order holds rows of the task columns, and theme.pixels has a colour for each patch state + 1 */
function paintPixels(ctx: CanvasRenderingContext2D, theme: Theme, v: GridView, y0: number, y1: number): void {
  const { layout: l, tasks, dpr } = v;
  const W = ctx.canvas.width;
  const H = ctx.canvas.height;
  let img = pixelBuffers.get(ctx);
  if (img === undefined || img.width !== W || img.height !== H) {
    img = ctx.createImageData(W, H);
    pixelBuffers.set(ctx, img);
  }
  const buf = new Uint32Array(img.data.buffer);
  buf.fill(0);
  const colours = theme.pixels;
  const order = l.order;
  const s = l.cell;
  eachVisible(l, y0, y1, (pos, x, y) => {
    const c = colours[tasks.patchState[order[pos]!]! + 1]!;
    const px0 = Math.round(x * dpr);
    const px1 = Math.min(W, Math.round((x + s) * dpr));
    const py0 = Math.max(0, Math.round((y - v.top) * dpr));
    const py1 = Math.min(H, Math.round((y + s - v.top) * dpr));
    for (let py = py0; py < py1; py++) {
      const row = py * W;
      for (let px = px0; px < px1; px++) buf[row + px] = c;
    }
  });
  ctx.putImageData(img, 0, 0);
}
/* eslint-enable @typescript-eslint/no-non-null-assertion */

interface Glyphs {
  readonly fill: Path2D;
  readonly line: Path2D;
}

const glyphSet = (): Glyphs => ({ fill: new Path2D(), line: new Path2D() });

function paintGlyphs(ctx: CanvasRenderingContext2D, g: Glyphs, colour: string): void {
  ctx.fillStyle = colour;
  ctx.fill(g.fill);
  ctx.lineWidth = 1.25;
  ctx.strokeStyle = colour;
  ctx.stroke(g.line);
}

/** The run-state marker in a `c` px square at (x, y); the same shapes as RunGlyph in Swatch.tsx. */
function marker(g: Glyphs, run: number, x: number, y: number, c: number): void {
  const cx = x + c / 2;
  const cy = y + c / 2;
  switch (run) {
    case 0: // in user space: a triangle pointing up, out of the kernel
      g.fill.moveTo(cx, y + c * 0.12);
      g.fill.lineTo(x + c * 0.92, y + c * 0.86);
      g.fill.lineTo(x + c * 0.08, y + c * 0.86);
      g.fill.closePath();
      break;
    case 1: // running in the kernel: a dot
      g.fill.moveTo(cx + c * 0.34, cy);
      g.fill.arc(cx, cy, c * 0.34, 0, 2 * Math.PI);
      break;
    case 2: // runnable, waiting for its CPU: a circle
      g.line.moveTo(cx + c * 0.32, cy);
      g.line.arc(cx, cy, c * 0.32, 0, 2 * Math.PI);
      break;
    case 3: // sleeping: a bar
      g.fill.rect(x + c * 0.1, cy - Math.max(0.75, c * 0.13), c * 0.8, Math.max(1.5, c * 0.26));
      break;
  }
}
