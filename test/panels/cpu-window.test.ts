import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CPU_WINDOW_FROM, OVERSCAN, cpuWindow } from '../../src/panels/cpus/window.ts';

describe('cpuWindow', () => {
  it('draws the rows in view and OVERSCAN either side, under a one-row heading', () => {
    // 27 px rows, 270 px of view at the top: the heading and rows 0-8 show.
    expect(cpuWindow(256, 0, 270, 27)).toEqual({ first: 0, last: 9 + OVERSCAN, before: 0, after: (255 - 9 - OVERSCAN) * 27 });
    // Scrolled to row 100 (its top at 101 rows down, under the heading).
    const w = cpuWindow(256, 101 * 27, 270, 27);
    expect(w.first).toBe(100 - OVERSCAN);
    expect(w.last).toBe(110 + OVERSCAN);
    // At the bottom, the last row is drawn and nothing stands in after it.
    expect(cpuWindow(256, 257 * 27 - 270, 270, 27)).toMatchObject({ last: 255, after: 0 });
    expect(CPU_WINDOW_FROM).toBe(16);
  });

  it('always covers the rows in view, and the spacers and drawn rows add up to the whole table', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 10, max: 40 }), fc.nat(200_000), fc.integer({ min: 1, max: 2000 }), (count, row, scroll, height) => {
        const total = (count + 1) * row;
        const top = Math.min(scroll, Math.max(0, total - height));
        const w = cpuWindow(count, top, height, row);
        expect(w.first).toBeGreaterThanOrEqual(0);
        expect(w.last).toBeLessThan(count);
        expect(w.first).toBeLessThanOrEqual(w.last);
        expect(w.before + (w.last - w.first + 1) * row + w.after).toBe(count * row);
        // Every row that meets the view below the sticky heading is drawn.
        for (let r = 0; r < count; r++) {
          const y = (r + 1) * row;
          if (y + row > top + row && y < top + height) {
            expect(r).toBeGreaterThanOrEqual(w.first);
            expect(r).toBeLessThanOrEqual(w.last);
          }
        }
      }),
    );
  });
});
