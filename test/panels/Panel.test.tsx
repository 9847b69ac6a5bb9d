// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Panel } from '../../src/panels/Panel.tsx';

afterEach(cleanup);

let explode = true;
function Fragile() {
  if (explode) throw new Error('boom in the grid');
  return <p>drawn again</p>;
}

describe('Panel', () => {
  it('is a region named by its heading', () => {
    render(<Panel name="Globals">body</Panel>);
    expect(screen.getByRole('region', { name: 'Globals' }).textContent).toContain('body');
  });

  it('keeps a failing panel to its own box, with a way to try again', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <>
        <Panel name="Task grid">
          <Fragile />
        </Panel>
        <Panel name="Kernel log">still here</Panel>
      </>,
    );
    expect(screen.getByRole('alert').textContent).toContain('boom in the grid');
    expect(screen.getByRole('region', { name: 'Kernel log' }).textContent).toContain('still here');
    explode = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.getByText('drawn again')).toBeTruthy();
    quiet.mockRestore();
  });
});
