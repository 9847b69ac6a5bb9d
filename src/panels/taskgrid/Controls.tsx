// The grid's filters, by name (comm or pid), kind and state, and its grouping.
import { TASK_KIND_NAMES } from '../../sim/names.ts';
import type { TaskKindName } from '../../sim/names.ts';
import type { Filters, GroupBy, StateFilter } from './layout.ts';

const STATE_LABELS: Record<StateFilter, string> = { all: 'any state', undefined: 'undefined', unpatched: 'unpatched', patched: 'patched', pending: 'pending' };
const GROUP_LABELS: Record<GroupBy, string> = { none: 'nothing', name: 'name', kind: 'kind', state: 'state' };

export function Controls(props: { readonly filters: Filters; readonly onChange: (f: Filters) => void }) {
  const { filters: f, onChange } = props;
  return (
    <div className="tg-controls" role="group" aria-label="Filter tasks">
      <label>
        <span>Name</span>
        <input type="search" className="tg-text" placeholder="comm or pid" value={f.text} onChange={(e) => onChange({ ...f, text: e.target.value })} />
      </label>
      <label>
        <span>Kind</span>
        <select value={f.kind} onChange={(e) => onChange({ ...f, kind: e.target.value as TaskKindName | 'all' })}>
          <option value="all">all kinds</option>
          {TASK_KIND_NAMES.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>State</span>
        <select value={f.state} onChange={(e) => onChange({ ...f, state: e.target.value as StateFilter })}>
          {(Object.keys(STATE_LABELS) as StateFilter[]).map((s) => (
            <option key={s} value={s}>
              {STATE_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** How the cells are grouped (in the panel's heading). */
export function GroupControl(props: { readonly filters: Filters; readonly onChange: (f: Filters) => void }) {
  const { filters: f, onChange } = props;
  return (
    <label className="tg-group">
      <span>Group by</span>
      <select value={f.group} onChange={(e) => onChange({ ...f, group: e.target.value as GroupBy })}>
        {(Object.keys(GROUP_LABELS) as GroupBy[]).map((g) => (
          <option key={g} value={g}>
            {GROUP_LABELS[g]}
          </option>
        ))}
      </select>
    </label>
  );
}
