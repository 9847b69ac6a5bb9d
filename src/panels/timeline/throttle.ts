// At most one value per animation frame: the latest pushed wins, and a value
// equal to the last one emitted is dropped (dragging within one step).

export interface FrameThrottle<T> {
  push(value: T): void;
  /** Emits a pending value now. */
  flush(): void;
  cancel(): void;
  /** Forgets the last value emitted, so that the next push is emitted even if equal (a new drag). */
  reset(): void;
}

type Raf = (cb: () => void) => number;
type Caf = (handle: number) => void;

const defaultRaf: Raf = (cb) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(cb) : (setTimeout(cb, 16) as unknown as number));
const defaultCaf: Caf = (h) => (typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(h) : clearTimeout(h));

export function frameThrottle<T>(emit: (value: T) => void, raf: Raf = defaultRaf, caf: Caf = defaultCaf): FrameThrottle<T> {
  let pending: { value: T } | null = null;
  let last: { value: T } | null = null;
  let handle: number | null = null;
  const fire = () => {
    handle = null;
    if (pending === null) return;
    const p = pending;
    pending = null;
    if (last !== null && Object.is(last.value, p.value)) return;
    last = p;
    emit(p.value);
  };
  return {
    push(value) {
      pending = { value };
      if (handle === null) handle = raf(fire);
    },
    flush() {
      if (handle !== null) caf(handle);
      fire();
    },
    cancel() {
      if (handle !== null) caf(handle);
      handle = null;
      pending = null;
    },
    reset() {
      last = null;
    },
  };
}
