// The CPUs: each one's state, what runs on it, its idle task (swapper/N) with
// that task's patch state, and its run-queue length; a button takes it
// offline or brings it back through the shell, as the script would.
import { memo } from 'react';
import { useSpotlight } from '../app/spotlight.ts';
import { useApp, useAppStore } from '../app/store.ts';
import type { CpuView } from '../sim/view.ts';
import { Panel } from './Panel.tsx';
import { patchStateName } from '../sim/names.ts';
import { StateSwatch } from './taskgrid/Swatch.tsx';
import './taskgrid.css';

export const cpuOnlineCommand = (cpu: number, online: boolean): string => `echo ${online ? 1 : 0} > /sys/devices/system/cpu/cpu${cpu}/online`;

export function Cpus() {
  const cpus = useApp((s) => s.frame?.cpus);
  const comms = useApp((s) => s.comms);
  const spot = useSpotlight().cpu;
  const online = cpus?.filter((c) => c.online).length ?? 0;
  return (
    <Panel name="CPUs" className="cpus-panel" actions={cpus && <span className="panel-meta">{`${online} of ${cpus.length} online`}</span>}>
      {cpus === undefined ? (
        <p className="cpu-idle">loading…</p>
      ) : (
        <table className="cpus-table">
          <thead>
            <tr>
              <th scope="col">CPU</th>
              <th scope="col">Running</th>
              <th scope="col">Idle task</th>
              <th scope="col" className="num" title="Tasks waiting in the run queue">
                Queue
              </th>
              <th scope="col">
                <span className="sr-only">Hotplug</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {cpus.map((c) => (
              <CpuRow key={c.cpu} {...rowProps(c, comms, c.cpu === spot)} />
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

interface RowProps {
  readonly cpu: number;
  readonly online: boolean;
  readonly curr: string | null;
  readonly currState: number;
  readonly currPending: boolean;
  readonly idleName: string;
  readonly idleState: number;
  readonly idlePending: boolean;
  readonly queued: number;
  /** The tour stop is about this CPU. */
  readonly spotlit: boolean;
}

function rowProps(c: CpuView, comms: readonly string[], spotlit: boolean): RowProps {
  return {
    cpu: c.cpu,
    online: c.online,
    curr: c.curr?.name ?? null,
    currState: c.curr?.patchState ?? 0,
    currPending: c.curr?.pending ?? false,
    idleName: comms[c.idle.task] ?? c.idle.name,
    idleState: c.idle.patchState,
    idlePending: c.idle.pending,
    queued: c.queued,
    spotlit,
  };
}

const CpuRow = memo(function CpuRow(p: RowProps) {
  const store = useAppStore();
  const label = p.online ? `Take CPU ${p.cpu} offline` : `Bring CPU ${p.cpu} online`;
  return (
    <tr className={[p.online ? '' : 'cpu-offline', p.spotlit ? 'is-spotlit' : ''].join(' ').trim() || undefined} aria-current={p.spotlit ? 'true' : undefined}>
      <th scope="row">{p.cpu}</th>
      <td>
        {!p.online ? (
          <span className="cpu-off">offline</span>
        ) : p.curr === null ? (
          <span className="cpu-idle">idle</span>
        ) : (
          <span className="cpu-task" title={`${p.curr}: ${patchStateName(p.currState)}${p.currPending ? ', TIF_PATCH_PENDING set' : ''}`}>
            <StateSwatch state={p.currState} pending={p.currPending} size={14} />
            <span className="mono">{p.curr}</span>
          </span>
        )}
      </td>
      <td>
        <span className="cpu-task">
          <StateSwatch state={p.idleState} pending={p.idlePending} size={14} />
          <span className="mono">{p.idleName}</span>
          <span className="cpu-state">
            {patchStateName(p.idleState)}
            {p.idlePending && ', pending'}
          </span>
        </span>
      </td>
      <td className="num">{p.queued}</td>
      <td>
        <button
          type="button"
          aria-label={label}
          title={p.cpu === 0 ? 'CPU 0 cannot go offline' : `${label}: ${cpuOnlineCommand(p.cpu, !p.online)}`}
          disabled={p.cpu === 0}
          onClick={() => store.getState().act(cpuOnlineCommand(p.cpu, !p.online))}
        >
          {p.online ? 'Offline' : 'Online'}
        </button>
      </td>
    </tr>
  );
});
