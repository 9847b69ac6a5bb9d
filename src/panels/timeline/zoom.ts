// d3-zoom wrapped in a controller (after xyflow's XYPanZoom): d3 handles the
// wheel, the drag and the maths; the component keeps the transform in state
// and draws with it. Created in an effect, updated on resize, destroyed on
// unmount.
import { select, zoom, zoomIdentity } from 'd3';
import type { D3ZoomEvent, ZoomBehavior, ZoomTransform } from 'd3';

export interface ZoomOptions {
  /** The plot rectangle in the element's coordinates: [[x0, y0], [x1, y1]]. */
  readonly extent: [[number, number], [number, number]];
  readonly maxScale: number;
}

export interface ZoomController {
  update(o: ZoomOptions): void;
  /** Scales by `k` keeping the point `x` (element coordinates) in place. */
  scaleBy(k: number, x?: number): void;
  reset(): void;
  destroy(): void;
}

/**
 * Only with a modifier, so that a plain drag stays free for scrubbing and a
 * plain wheel scrolls the page: Ctrl/⌘ + wheel (and a trackpad pinch, which
 * browsers report as Ctrl + wheel) zooms, Shift + drag pans, two fingers
 * pinch and pan on touch screens.
 */
export function zoomFilter(e: { type: string; ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; button?: number; touches?: { length: number } }): boolean {
  if (e.type === 'wheel') return e.ctrlKey === true || e.metaKey === true;
  if (e.type === 'mousedown') return e.shiftKey === true && (e.button ?? 0) === 0;
  if (e.type.startsWith('touch')) return (e.touches?.length ?? 0) >= 2;
  return false;
}

/**
 * Zoom per wheel event, as a power of two: a mouse notch (100 px) is about
 * ×1.4. d3's default multiplies by ten when Ctrl is held, which is meant for
 * pinches but makes every Ctrl + wheel notch ×4.
 */
export function wheelDelta(e: { deltaY: number; deltaMode: number }): number {
  return -e.deltaY * (e.deltaMode === 1 ? 0.1 : e.deltaMode === 2 ? 1 : 0.005);
}

export function createZoomController(el: SVGSVGElement, onZoom: (t: ZoomTransform) => void): ZoomController {
  const selection = select(el);
  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .filter(zoomFilter)
    .wheelDelta(wheelDelta)
    .scaleExtent([1, 1])
    .on('zoom', (e: D3ZoomEvent<SVGSVGElement, unknown>) => onZoom(e.transform));
  selection.call(behavior).on('dblclick.zoom', null);
  let extent: ZoomOptions['extent'] = [
    [0, 0],
    [1, 1],
  ];
  return {
    update(o) {
      extent = o.extent;
      behavior.extent(o.extent).translateExtent(o.extent).scaleExtent([1, o.maxScale]);
    },
    scaleBy(k, x) {
      const cx = x ?? (extent[0][0] + extent[1][0]) / 2;
      behavior.scaleBy(selection, k, [cx, (extent[0][1] + extent[1][1]) / 2]);
    },
    reset() {
      behavior.transform(selection, zoomIdentity);
    },
    destroy() {
      selection.on('.zoom', null);
    },
  };
}
