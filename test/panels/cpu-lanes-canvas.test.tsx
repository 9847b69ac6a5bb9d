// @vitest-environment jsdom
// The CPU lanes' canvas reads the theme's colours once a theme, not at every
// drawing: read after a render's changes, they made the browser compute styles.
import { render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CpuLanesCanvas } from '../../src/panels/timeline/lanes/CpuLanesCanvas.tsx';
import type { CpuLanesCanvasProps } from '../../src/panels/timeline/lanes/CpuLanesCanvas.tsx';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('CpuLanesCanvas', () => {
  it('draws again with the colours it read, and reads them again when the colour scheme changes', () => {
    const fills: string[] = [];
    const none = () => undefined;
    const ctx = {
      font: '',
      textBaseline: '',
      strokeStyle: '',
      lineWidth: 1,
      set fillStyle(v: string) {
        fills.push(v);
      },
      ...Object.fromEntries(['setTransform', 'clearRect', 'fillRect', 'strokeRect', 'beginPath', 'moveTo', 'lineTo', 'stroke', 'fillText'].map((m) => [m, none])),
    };
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(ctx as unknown as CanvasRenderingContext2D);
    document.documentElement.style.setProperty('--bg', 'rgb(1, 2, 3)');
    const styles = vi.spyOn(window, 'getComputedStyle');
    let schemeChanged: (() => void) | null = null;
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener: (_: string, f: () => void) => (schemeChanged = f), removeEventListener: () => undefined }));
    const props: CpuLanesCanvasProps = {
      runs: [[{ step: 0, time: 0, cpu: 0, task: 1 }], [{ step: 0, time: 0, cpu: 1, task: 2 }]],
      kindOf: () => 0,
      comms: ['swapper', 'bash', 'sshd'],
      w: { px: (p) => p.step, left: 0, right: 100, end: { step: 50, time: 50 } },
      width: 100,
      laneH: 10,
      gap: 2,
    };
    const view = render(<CpuLanesCanvas {...props} />);
    expect(styles).toHaveBeenCalledTimes(1);
    expect(fills).toContain('rgb(1, 2, 3)');
    view.rerender(<CpuLanesCanvas {...props} width={200} w={{ ...props.w, right: 200 }} />);
    view.rerender(<CpuLanesCanvas {...props} runs={[...props.runs, [{ step: 3, time: 3, cpu: 2, task: 1 }]]} />);
    expect(styles).toHaveBeenCalledTimes(1);
    fills.length = 0;
    document.documentElement.style.setProperty('--bg', 'rgb(9, 9, 9)');
    (schemeChanged as (() => void) | null)?.();
    view.rerender(<CpuLanesCanvas {...props} />);
    expect(styles).toHaveBeenCalledTimes(2);
    expect(fills).toContain('rgb(9, 9, 9)');
  });
});
