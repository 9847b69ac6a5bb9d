// The CPUs: each one's state, what runs on it, its idle task (swapper/N) with
// that task's patch state, and its run-queue length; a button takes it
// offline or brings it back through the shell, as the script would. A
// machine of more than CPU_WINDOW_FROM CPUs shows only the rows in view and
// a few either side (./cpus/window.ts): the panel shows a handful of rows,
// and 64 or 256 rows re-laid out at every frame cost a playing page more than
// all its other panels but the timeline.
import { memo, useLayoutEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import { useSpotlight } from '../app/spotlight.ts';
import { useApp, useAppStore } from '../app/store.ts';
import type { CpuView } from '../sim/view.ts';
import { Panel } from './Panel.tsx';
import { patchStateName } from '../sim/names.ts';
import { StateSwatch } from './taskgrid/Swatch.tsx';
import { CPU_WINDOW_FROM, FALLBACK_ROW_HEIGHT, FALLBACK_VIEW_HEIGHT, cpuWindow } from './cpus/window.ts';
import type { CpuWindow } from './cpus/window.ts';
import './taskgrid.css';

export const cpuOnlineCommand = (cpu: number, online: boolean): string => `echo ${online ? 1 : 0} > /sys/devices/system/cpu/cpu${cpu}/online`;

export function Cpus() {
  const cpus = useApp((s) => s.frame?.cpus);
  const comms = useApp((s) => s.comms);
  const spot = useSpotlight().cpu;
  const online = cpus?.filter((c) => c.online).length ?? 0;
  const count = cpus?.length ?? 0;
  const tableRef = useRef<HTMLTableElement>(null);
  const win = useRowWindow(tableRef, count, spot);
  const rows = cpus === undefined ? [] : win === null ? cpus : cpus.slice(win.first, win.last + 1);
  return (
    <Panel name="CPUs" className="cpus-panel" actions={cpus && <span className="panel-meta">{`${online} of ${cpus.length} online`}</span>}>
      {cpus === undefined ? (
        <p className="cpu-idle">loading…</p>
      ) : (
        <table className={win === null ? 'cpus-table' : 'cpus-table is-windowed'} ref={tableRef} aria-rowcount={win === null ? undefined : count + 1}>
          {win !== null && (
            <colgroup>
              <col className="c-cpu" />
              <col />
              <col />
              <col className="c-queue" />
              <col className="c-hotplug" />
            </colgroup>
          )}
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
            {win !== null && <Spacer height={win.before} />}
            {rows.map((c) => (
              <CpuRow key={c.cpu} {...rowProps(c, comms, c.cpu === spot)} rowIndex={win === null ? undefined : c.cpu + 2} />
            ))}
            {win !== null && <Spacer height={win.after} />}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** Stands in for the rows out of view, so that the scroller keeps its height. */
function Spacer(props: { readonly height: number }) {
  if (props.height <= 0) return null;
  return (
    <tr className="cpu-spacer" aria-hidden="true">
      <td colSpan={5} style={{ height: props.height }} />
    </tr>
  );
}

/**
 * The rows to render of a table of `count` CPUs, null for all of them (up to
 * CPU_WINDOW_FROM): from the scroll offset and height of the panel's body,
 * and the height of a row as drawn. A spotlit CPU is scrolled into view.
 */
function useRowWindow(tableRef: RefObject<HTMLTableElement | null>, count: number, spot: number | undefined): CpuWindow | null {
  const windowed = count > CPU_WINDOW_FROM;
  const [view, setView] = useState({ top: 0, height: FALLBACK_VIEW_HEIGHT, row: FALLBACK_ROW_HEIGHT });
  const win = windowed ? cpuWindow(count, view.top, view.height, view.row) : null;
  useLayoutEffect(() => {
    const table = tableRef.current;
    const scroller = table?.closest('.panel-body');
    if (!windowed || !(scroller instanceof HTMLElement) || table === null) return;
    const read = () => {
      // A drawn row (not a spacer) gives the row height; jsdom draws none.
      const drawn = table.querySelector<HTMLElement>('tbody tr:not(.cpu-spacer)')?.getBoundingClientRect().height ?? 0;
      const next = { top: scroller.scrollTop, height: scroller.clientHeight || FALLBACK_VIEW_HEIGHT, row: drawn > 0 ? drawn : FALLBACK_ROW_HEIGHT };
      // Rendered again only when that changes which rows are drawn.
      setView((v) => {
        const a = cpuWindow(count, v.top, v.height, v.row);
        const b = cpuWindow(count, next.top, next.height, next.row);
        return a.first === b.first && a.last === b.last && v.row === next.row ? v : next;
      });
    };
    read();
    scroller.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : null;
    ro?.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, [tableRef, windowed, count]);
  // A tour stop about a CPU out of view: scroll its row in.
  useLayoutEffect(() => {
    const scroller = tableRef.current?.closest('.panel-body');
    if (!windowed || spot === undefined || !(scroller instanceof HTMLElement)) return;
    const y = (spot + 1) * view.row;
    if (y < scroller.scrollTop + view.row || y + view.row > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = Math.max(0, y - view.row);
    // Only when the spotlight moves: the reader's own scrolling is left alone.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [spot, windowed]);
  return win;
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
  /** Its row in the whole table (aria-rowindex, the heading is row 1) when only some rows are drawn. */
  readonly rowIndex?: number | undefined;
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
    <tr className={[p.online ? '' : 'cpu-offline', p.spotlit ? 'is-spotlit' : ''].join(' ').trim() || undefined} aria-current={p.spotlit ? 'true' : undefined} aria-rowindex={p.rowIndex}>
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
