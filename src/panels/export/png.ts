// The timeline as a PNG: the standalone SVG drawn as an image onto a canvas
// at twice its size. The canvas and the image loader are given, so that the
// steps can be tested without a browser's rendering.

/** The parts of a 2D context used. */
export interface Context2DLike {
  scale(x: number, y: number): void;
  fillStyle: unknown;
  fillRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: never, dx: number, dy: number, dw: number, dh: number): void;
}

export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): Context2DLike | null;
  toBlob(callback: (blob: Blob | null) => void, type?: string): void;
}

export interface RasterEnv<I> {
  /** A canvas, or null where there is none. */
  createCanvas(): CanvasLike | null;
  /** Loads an image from a URL; rejects if it cannot be decoded. */
  loadImage(url: string): Promise<I>;
}

/** Thrown where the browser gives no 2D canvas to draw the PNG on. */
export class CanvasUnavailableError extends Error {
  constructor() {
    super('PNG export needs a 2D canvas, which this browser does not provide. Export the timeline as SVG instead.');
    this.name = 'CanvasUnavailableError';
  }
}

export const PNG_SCALE = 2;
/** Browsers refuse canvases much larger than this on a side. */
const MAX_SIDE = 16_384;

/** The canvas size for an SVG of `width` × `height` at `scale`, kept under what browsers allow. */
export function pngSize(width: number, height: number, scale = PNG_SCALE): { readonly width: number; readonly height: number; readonly scale: number } {
  const s = Math.min(scale, MAX_SIDE / Math.max(width, 1), MAX_SIDE / Math.max(height, 1));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)), scale: s };
}

/** A data: URL of an SVG document (no object URL to revoke, no tainted canvas). */
export function svgDataUrl(svgText: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
}

/**
 * Draws the SVG document `svgText` of `width` × `height` onto a canvas at
 * `scale` over `background`, and returns the canvas as a PNG blob. The
 * canvas is asked for first: without one, it fails at once with
 * CanvasUnavailableError and loads nothing.
 */
export async function svgToPng<I>(svgText: string, width: number, height: number, background: string, env: RasterEnv<I>, scale = PNG_SCALE): Promise<Blob> {
  const canvas = env.createCanvas();
  const ctx = canvas?.getContext('2d') ?? null;
  if (canvas === null || ctx === null) throw new CanvasUnavailableError();
  const size = pngSize(width, height, scale);
  canvas.width = size.width;
  canvas.height = size.height;
  const image = await env.loadImage(svgDataUrl(svgText));
  ctx.scale(size.scale, size.scale);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image as never, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob === null) throw new Error('The browser could not encode the PNG.');
  return blob;
}

const LOAD_TIMEOUT_MS = 10_000;

/** The browser's canvas and image loader. */
export const browserRaster: RasterEnv<HTMLImageElement> = {
  createCanvas: () => (typeof document === 'undefined' ? null : document.createElement('canvas')),
  loadImage: (url) =>
    new Promise((resolve, reject) => {
      const img = new Image();
      const timer = setTimeout(() => reject(new Error('The timeline image did not load.')), LOAD_TIMEOUT_MS);
      img.onload = () => {
        clearTimeout(timer);
        resolve(img);
      };
      img.onerror = () => {
        clearTimeout(timer);
        reject(new Error('The browser could not draw the timeline image.'));
      };
      img.decoding = 'sync';
      img.src = url;
    }),
};
