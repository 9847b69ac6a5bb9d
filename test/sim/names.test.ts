// The names of the simulation's codes (src/sim/names.ts): one table for each,
// keyed by the values the task table and the kernel model store.
import { describe, expect, it } from 'vitest';
import { RunState, TaskKind } from '../../src/sim/machine/tasks.ts';
import { klpStateMacro, patchStateName, runStateName, stateWord, stateWordPast, taskKindName, TASK_KIND_NAMES, RUN_STATE_NAMES } from '../../src/sim/names.ts';
import { KLP_PATCHED, KLP_UNDEFINED, KLP_UNPATCHED } from '../../src/sim/types.ts';

describe('names', () => {
  it('names every task kind by its TaskKind value', () => {
    expect(TASK_KIND_NAMES).toHaveLength(Object.keys(TaskKind).length);
    for (const [key, value] of Object.entries(TaskKind)) expect(taskKindName(value)).toBe(key.toLowerCase());
    expect(taskKindName(TASK_KIND_NAMES.length)).toBeUndefined();
  });

  it('names every run state by its RunState value (an exited task is dead)', () => {
    expect(RUN_STATE_NAMES).toHaveLength(Object.keys(RunState).length);
    for (const [key, value] of Object.entries(RunState)) expect(runStateName(value)).toBe(key.toLowerCase());
  });

  it('names the patch states in words and as the kernel\'s macros', () => {
    expect([KLP_UNDEFINED, KLP_UNPATCHED, KLP_PATCHED].map(patchStateName)).toEqual(['undefined', 'unpatched', 'patched']);
    expect(patchStateName(7)).toBe('state 7');
    expect([KLP_UNDEFINED, KLP_UNPATCHED, KLP_PATCHED].map(klpStateMacro)).toEqual(['KLP_UNDEFINED', 'KLP_UNPATCHED', 'KLP_PATCHED']);
    expect(klpStateMacro(2)).toBeUndefined();
  });

  it('says a transition to a target as the kernel does, and the state it leaves', () => {
    expect([stateWord(KLP_PATCHED), stateWord(KLP_UNPATCHED)]).toEqual(['patching', 'unpatching']);
    expect([stateWordPast(KLP_PATCHED), stateWordPast(KLP_UNPATCHED)]).toEqual(['patched', 'unpatched']);
    // The state a switch leaves is the patch state of that name.
    for (const s of [KLP_PATCHED, KLP_UNPATCHED] as const) expect(stateWordPast(s)).toBe(patchStateName(s));
  });
});
