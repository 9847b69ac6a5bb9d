// The grid's pin control: pins the selected task's lane on the timeline, or
// unpins it (the same as P on the grid, or "Pin lane" in the inspector).
import { useApp } from '../../app/store.ts';

export function GridPinButton() {
  const task = useApp((s) => s.frame?.selected?.task ?? null);
  const pinned = useApp((s) => (task === null ? false : (s.frame?.lanes.pinned.includes(task) ?? false)));
  const who = useApp((s) => (task === null ? null : `${s.comms[task] ?? 'task'} (pid ${s.frame?.tasks.pid[task] ?? '?'})`));
  const send = useApp((s) => s.send);
  return (
    <button
      type="button"
      className="tg-pin"
      aria-pressed={pinned}
      disabled={task === null}
      aria-label={who === null ? 'Pin the selected task (none selected)' : `Pin the lane of ${who}`}
      title={who === null ? 'Select a task in the grid to pin its lane on the timeline (P)' : `${pinned ? 'Unpin' : 'Pin'} the lane of ${who} on the timeline (P)`}
      onClick={() => {
        if (task !== null) send({ type: 'pin', task, on: !pinned });
      }}
    >
      {pinned ? '● Pin' : 'Pin'}
    </button>
  );
}
