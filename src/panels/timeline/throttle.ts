// At most one value per animation frame: the latest pushed wins, and a value
// equal to the last one emitted is dropped (dragging within one step). The
// frame is the page's frame scheduler's, in its DOM phase.
import { frameScheduler } from '../../app/frames.ts';
import type { FrameScheduler, FrameTask } from '../../app/frames.ts';

export interface FrameThrottle<T> {
  push(value: T): void;
  /** Emits a pending value now. */
  flush(): void;
  cancel(): void;
  /** Forgets the last value emitted, so that the next push is emitted even if equal (a new drag). */
  reset(): void;
}

export function frameThrottle<T>(emit: (value: T) => void, scheduler: FrameScheduler = frameScheduler): FrameThrottle<T> {
  let pending: { value: T } | null = null;
  let last: { value: T } | null = null;
  const task: FrameTask = {
    phase: 'dom',
    run() {
      if (pending === null) return;
      const p = pending;
      pending = null;
      if (last !== null && Object.is(last.value, p.value)) return;
      last = p;
      emit(p.value);
    },
  };
  return {
    push(value) {
      pending = { value };
      scheduler.request(task);
    },
    flush() {
      scheduler.cancel(task);
      task.run();
    },
    cancel() {
      scheduler.cancel(task);
      pending = null;
    },
    reset() {
      last = null;
    },
  };
}
