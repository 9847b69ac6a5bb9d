// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScenarioPicker } from '../../src/panels/ScenarioPicker.tsx';
import { renderWithSim } from './harness.tsx';
import reverse from '../scenarios/03-mainline-reverse-stalled.json';

afterEach(cleanup);

const jsonFile = (text: string, name = 'scenario.json') => new File([text], name, { type: 'application/json' });

describe('ScenarioPicker', () => {
  it('opens a scenario file chosen with the button', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<ScenarioPicker />);
    expect(store.getState().meta?.name).toBe('Your first livepatch');
    const input = screen.getByLabelText<HTMLInputElement>('Open a scenario file');
    const click = vi.spyOn(input, 'click');
    await user.click(screen.getByRole('button', { name: 'Open scenario…' }));
    expect(click).toHaveBeenCalled();
    await user.upload(input, jsonFile(JSON.stringify(reverse)));
    await waitFor(() => expect(store.getState().meta?.name).toBe(reverse.name));
    expect(store.getState().invalid).toBeNull();
  });

  it('keeps the open scenario and reports why when the file is not valid JSON', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<ScenarioPicker />);
    await user.upload(screen.getByLabelText('Open a scenario file'), jsonFile('{ "format": "klpscope/1", '));
    await waitFor(() => expect(store.getState().invalid).toMatch(/valid JSON/));
    expect(store.getState().meta?.name).toBe('Your first livepatch');
    expect(store.getState().frame).not.toBeNull();
  });

  it('keeps the open scenario when the document does not validate', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<ScenarioPicker />);
    await user.upload(screen.getByLabelText('Open a scenario file'), jsonFile(JSON.stringify({ format: 'klpscope/1', machine: { cpus: 'four' } })));
    await waitFor(() => expect(store.getState().invalid).toMatch(/machine\.cpus/));
    expect(store.getState().meta?.name).toBe('Your first livepatch');
  });

  it('shows a drop hint while a file is dragged over the page and opens the dropped file', async () => {
    const { store } = await renderWithSim(<ScenarioPicker />);
    const file = jsonFile(JSON.stringify(reverse));
    const dataTransfer = { types: ['Files'], files: [file], dropEffect: 'none' };
    expect(screen.queryByText('Drop a scenario .json file to open it')).toBeNull();
    fireEvent.dragEnter(window, { dataTransfer });
    fireEvent.dragOver(window, { dataTransfer });
    expect(screen.getByRole('status').textContent).toBe('Drop a scenario .json file to open it');
    fireEvent.dragLeave(window, { dataTransfer });
    expect(screen.queryByRole('status')).toBeNull();
    fireEvent.dragEnter(window, { dataTransfer });
    fireEvent.drop(window, { dataTransfer });
    expect(screen.queryByRole('status')).toBeNull();
    await waitFor(() => expect(store.getState().meta?.name).toBe(reverse.name));
  });

  it('ignores dragging things that are not files', async () => {
    await renderWithSim(<ScenarioPicker />);
    fireEvent.dragEnter(window, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(screen.queryByRole('status')).toBeNull();
  });
});
