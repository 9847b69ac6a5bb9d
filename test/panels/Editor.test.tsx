// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Editor } from '../../src/panels/editor/Editor.tsx';
import { docText } from '../../src/panels/editor/doc.ts';
import { EditorView } from '@codemirror/view';
import { LARGE_DOC_CHARS } from '../../src/panels/editor/check.ts';
import { DEFAULT_SCENARIO, presetById } from '../../src/sim/scenario/presets.ts';
import { flush, renderWithSim } from './harness.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

type User = ReturnType<typeof userEvent.setup>;

/** Opens the editor and waits for its lazily loaded dialog. */
async function openEditor(user: User) {
  await user.click(screen.getByRole('button', { name: 'Edit scenario' }));
  const dialog = await screen.findByRole('dialog', { name: 'Scenario editor' }, { timeout: 5000 });
  const d = within(dialog);
  return {
    dialog,
    d,
    json: d.getByRole<HTMLTextAreaElement>('textbox', { name: 'Scenario JSON' }),
    apply: d.getByRole<HTMLButtonElement>('button', { name: 'Apply' }),
    section: (name: string) => within(d.getByRole('region', { name: new RegExp(`^${name}`) })),
    task: (n: number) => within(d.getByRole('group', { name: new RegExp(`^Task group ${n}(:|$)`) })),
  };
}

/** The text of the elements that describe a control (its hint and its error). */
const description = (el: HTMLElement): string =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');

const invalid = (el: HTMLElement): boolean => el.getAttribute('aria-invalid') === 'true';

const doc = (json: HTMLTextAreaElement) => JSON.parse(json.value) as Record<string, unknown> & { machine: Record<string, unknown>; tasks: Record<string, unknown>[] };

/** Replaces the JSON text as a paste would (an input event: what both React and Preact read as onChange for a textarea). */
const setJson = (json: HTMLTextAreaElement, text: string) => fireEvent.input(json, { target: { value: text } });

// Typing through user-event re-renders the whole form per key: generous time under a loaded machine.
describe('<Editor />', { timeout: 20_000 }, () => {
  it('opens a modal dialog showing the current scenario in the form and as JSON', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const trigger = screen.getByRole('button', { name: 'Edit scenario' });
    expect(trigger.getAttribute('aria-haspopup')).toBe('dialog');
    const { dialog, json, apply, section, task } = await openEditor(user);
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    // Focus moves in from an effect, which Preact runs after the paint.
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));

    // The JSON is the loaded scenario (meta.json), defaults filled in.
    expect(JSON.parse(json.value)).toEqual(JSON.parse(store.getState().meta!.json));
    expect(json.className).toContain('ed-json-text');

    // The form holds the same.
    const scen = section('Scenario');
    expect((scen.getByLabelText<HTMLInputElement>('Name')).value).toBe('Your first livepatch');
    expect((scen.getByLabelText<HTMLSelectElement>('Kernel')).value).toBe('mainline');
    expect((scen.getByLabelText<HTMLInputElement>('Seed')).value).toBe('7');
    const machine = section('Machine');
    expect((machine.getByLabelText<HTMLInputElement>('CPUs')).value).toBe('4');
    expect((machine.getByLabelText<HTMLInputElement>('Reliable stack traces')).checked).toBe(true);
    expect(section('Task groups').getAllByRole('group', { name: /^Task group \d+/ })).toHaveLength(4);
    expect((task(1).getByLabelText<HTMLInputElement>('Comm')).value).toBe('bash');
    expect((task(1).getByLabelText<HTMLInputElement>('Count')).value).toBe('6');
    const syscalls = task(1).getByLabelText<HTMLSelectElement>('Syscalls');
    expect(Array.from(syscalls.selectedOptions, (o) => o.value)).toEqual(['getpid', 'read_cmdline', 'nanosleep']);
    expect((task(1).getByLabelText<HTMLInputElement>('User time (ms) min')).value).toBe('2');
    expect((task(1).getByLabelText<HTMLInputElement>('User time (ms) max')).value).toBe('30');
    expect((task(3).getByLabelText<HTMLSelectElement>('Kind')).value).toBe('kthread');
    expect((task(3).getByLabelText<HTMLInputElement>('Loop')).value).toBe('kthread, worker_thread');
    expect(task(3).queryByLabelText('Syscalls')).toBeNull();
    expect((task(4).getByLabelText<HTMLInputElement>('Blocked in')).value).toBe('cmdline_proc_show');
    expect((section('Script').getByLabelText<HTMLTextAreaElement>('Script')).value).toBe(DEFAULT_SCENARIO.script.join('\n'));

    expect(apply.disabled).toBe(false);
    expect(within(dialog).getByRole('status').textContent).toMatch(/Valid: mainline, 4 CPUs, 10 tasks in 4 groups/);
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('shows a bad form field at the field and in the summary, disables Apply, and applies once fixed', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const { dialog, json, apply, section } = await openEditor(user);
    const cpus = section('Machine').getByLabelText<HTMLInputElement>('CPUs');

    await user.clear(cpus);
    await user.type(cpus, '0');
    expect(doc(json).machine.cpus).toBe(0); // the JSON follows at once
    await waitFor(() => expect(invalid(cpus)).toBe(true));
    expect(description(cpus)).toContain('expected an integer from 1 to 4096, got 0');
    expect(within(dialog).getByRole('alert').textContent).toContain('machine.cpus: expected an integer from 1 to 4096, got 0');
    expect(apply.disabled).toBe(true);
    expect(invalid(json)).toBe(false);

    await user.clear(cpus);
    await user.type(cpus, '2');
    await waitFor(() => expect(apply.disabled).toBe(false));
    expect(invalid(cpus)).toBe(false);
    expect(within(dialog).queryByRole('alert')).toBeNull();
    await user.type(section('Scenario').getByLabelText('Name'), ' on two CPUs');

    await user.click(apply);
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    const s = store.getState();
    expect(s.invalid).toBeNull();
    expect(s.meta?.name).toBe('Your first livepatch on two CPUs');
    expect(s.meta?.cpus).toBe(2);
    expect(s.frame?.cpus.length).toBe(2);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit scenario' }));
  });

  it('shows a bad value typed in the JSON at its form field, and a fix in the form re-enables Apply', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { dialog, json, apply, task } = await openEditor(user);

    setJson(json, json.value.replace('"count": 2', '"count": 0'));
    const count = task(2).getByLabelText<HTMLInputElement>('Count');
    expect(count.value).toBe('0'); // the form follows at once
    await waitFor(() => expect(invalid(count)).toBe(true));
    expect(description(count)).toContain('expected an integer from 1 to 1000000, got 0');
    expect(within(dialog).getByRole('alert').textContent).toContain('tasks[1].count: expected an integer from 1 to 1000000, got 0');
    expect(apply.disabled).toBe(true);

    await user.clear(count);
    await user.type(count, '3');
    expect(doc(json).tasks[1]!.count).toBe(3);
    await waitFor(() => expect(apply.disabled).toBe(false));
    expect(invalid(count)).toBe(false);
  });

  it('keeps JSON edits in the form and fields the form does not know in the JSON', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { json, section, task } = await openEditor(user);

    const edited = { ...doc(json), name: 'Edited in JSON', kernel: 'v4.12', functions: { my_fn: { output: 'mine' } }, files: { '/proc/mine': 'my_fn' } };
    setJson(json, JSON.stringify(edited));
    expect((section('Scenario').getByLabelText<HTMLInputElement>('Name')).value).toBe('Edited in JSON');
    expect((section('Scenario').getByLabelText<HTMLSelectElement>('Kernel')).value).toBe('v4.12');

    // A form edit rewrites the JSON from the document: nothing else is lost.
    const comm = task(1).getByLabelText<HTMLInputElement>('Comm');
    await user.clear(comm);
    await user.type(comm, 'zsh');
    const after = doc(json);
    expect(after.tasks[0]!.comm).toBe('zsh');
    expect(after.functions).toEqual({ my_fn: { output: 'mine' } });
    expect(after.files).toEqual({ '/proc/mine': 'my_fn' });
    expect(after.name).toBe('Edited in JSON');
    expect(json.value).toContain('"userMs": [2, 30]');
    expect(task(1).getByRole('group', { name: 'User time (ms)' })).toBeTruthy();
  });

  it('shows a script error at its line, and what the form cannot hold at the JSON text', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { dialog, json, apply, section } = await openEditor(user);
    const script = section('Script').getByLabelText<HTMLTextAreaElement>('Script');

    await user.click(script);
    await user.keyboard('{Control>}{End}{/Control}{Enter}frobnicate now');
    expect((doc(json).script as string[]).at(-1)).toBe('frobnicate now');
    await waitFor(() => expect(invalid(script)).toBe(true));
    expect(description(script)).toContain("Line 6: unknown command 'frobnicate'");
    const alert = within(dialog).getByRole('alert');
    expect(alert.textContent).toContain("script line 6: unknown command 'frobnicate'");
    expect(apply.disabled).toBe(true);
    await user.click(within(alert).getByRole('button', { name: 'Show line 6' }));
    expect(document.activeElement).toBe(script);
    expect(script.value.slice(script.selectionStart, script.selectionEnd)).toBe('frobnicate now');

    // An unknown field has no form control: the JSON text holds the error.
    setJson(json, JSON.stringify({ ...doc(json), script: [], colour: 'blue' }));
    await waitFor(() => expect(invalid(json)).toBe(true));
    expect(invalid(script)).toBe(false);
    expect(description(json)).toContain('colour: unknown field');
    expect(apply.disabled).toBe(true);
  });

  it('shows a large document (10,000 task groups) as JSON only, and checks it as the text changes', { timeout: 60_000 }, async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const { dialog, json, apply } = await openEditor(user);
    const groups = Array.from({ length: 10_000 }, (_, i) => ({ comm: `t${i}`, count: 1, userMs: [1, 20] }));
    const big = JSON.stringify({ format: 'klpscope/1', name: 'big', tasks: groups }, null, 2);
    expect(big.length).toBeGreaterThan(LARGE_DOC_CHARS);

    setJson(json, big);
    // No form: only the note, and the JSON text.
    expect(within(dialog).queryByRole('region', { name: /^Machine/ })).toBeNull();
    expect(within(dialog).getByText(/This document is large \(\d+ kB, up to 4 MiB\): edit it as JSON/)).toBeTruthy();
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toBe('✓ Valid: mainline, 4 CPUs, 10,000 tasks in 10,000 groups, 0 modules, 0 script lines.'));

    // The JSON view is now one that lays out only the lines on screen (CodeMirror), not the textarea.
    expect(json.isConnected).toBe(false);
    const large = await within(dialog).findByRole('textbox', { name: 'Scenario JSON' }, { timeout: 20_000 });
    expect(large.getAttribute('contenteditable')).toBe('true');
    const view = EditorView.findFromDOM(large);
    if (view === null) throw new Error('no CodeMirror view');
    expect(view.state.doc.length).toBe(big.length);

    // Typing into it: a broken count is found and named; fixed again, it applies.
    const at = big.indexOf('"count": 1', big.indexOf('"t9999"'));
    const digit = at + '"count": '.length;
    act(() => view.dispatch({ changes: { from: digit, to: digit + 1, insert: '0' } }));
    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toContain('tasks[9999].count: expected an integer from 1 to 1000000, got 0'));
    expect(apply.disabled).toBe(true);
    act(() => view.dispatch({ changes: { from: digit, to: digit + 1, insert: '1' } }));
    await waitFor(() => expect(apply.disabled).toBe(false));
    await user.click(apply);
    await waitFor(() => expect(store.getState().meta?.name).toBe('big'));
  });

  it('makes the form read-only while the JSON text does not parse', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { dialog, json, apply, section } = await openEditor(user);
    const good = json.value;

    setJson(json, good.slice(0, 40));
    const cpus = section('Machine').getByLabelText<HTMLInputElement>('CPUs');
    expect(cpus.matches(':disabled')).toBe(true);
    expect(cpus.value).toBe('4'); // the last version that parsed
    await waitFor(() => expect(invalid(json)).toBe(true));
    expect(within(dialog).getByRole('alert').textContent).toMatch(/^⚠ scenario: valid JSON/);
    expect(apply.disabled).toBe(true);

    setJson(json, good);
    expect(cpus.matches(':disabled')).toBe(false);
    await waitFor(() => expect(apply.disabled).toBe(false));
  });

  it('checks again when Apply is pressed before the check of the last keystroke ran', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const { dialog, json, apply } = await openEditor(user);
    const load = vi.spyOn(store.getState(), 'load');
    setJson(json, json.value.replace('"cpus": 4', '"cpus": -1'));
    fireEvent.click(apply);
    expect(load).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBe(dialog);
    expect(within(dialog).getByRole('alert').textContent).toContain('machine.cpus');
    expect(apply.disabled).toBe(true);
  });

  it('"Reset to preset" restores the preset the scenario was opened from, and can be undone', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    await act(async () => store.getState().load({ preset: 'sleeper-stalls' }));
    await flush();
    const preset = presetById('sleeper-stalls')!;
    const { d, json, section } = await openEditor(user);
    expect(d.queryByRole('button', { name: 'Reset' })).toBeNull();
    const cpus = section('Machine').getByLabelText<HTMLInputElement>('CPUs');
    const before = cpus.value;
    await user.clear(cpus);
    await user.type(cpus, '9');
    const edited = json.value;

    await user.click(d.getByRole('button', { name: 'Reset to preset' }));
    expect(json.value).toBe(docText(preset.scenario as never));
    expect(JSON.parse(json.value)).toEqual(preset.scenario);
    expect(cpus.value).toBe(before);

    await user.click(d.getByRole('button', { name: 'Undo reset' }));
    expect(json.value).toBe(edited);
    expect(cpus.value).toBe('9');
  });

  it('"Reset" without a preset restores the scenario as it was opened', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { d, json, task } = await openEditor(user);
    const opened = json.value;
    await user.click(task(2).getByRole('button', { name: 'Remove task group 2' }));
    expect(doc(json).tasks.map((t) => t.comm)).toEqual(['bash', 'kauditd', 'slowcat']);
    expect(d.queryByRole('button', { name: 'Reset to preset' })).toBeNull();
    await user.click(d.getByRole('button', { name: 'Reset' }));
    expect(json.value).toBe(opened);
    expect(task(2).getByLabelText('Comm')).toHaveProperty('value', 'sshd');
  });

  it('closes on Escape without asking and keeps the draft for the next opening', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const first = await openEditor(user);
    const seed = first.section('Scenario').getByLabelText<HTMLInputElement>('Seed');
    await user.clear(seed);
    await user.type(seed, '42');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit scenario' }));
    expect(store.getState().meta?.name).toBe('Your first livepatch');

    const again = await openEditor(user);
    expect((again.section('Scenario').getByLabelText<HTMLInputElement>('Seed')).value).toBe('42');
    expect(doc(again.json).seed).toBe(42);
  });

  it('offers to start over when the draft was made on another scenario', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const first = await openEditor(user);
    await user.type(first.section('Scenario').getByLabelText('Name'), '!');
    await user.keyboard('{Escape}');
    await act(async () => store.getState().load({ preset: 'sleeper-stalls' }));
    await flush();

    const again = await openEditor(user);
    expect(doc(again.json).name).toBe('Your first livepatch!');
    await user.click(again.d.getByRole('button', { name: 'Start over from the open scenario' }));
    expect(doc(again.json).name).toBe(presetById('sleeper-stalls')!.scenario.name);
    expect(again.d.queryByRole('button', { name: 'Start over from the open scenario' })).toBeNull();
  });

  it('applies with Ctrl+Enter, and a fresh draft follows the applied scenario', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const { json, section } = await openEditor(user);
    const cpus = section('Machine').getByLabelText<HTMLInputElement>('CPUs');
    await user.clear(cpus);
    await user.type(cpus, '3');
    expect(doc(json).machine.cpus).toBe(3);
    await user.keyboard('{Control>}{Enter}{/Control}');
    await flush();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.getState().frame?.cpus.length).toBe(3);

    const again = await openEditor(user);
    expect(JSON.parse(again.json.value)).toEqual(JSON.parse(store.getState().meta!.json));
  });

  it('adds and removes task groups, and shows the fields of a kthread', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { json, section, task } = await openEditor(user);
    await user.click(section('Task groups').getByRole('button', { name: 'Add task group' }));
    const comm = task(5).getByLabelText<HTMLInputElement>('Comm');
    expect(document.activeElement).toBe(comm);
    expect(doc(json).tasks[4]).toEqual({ comm: 'task1', count: 1, syscalls: ['getpid'] });

    await user.selectOptions(task(5).getByLabelText('Kind'), 'kthread');
    expect(task(5).queryByLabelText('Syscalls')).toBeNull();
    await user.type(task(5).getByLabelText('Loop'), 'kthread, smpboot_thread_fn');
    await user.click(task(5).getByLabelText('forever'));
    await user.click(task(5).getByLabelText('CPU-bound'));
    expect(doc(json).tasks[4]).toEqual({ comm: 'task1', count: 1, kind: 'kthread', syscalls: ['getpid'], loop: ['kthread', 'smpboot_thread_fn'], sleepMs: 'forever', cpuBound: true });
    expect((task(5).getByLabelText<HTMLInputElement>('Sleep (ms) min')).disabled).toBe(true);

    await user.click(task(1).getByRole('button', { name: 'Remove task group 1' }));
    expect(doc(json).tasks.map((t) => t.comm)).toEqual(['sshd', 'kauditd', 'slowcat', 'task1']);
    expect(document.activeElement).toBe(section('Task groups').getByRole('button', { name: 'Add task group' }));
  });

  it('edits syscalls, ranges and offline CPUs as lists', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { dialog, json, section, task } = await openEditor(user);
    await user.deselectOptions(task(2).getByLabelText('Syscalls'), ['read_pipe']);
    expect(doc(json).tasks[1]!.syscalls).toEqual(['epoll_wait']);
    await user.deselectOptions(task(2).getByLabelText('Syscalls'), ['epoll_wait']);
    expect(doc(json).tasks[1]!.syscalls).toEqual([]);
    const syscalls = task(2).getByLabelText('Syscalls');
    await waitFor(() => expect(invalid(syscalls)).toBe(true));
    expect(description(syscalls)).toContain('a user task needs at least one syscall');
    await user.selectOptions(syscalls, ['read_tty']);

    const max = task(1).getByLabelText<HTMLInputElement>('User time (ms) max');
    await user.clear(max);
    await user.type(max, '1');
    expect(doc(json).tasks[0]!.userMs).toEqual([2, 1]);
    await waitFor(() => expect(invalid(max)).toBe(true));
    expect(description(max)).toContain('[MIN, MAX] milliseconds with 0 <= MIN <= MAX');
    await user.type(max, '00');

    const offline = section('Machine').getByLabelText<HTMLInputElement>('Offline CPUs');
    await user.type(offline, '3, ');
    expect(offline.value).toBe('3, '); // kept as typed
    expect(doc(json).machine.offline).toEqual([3]);
    await user.type(offline, '0');
    await waitFor(() => expect(invalid(offline)).toBe(true));
    expect(description(offline)).toContain('Item 2: CPU 0 cannot be offline');
    expect(within(dialog).getByRole('alert').textContent).toContain('machine.offline[1]: CPU 0 cannot be offline');
    await user.clear(offline);
    expect(doc(json).machine.offline).toBeUndefined();
    await waitFor(() => expect(within(dialog).queryByRole('alert')).toBeNull());
  });

  it('edits modules, their patched objects and functions, with the immediate flags of the kernel', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { dialog, json, section, apply } = await openEditor(user);
    const modules = section('Modules');
    await user.click(modules.getByRole('button', { name: 'Add module' }));
    const mod = within(modules.getByRole('group', { name: /^Module 1/ }));
    expect(document.activeElement).toBe(mod.getByLabelText('Name'));
    expect((doc(json).modules as unknown[])[0]).toEqual({
      name: 'livepatch_1',
      livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'this has been live patched' }] }] },
    });
    expect(mod.getByLabelText('Livepatch module')).toHaveProperty('checked', true);
    expect(mod.queryByLabelText('Patch-level immediate')).toBeNull(); // not in mainline
    expect(mod.queryByLabelText('Immediate')).toBeNull();

    await user.click(mod.getByRole('button', { name: 'Add function' }));
    const fn2 = within(mod.getByRole('group', { name: 'Function 2' }));
    expect(document.activeElement).toBe(fn2.getByLabelText('Old function'));
    await waitFor(() => expect(invalid(fn2.getByLabelText('Old function'))).toBe(true));
    expect(description(fn2.getByLabelText('Old function'))).toContain('expected a function name');
    await user.paste('meminfo_proc_show');
    await user.click(fn2.getByLabelText('New output'));
    await user.paste('patched meminfo');
    await waitFor(() => expect(apply.disabled).toBe(false));

    await user.selectOptions(section('Scenario').getByLabelText('Kernel'), 'v4.12');
    await user.click(mod.getByLabelText('Patch-level immediate'));
    await user.click(fn2.getByLabelText('Immediate'));
    const lp = (doc(json).modules as { livepatch: { immediate: boolean; objects: { funcs: unknown[] }[] } }[])[0]!.livepatch;
    expect(lp.immediate).toBe(true);
    expect(lp.objects[0]!.funcs[1]).toEqual({ old: 'meminfo_proc_show', output: 'patched meminfo', immediate: true });

    // Back on mainline, both flags stay visible to show why they are refused.
    await user.selectOptions(section('Scenario').getByLabelText('Kernel'), 'mainline');
    const patchImmediate = mod.getByLabelText('Patch-level immediate');
    await waitFor(() => expect(invalid(patchImmediate)).toBe(true));
    expect(description(patchImmediate)).toContain('patch-level immediate exists only in kernels v4.12 and rfc-v2');
    await user.click(patchImmediate);
    const funcImmediate = fn2.getByLabelText('Immediate');
    await waitFor(() => expect(invalid(funcImmediate)).toBe(true));
    expect(within(dialog).getByRole('alert').textContent).toContain('modules[0].livepatch.objects[0].funcs[1].immediate');
    await user.click(funcImmediate);
    await waitFor(() => expect(apply.disabled).toBe(false));

    await user.click(mod.getByRole('button', { name: 'Remove function 1 of patched object 1' }));
    await user.click(mod.getByRole('button', { name: 'Add patched object' }));
    expect(mod.getAllByRole('group', { name: /^Patched object/ })).toHaveLength(2);
    await user.click(mod.getByLabelText('Livepatch module'));
    expect((doc(json).modules as unknown[])[0]).toEqual({ name: 'livepatch_1' });
    await user.click(modules.getByRole('button', { name: 'Remove module 1' }));
    expect(doc(json).modules).toEqual([]);
  });

  it('saves the JSON text to NAME.klpscope.json', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { d, json } = await openEditor(user);
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:editor-test';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    await user.click(d.getByRole('button', { name: 'Save to file' }));
    expect(click).toHaveBeenCalledTimes(1);
    const clicked = click.mock.contexts[0] as HTMLAnchorElement;
    expect(clicked.isConnected).toBe(false); // removed once clicked
    expect(clicked?.download).toBe('your-first-livepatch.klpscope.json');
    expect(clicked?.href).toBe('blob:editor-test');
    expect(await blobs[0]!.text()).toBe(json.value);
  });

  it('reads a file into the editor without applying it', async () => {
    const user = userEvent.setup();
    const { store } = await renderWithSim(<Editor />);
    const { d, json, section } = await openEditor(user);
    const file = { format: 'klpscope/1', name: 'From a file', machine: { cpus: 8 }, script: ['sleep 1'] };
    const text = JSON.stringify(file, null, 4);
    await user.upload(d.getByLabelText('Open scenario file in the editor'), new File([text], 'x.json', { type: 'application/json' }));
    await waitFor(() => expect(json.value).toBe(text));
    expect((section('Machine').getByLabelText<HTMLInputElement>('CPUs')).value).toBe('8');
    expect(section('Task groups').queryAllByRole('group', { name: /^Task group/ })).toHaveLength(0);
    expect(store.getState().meta?.name).toBe('Your first livepatch');
    expect(d.getByRole('button', { name: 'Undo open file' })).toBeTruthy();
  });

  it('gives every form control a label', async () => {
    const user = userEvent.setup();
    await renderWithSim(<Editor />);
    const { dialog, section } = await openEditor(user);
    await user.click(section('Modules').getByRole('button', { name: 'Add module' }));
    const controls = dialog.querySelectorAll<HTMLElement>('input, select, textarea');
    expect(controls.length).toBeGreaterThan(40);
    for (const c of controls) {
      const labelled = c.getAttribute('aria-label') ?? c.getAttribute('aria-labelledby') ?? (c as HTMLInputElement).labels?.[0]?.textContent;
      expect(labelled, c.outerHTML).toBeTruthy();
    }
  });
});
