import { describe, expect, it } from 'vitest';
import { CanvasUnavailableError, PNG_SCALE, pngSize, svgDataUrl, svgToPng } from '../../src/panels/export/png.ts';
import type { CanvasLike, Context2DLike, RasterEnv } from '../../src/panels/export/png.ts';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"><rect width="10" height="10" fill="#0072b2"/></svg>';

function fakeCanvas(opts: { context?: boolean; blob?: Blob | null } = {}) {
  const calls: unknown[][] = [];
  const ctx: Context2DLike = {
    fillStyle: '',
    scale: (x, y) => calls.push(['scale', x, y]),
    fillRect: (...a) => calls.push(['fillRect', ctx.fillStyle, ...a]),
    drawImage: (...a: unknown[]) => calls.push(['drawImage', ...a]),
  };
  const canvas: CanvasLike = {
    width: 0,
    height: 0,
    getContext: () => (opts.context === false ? null : ctx),
    toBlob: (cb, type) => {
      calls.push(['toBlob', type]);
      queueMicrotask(() => cb(opts.blob === undefined ? new Blob(['png'], { type: 'image/png' }) : opts.blob));
    },
  };
  return { canvas, calls };
}

function env(canvas: CanvasLike | null, loads: string[]): RasterEnv<{ readonly image: string }> {
  return {
    createCanvas: () => canvas,
    loadImage: async (url) => {
      loads.push(url);
      return { image: url };
    },
  };
}

describe('PNG export', () => {
  it('draws at twice the size, kept within what browsers allow', () => {
    expect(PNG_SCALE).toBe(2);
    expect(pngSize(1166, 150)).toEqual({ width: 2332, height: 300, scale: 2 });
    const huge = pngSize(20_000, 100);
    expect(huge.width).toBeLessThanOrEqual(16_384);
    expect(huge.scale).toBeLessThan(1);
  });

  it('loads the SVG from a data: URL that round-trips the document', () => {
    const url = svgDataUrl(SVG);
    expect(url.startsWith('data:image/svg+xml;charset=utf-8,')).toBe(true);
    expect(decodeURIComponent(url.slice(url.indexOf(',') + 1))).toBe(SVG);
    expect(url).not.toContain('#');
  });

  it('scales, fills the background, draws the image and encodes a PNG', async () => {
    const { canvas, calls } = fakeCanvas();
    const loads: string[] = [];
    const blob = await svgToPng(SVG, 300, 150, '#ffffff', env(canvas, loads));
    expect(await blob.text()).toBe('png');
    expect([canvas.width, canvas.height]).toEqual([600, 300]);
    expect(loads).toEqual([svgDataUrl(SVG)]);
    expect(calls).toEqual([
      ['scale', 2, 2],
      ['fillRect', '#ffffff', 0, 0, 300, 150],
      ['drawImage', { image: svgDataUrl(SVG) }, 0, 0, 300, 150],
      ['toBlob', 'image/png'],
    ]);
  });

  it('fails at once, loading nothing, where there is no canvas or no 2D context', async () => {
    const loads: string[] = [];
    await expect(svgToPng(SVG, 300, 150, '#fff', env(null, loads))).rejects.toBeInstanceOf(CanvasUnavailableError);
    await expect(svgToPng(SVG, 300, 150, '#fff', env(fakeCanvas({ context: false }).canvas, loads))).rejects.toThrow(/needs a 2D canvas.*SVG instead/);
    expect(loads).toEqual([]);
  });

  it('fails when the canvas cannot be encoded or the image not loaded', async () => {
    await expect(svgToPng(SVG, 300, 150, '#fff', env(fakeCanvas({ blob: null }).canvas, []))).rejects.toThrow(/could not encode/);
    const broken: RasterEnv<never> = { createCanvas: () => fakeCanvas().canvas, loadImage: () => Promise.reject(new Error('bad image')) };
    await expect(svgToPng(SVG, 300, 150, '#fff', broken)).rejects.toThrow('bad image');
  });
});
