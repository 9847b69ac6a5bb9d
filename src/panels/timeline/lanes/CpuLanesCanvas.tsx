// The CPU lanes' stretches on a canvas under the lanes' SVG (which keeps the
// names, the marks one can click and the current point): what each CPU runs,
// coloured by kind of task, a tick where it switches task, and the task's
// name where a stretch is wide enough. Colours come from the theme variables.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { CpuRun } from '../../../worker/protocol.ts';
import { cpuLane } from './geometry.ts';
import type { TaskKindName } from '../../../sim/names.ts';
import type { Window } from './geometry.ts';

/** The theme variable each kind of stretch is filled with (as lanes.css did for SVG). */
const FILL: Readonly<Record<Exclude<TaskKindName, 'idle'> | 'offline', string>> = {
  user: '--accent',
  shell: '--fg',
  kworker: '--state-pending',
  kthread: '--muted',
  offline: '--border',
};

export interface CpuLanesCanvasProps {
  readonly runs: readonly (readonly CpuRun[])[];
  readonly kindOf: (task: number) => number;
  readonly comms: readonly string[];
  readonly w: Window;
  readonly width: number;
  readonly laneH: number;
  readonly gap: number;
}

export function CpuLanesCanvas(props: CpuLanesCanvasProps) {
  const { runs, kindOf, comms, w, width, laneH, gap } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  const height = runs.length * (laneH + gap);
  // The colours are the theme's: draw again when it changes.
  const [theme, setTheme] = useState(0);
  const palette = useRef<{ readonly theme: number; readonly canvas: HTMLCanvasElement; readonly css: CSSStyleDeclaration; readonly colours: Map<string, string> } | null>(null);
  useEffect(() => {
    const m = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    const again = () => setTheme((n) => n + 1);
    m?.addEventListener('change', again);
    return () => m?.removeEventListener('change', again);
  }, []);
  useLayoutEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d') ?? null;
    if (canvas === null || ctx === null) return;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(width * dpr);
    const ph = Math.round(height * dpr);
    if (canvas.width !== pw) canvas.width = pw;
    if (canvas.height !== ph) canvas.height = ph;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    // Each theme variable is read once a theme, not at every drawing: the first read of a computed style
    // makes the browser recalculate the page's style at once, in the middle of the render that changed it.
    if (palette.current?.theme !== theme || palette.current.canvas !== canvas) palette.current = { theme, canvas, css: getComputedStyle(canvas), colours: new Map<string, string>() };
    const { css, colours } = palette.current;
    const colour = (v: string): string => {
      let c = colours.get(v);
      if (c === undefined) colours.set(v, (c = css.getPropertyValue(v).trim() || 'gray'));
      return c;
    };
    ctx.font = `10px ${colour('--mono')}`;
    ctx.textBaseline = 'middle';
    runs.forEach((cpuRuns, cpu) => {
      const y = cpu * (laneH + gap);
      ctx.fillStyle = colour('--bg');
      ctx.fillRect(w.left, y, w.right - w.left, laneH);
      ctx.strokeStyle = colour('--border');
      ctx.lineWidth = 0.5;
      ctx.strokeRect(w.left, y, w.right - w.left, laneH);
      const shape = cpuLane(cpuRuns, kindOf, w);
      for (const [cls, xs] of Object.entries(shape.fills)) {
        ctx.fillStyle = colour(FILL[cls as keyof typeof FILL]);
        // Stretches are pairs: x0, x1.
        for (let i = 0; i + 1 < xs.length; i += 2) {
          const x0 = xs[i];
          const x1 = xs[i + 1];
          if (x0 !== undefined && x1 !== undefined) ctx.fillRect(x0, y, x1 - x0, laneH);
        }
      }
      ctx.strokeStyle = colour('--fg');
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const px of shape.switches) {
        const x = Math.round(px) + 0.5;
        ctx.moveTo(x, y - 1);
        ctx.lineTo(x, y + laneH + 1);
      }
      ctx.stroke();
      ctx.fillStyle = colour('--panel');
      for (const lb of shape.labels) {
        const text = (comms[lb.task] ?? '').slice(0, Math.max(0, Math.floor((lb.width - 6) / 6.5)));
        if (text !== '') ctx.fillText(text, lb.x + 3, y + laneH / 2);
      }
    });
  }, [runs, kindOf, comms, w, width, height, laneH, gap, theme]);
  return <canvas ref={ref} className="lanes-canvas" style={{ width, height }} aria-hidden="true" />;
}
