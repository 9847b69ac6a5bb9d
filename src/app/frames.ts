// One animation-frame loop for the work the page does outside React (after
// Perfetto's raf_scheduler): a task asks for the next frame and runs in it
// once, however often it asked. A frame runs the DOM work first (requests to
// the worker, writes to elements), then the canvas redraws, so that a redraw
// asked for by DOM work lands in the same frame.

export type FramePhase = 'dom' | 'canvas';

export interface FrameTask {
  readonly phase: FramePhase;
  run(): void;
}

export interface FrameScheduler {
  /** Runs `task` in the next animation frame: once, however often it is requested before then. */
  request(task: FrameTask): void;
  /** Takes `task` out of the next frame. */
  cancel(task: FrameTask): void;
  /** Runs the next frame's work now (the end of a gesture; tests). */
  flush(): void;
  /** Whether `task` waits for the next frame. */
  pending(task: FrameTask): boolean;
}

export type RequestFrame = (cb: () => void) => number;
export type CancelFrame = (handle: number) => void;

const defaultRequest: RequestFrame = (cb) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(cb) : (setTimeout(cb, 16) as unknown as number));
const defaultCancel: CancelFrame = (h) => (typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(h) : clearTimeout(h));

export function createFrameScheduler(requestFrame: RequestFrame = defaultRequest, cancelFrame: CancelFrame = defaultCancel): FrameScheduler {
  const queued: Record<FramePhase, Set<FrameTask>> = { dom: new Set(), canvas: new Set() };
  let handle: number | null = null;
  /** In a frame: what is requested now joins this frame's canvas phase or the next frame, asked for once at the end. */
  let running = false;

  /** Runs one phase's tasks as they were when the phase began; a task asked for again while they run waits for the next frame. */
  const runPhase = (phase: FramePhase, errors: unknown[]) => {
    const tasks = [...queued[phase]];
    queued[phase].clear();
    for (const t of tasks) {
      try {
        t.run();
      } catch (e) {
        errors.push(e);
      }
    }
  };
  const frame = () => {
    handle = null;
    const errors: unknown[] = [];
    running = true;
    try {
      runPhase('dom', errors);
      runPhase('canvas', errors);
    } finally {
      running = false;
    }
    if (queued.dom.size + queued.canvas.size > 0) handle = requestFrame(frame);
    // One failing task does not cost the others their frame; its error still surfaces.
    if (errors.length > 0) throw errors[0];
  };

  return {
    request(task) {
      queued[task.phase].add(task);
      if (!running) handle ??= requestFrame(frame);
    },
    cancel(task) {
      queued[task.phase].delete(task);
      if (handle !== null && queued.dom.size + queued.canvas.size === 0) {
        cancelFrame(handle);
        handle = null;
      }
    },
    flush() {
      if (running) return;
      if (handle !== null) cancelFrame(handle);
      frame();
    },
    pending(task) {
      return queued[task.phase].has(task);
    },
  };
}

/** The page's scheduler: the task grid, the timeline's scrubbing and anything else that redraws per frame. */
export const frameScheduler: FrameScheduler = createFrameScheduler();
