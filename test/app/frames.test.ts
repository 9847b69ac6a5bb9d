import { describe, expect, it } from 'vitest';
import { createFrameScheduler } from '../../src/app/frames.ts';
import type { FramePhase, FrameTask } from '../../src/app/frames.ts';

/** A scheduler on a hand-driven clock: `tick()` runs the frame the browser would. */
function manual() {
  const waiting = new Map<number, () => void>();
  let next = 1;
  const scheduler = createFrameScheduler(
    (cb) => {
      waiting.set(next, cb);
      return next++;
    },
    (h) => waiting.delete(h),
  );
  const tick = () => {
    const cbs = [...waiting.values()];
    waiting.clear();
    for (const cb of cbs) cb();
  };
  return { scheduler, tick, waiting: () => waiting.size };
}

const task = (phase: FramePhase, log: string[], name: string, run?: () => void): FrameTask => ({
  phase,
  run() {
    log.push(name);
    run?.();
  },
});

describe('createFrameScheduler', () => {
  it('runs a task once per frame however often it was requested, with one browser frame for all', () => {
    const { scheduler, tick, waiting } = manual();
    const log: string[] = [];
    const a = task('canvas', log, 'a');
    const b = task('dom', log, 'b');
    scheduler.request(a);
    scheduler.request(a);
    scheduler.request(b);
    scheduler.request(a);
    expect(waiting()).toBe(1);
    expect(scheduler.pending(a)).toBe(true);
    tick();
    // DOM work first, then the canvas.
    expect(log).toEqual(['b', 'a']);
    expect(scheduler.pending(a)).toBe(false);
    expect(waiting()).toBe(0);
    tick();
    expect(log).toEqual(['b', 'a']);
  });

  it('draws in the same frame a canvas redraw that DOM work asked for, and defers one a redraw asks for', () => {
    const { scheduler, tick, waiting } = manual();
    const log: string[] = [];
    const canvas: FrameTask = task('canvas', log, 'canvas', () => {
      if (log.filter((l) => l === 'canvas').length === 1) scheduler.request(canvas);
    });
    const dom = task('dom', log, 'dom', () => scheduler.request(canvas));
    scheduler.request(dom);
    tick();
    expect(log).toEqual(['dom', 'canvas']);
    // The redraw asked for itself again: next frame, not a loop in this one.
    expect(waiting()).toBe(1);
    tick();
    expect(log).toEqual(['dom', 'canvas', 'canvas']);
    expect(waiting()).toBe(0);
  });

  it('cancels a task, and the browser frame when nothing else waits', () => {
    const { scheduler, tick, waiting } = manual();
    const log: string[] = [];
    const a = task('canvas', log, 'a');
    const b = task('dom', log, 'b');
    scheduler.request(a);
    scheduler.request(b);
    scheduler.cancel(a);
    expect(waiting()).toBe(1);
    scheduler.cancel(b);
    expect(waiting()).toBe(0);
    tick();
    expect(log).toEqual([]);
  });

  it('flushes the next frame now', () => {
    const { scheduler, waiting } = manual();
    const log: string[] = [];
    scheduler.request(task('canvas', log, 'a'));
    scheduler.flush();
    expect(log).toEqual(['a']);
    expect(waiting()).toBe(0);
  });

  it('runs every task of a frame when one throws, and rethrows its error', () => {
    const { scheduler, tick } = manual();
    const log: string[] = [];
    scheduler.request(
      task('dom', log, 'bad', () => {
        throw new Error('boom');
      }),
    );
    scheduler.request(task('canvas', log, 'good'));
    expect(tick).toThrow('boom');
    expect(log).toEqual(['bad', 'good']);
  });
});
