// The task grid: every task as a cell on a canvas, by patch state (colour and
// shape), TIF_PATCH_PENDING (ring) and run state (corner marker); filters and
// grouping above, a legend below. Hover for a task's details, click or Enter
// to inspect it.
import { useCallback, useState } from 'react';
import { Panel } from './Panel.tsx';
import { Controls, GroupControl } from './taskgrid/Controls.tsx';
import { GridCanvas } from './taskgrid/GridCanvas.tsx';
import type { GridInfo } from './taskgrid/controller.ts';
import { Legend } from './taskgrid/Legend.tsx';
import { GridPinButton } from './taskgrid/PinButton.tsx';
import { DEFAULT_FILTERS } from './taskgrid/layout.ts';
import type { Filters } from './taskgrid/layout.ts';
import './taskgrid.css';

export function TaskGrid() {
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const [info, setInfo] = useState<GridInfo>({ detail: 'full', shown: '' });
  const onInfo = useCallback((i: GridInfo) => setInfo(i), []);
  return (
    <Panel
      name="Task grid"
      className="tg-panel"
      actions={
        <>
          <GroupControl filters={filters} onChange={setFilters} />
          <output className="panel-meta">{info.shown}</output>
          <GridPinButton />
        </>
      }
    >
      <Controls filters={filters} onChange={setFilters} />
      <GridCanvas filters={filters} onInfo={onInfo} />
      <Legend detail={info.detail} />
    </Panel>
  );
}
