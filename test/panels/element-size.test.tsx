// @vitest-environment jsdom
// useElementSize observes from a layout effect: under Preact a passive effect
// runs only after a frame, so the first frame was drawn at the fallback size.
import { useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useElementSize } from '../../src/panels/timeline/useElementSize.ts';

function Sized() {
  const ref = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(ref, { width: 960, height: 0 });
  return (
    <div ref={ref} data-width={width}>
      {width}
    </div>
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.replaceChildren();
});

describe('useElementSize', () => {
  it('observes its element as the render is committed (before a frame is drawn), and renders again at the size reported', async () => {
    const observed: Element[] = [];
    let report: ResizeObserverCallback | null = null;
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(cb: ResizeObserverCallback) {
          report = cb;
        }
        observe(el: Element) {
          observed.push(el);
        }
        disconnect() {}
      },
    );
    const host = document.body.appendChild(document.createElement('div'));
    createRoot(host).render(<Sized />);
    // No act(), no timers run: only what the commit itself does.
    expect(observed).toHaveLength(1);
    expect(host.textContent).toBe('960');
    const entry = { contentRect: { width: 945, height: 170 } } as unknown as ResizeObserverEntry;
    (report as ResizeObserverCallback | null)?.([entry], {} as ResizeObserver);
    await Promise.resolve();
    await Promise.resolve();
    expect(host.textContent).toBe('945');
  });
});
