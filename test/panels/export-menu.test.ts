import { describe, expect, it } from 'vitest';
import { buttonKey, menuKey, typeAhead } from '../../src/panels/export/menu.ts';

describe('export menu keys', () => {
  it('opens from the button on Enter, Space and Down at the first item, on Up at the last', () => {
    expect(buttonKey('Enter', 4)).toEqual({ kind: 'focus', index: 0 });
    expect(buttonKey(' ', 4)).toEqual({ kind: 'focus', index: 0 });
    expect(buttonKey('ArrowDown', 4)).toEqual({ kind: 'focus', index: 0 });
    expect(buttonKey('ArrowUp', 4)).toEqual({ kind: 'focus', index: 3 });
    expect(buttonKey('a', 4)).toBeNull();
    expect(buttonKey('Tab', 4)).toBeNull();
    expect(buttonKey('Enter', 0)).toBeNull();
  });

  it('moves with the arrows (wrapping), Home and End; runs on Enter or Space; closes on Escape; leaves on Tab', () => {
    expect(menuKey('ArrowDown', 0, 4)).toEqual({ kind: 'focus', index: 1 });
    expect(menuKey('ArrowDown', 3, 4)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKey('ArrowUp', 0, 4)).toEqual({ kind: 'focus', index: 3 });
    expect(menuKey('ArrowUp', 2, 4)).toEqual({ kind: 'focus', index: 1 });
    expect(menuKey('Home', 2, 4)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKey('End', 0, 4)).toEqual({ kind: 'focus', index: 3 });
    expect(menuKey('Enter', 2, 4)).toEqual({ kind: 'activate' });
    expect(menuKey(' ', 2, 4)).toEqual({ kind: 'activate' });
    expect(menuKey('Escape', 2, 4)).toEqual({ kind: 'close' });
    expect(menuKey('Tab', 2, 4)).toEqual({ kind: 'leave' });
    expect(menuKey('ArrowLeft', 2, 4)).toBeNull();
    expect(menuKey('x', 2, 4)).toBeNull();
  });

  it('jumps to the next item starting with a typed letter', () => {
    const labels = ['Timeline as SVG', 'Timeline as PNG', 'Trace as JSON lines', 'Log as text'];
    expect(typeAhead('l', 0, labels)).toBe(3);
    expect(typeAhead('T', 0, labels)).toBe(1);
    expect(typeAhead('t', 2, labels)).toBe(0);
    expect(typeAhead('z', 0, labels)).toBeNull();
    expect(typeAhead(' ', 0, labels)).toBeNull();
    expect(typeAhead('Enter', 0, labels)).toBeNull();
  });
});
