// The content-box size of an element, kept up to date by a ResizeObserver.
// Until it reports (and in jsdom, which has none), the fallback is used.
// It observes from a layout effect: its first report comes in the rendering
// of the first frame (after layout, before paint), so that frame is drawn at
// the measured size. From a passive effect, which under Preact runs after a
// frame, the first frame showed the fallback size and the next one redrew.
import { useLayoutEffect, useState } from 'react';
import type { RefObject } from 'react';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export function useElementSize(ref: RefObject<Element | null>, fallback: Size): Size {
  const [measured, setMeasured] = useState<Size | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[entries.length - 1]?.contentRect;
      if (r === undefined) return;
      setMeasured((m) => (m !== null && m.width === r.width && m.height === r.height ? m : { width: r.width, height: r.height }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return {
    width: measured !== null && measured.width > 0 ? measured.width : fallback.width,
    height: measured !== null && measured.height > 0 ? measured.height : fallback.height,
  };
}
