// The timeline's axis: where a point of the trace goes on simulated time and
// on the event axis, their ticks and zoom limits, the step a pixel means, and
// which axis a trace gets by default.
import { describe, expect, it } from 'vitest';
import { AXIS_TITLE, autoAxis, axisDomain, axisMaxZoom, axisScale, axisTicks, axisValue, stepAt } from '../../src/panels/timeline/axis.ts';
import type { TracePoint } from '../../src/panels/timeline/axis.ts';
import { countScale, countTicks, heldSamples, layout } from '../../src/panels/timeline/scales.ts';
import type { Sample } from '../../src/worker/protocol.ts';

const pt = (step: number, time: number): TracePoint => ({ step, time });
const sample = (step: number, time: number, c: Partial<Sample> = {}): Sample => ({ step, time, undefined: 0, unpatched: 0, patched: 0, pending: 0, ...c });

describe('axis scales', () => {
  it('places a point by its time in seconds, or by its step', () => {
    expect(axisValue('time', pt(40, 2_500_000))).toBe(2.5);
    expect(axisValue('event', pt(40, 2_500_000))).toBe(40);
  });

  it('spans 0 .. the end of the trace on either axis, never an empty domain', () => {
    expect(axisDomain('time', pt(500, 4_000_000))).toEqual([0, 4]);
    expect(axisDomain('event', pt(500, 4_000_000))).toEqual([0, 500]);
    // A trace all at 0 s: the time axis keeps a millisecond, the event axis spreads the events.
    expect(axisDomain('time', pt(18, 0))).toEqual([0, 0.001]);
    expect(axisDomain('event', pt(18, 0))).toEqual([0, 18]);
    expect(axisDomain('event', pt(0, 0))).toEqual([0, 1]);
    const x = axisScale('event', pt(18, 0), 100, 280);
    expect(x(0)).toBe(100);
    expect(x(9)).toBe(190);
    expect(x(18)).toBe(280);
  });

  it('zooms in down to 20 µs of time or 8 events', () => {
    expect(axisMaxZoom('time', pt(1, 4_000_000))).toBe(200_000);
    expect(axisMaxZoom('event', pt(800, 4_000_000))).toBe(100);
    expect(axisMaxZoom('event', pt(4, 0))).toBe(1);
  });

  it('ticks whole event numbers on the event axis, seconds on the time axis', () => {
    const l = layout(960);
    const w = l.plotRight - l.plotLeft;
    const ev = axisTicks('event', axisScale('event', pt(18, 0), l.plotLeft, l.plotRight), w, pt(18, 0));
    expect(ev.length).toBeGreaterThan(1);
    for (const t of ev) {
      expect(Number.isInteger(t.value)).toBe(true);
      expect(t.label).toBe(t.value.toLocaleString('en'));
    }
    expect(ev.at(-1)!.value).toBeLessThanOrEqual(18);
    const big = axisTicks('event', axisScale('event', pt(20_000, 0), l.plotLeft, l.plotRight), w, pt(20_000, 0));
    expect(big.map((t) => t.label)).toContain('10,000');
    const time = axisTicks('time', axisScale('time', pt(10, 4_000_000), l.plotLeft, l.plotRight), w, pt(10, 4_000_000));
    expect(time.map((t) => t.label)).toContain('2 s');
    // All at 0 s: one tick.
    expect(axisTicks('time', axisScale('time', pt(18, 0), l.plotLeft, l.plotRight), w, pt(18, 0))).toEqual([{ value: 0, label: '0 s' }]);
    expect(AXIS_TITLE).toEqual({ time: 'simulated time (s)', event: 'event #' });
  });

  it('scrubs the event axis to the nearest event, within the trace', () => {
    const x = axisScale('event', pt(100, 0), 0, 1000);
    expect(stepAt(x, 0, 100)).toBe(0);
    expect(stepAt(x, 414, 100)).toBe(41);
    expect(stepAt(x, 416, 100)).toBe(42);
    expect(stepAt(x, -50, 100)).toBe(0);
    expect(stepAt(x, 2000, 100)).toBe(100);
    // Zoomed in: every pixel of a 10-event window is a tenth of an event, and each event is reached.
    const zoomed = x.copy().domain([40, 50]);
    const reached = new Set(Array.from({ length: 1001 }, (_, i) => stepAt(zoomed, i, 100)));
    expect([...reached].sort((a, b) => a - b)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
  });

  it('holds the last sample to the end point, by step and time', () => {
    const held = heldSamples([sample(0, 0, { undefined: 5 }), sample(3, 0, { patched: 5 })], pt(18, 0));
    expect(held.at(-1)).toMatchObject({ step: 18, time: 0, patched: 5 });
  });
});

describe('the default axis', () => {
  const end = pt(1000, 4_000_000);
  it('is the event axis when the whole trace is at one instant', () => {
    expect(autoAxis([pt(0, 0), pt(5, 0)], pt(18, 0))).toBe('event');
  });

  it('is the event axis when half the points fall within 1% of the span (18 of 19 tasks switch within 4 ms)', () => {
    const pass = Array.from({ length: 18 }, (_, i) => pt(10 + i, 1_000 + i * 200));
    const rest = [pt(900, 3_500_000), pt(950, 4_000_000)];
    expect(autoAxis([...pass, ...rest], end)).toBe('event');
  });

  it('is the time axis when the points are spread over the run', () => {
    const spread = Array.from({ length: 20 }, (_, i) => pt(i * 50, i * 200_000));
    expect(autoAxis(spread, end)).toBe('time');
    // Exactly half at one instant is enough for the event axis; fewer is not.
    const half = [...Array.from({ length: 10 }, (_, i) => pt(i, 0)), ...spread.slice(10)];
    expect(autoAxis(half, end)).toBe('event');
    expect(autoAxis(half.slice(1), end)).toBe('time');
  });

  it('is the time axis before anything is computed, or with too few points to judge', () => {
    expect(autoAxis([], pt(0, 0))).toBe('time');
    expect(autoAxis([pt(1, 0), pt(2, 10)], end)).toBe('time');
  });
});

describe('the count axis', () => {
  it('reads the live tasks before any sample, and the most tasks ever recorded after', () => {
    const l = layout(960);
    expect(countScale([], l, 19).domain()).toEqual([0, 19]);
    expect(countTicks(countScale([], l, 19))).toEqual([0, 10, 19]);
    expect(countScale([sample(0, 0, { undefined: 19 }), sample(5, 0, { undefined: 21 })], l, 19).domain()).toEqual([0, 21]);
    expect(countScale([], l, 0).domain()).toEqual([0, 1]);
  });
});
