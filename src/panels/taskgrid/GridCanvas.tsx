// The grid itself: a canvas the size of its viewport, inside a scroller whose
// spacer is as tall as the layout. The painting, the pointer and the keys
// belong to a controller (./controller.ts) created in a layout effect; React
// renders the elements, the tooltip and the words for screen readers.
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { useApp, useAppStore } from '../../app/store.ts';
import { createGridController } from './controller.ts';
import type { GridController, GridInfo, Tip } from './controller.ts';
import { taskFacts } from './describe.ts';
import type { Filters } from './layout.ts';

export function GridCanvas(props: { readonly filters: Filters; readonly onInfo: (info: GridInfo) => void }) {
  const store = useAppStore();
  const scrollRef = useRef<HTMLDivElement>(null);
  const spacerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const [announce, setAnnounce] = useState('');
  const cursorId = useId();
  const controller = useRef<GridController | null>(null);
  const onInfo = useRef(props.onInfo);
  const filters = useRef(props.filters);

  // Layout effects, not passive ones: under Preact a passive effect runs only after the next
  // frame, so the first frame would show an empty grid. The controller paints as it is made.
  useLayoutEffect(() => {
    onInfo.current = props.onInfo;
  }, [props.onInfo]);

  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    const spacer = spacerRef.current;
    const canvas = canvasRef.current;
    if (scroller === null || spacer === null || canvas === null) return;
    const c = createGridController({ scroller, spacer, canvas, onInfo: (i) => onInfo.current(i), onTip: setTip, onAnnounce: setAnnounce }, store, { filters: filters.current });
    controller.current = c;
    return () => {
      c.destroy();
      controller.current = null;
    };
  }, [store]);

  useLayoutEffect(() => {
    filters.current = props.filters;
    controller.current?.update({ filters: props.filters });
  }, [props.filters]);

  return (
    <div className="tg-view">
      <div className="tg-scroll" ref={scrollRef}>
        <div className="tg-spacer" ref={spacerRef}>
          <canvas ref={canvasRef} className="tg-canvas" tabIndex={0} role="application" aria-roledescription="task grid" aria-describedby={cursorId} />
        </div>
      </div>
      {tip !== null && <TaskTip tip={tip} />}
      <p id={cursorId} className="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

function TaskTip(props: { readonly tip: Tip }) {
  const { tip } = props;
  const text = useApp((s) => {
    const f = s.live ?? s.frame;
    const facts = f === null ? undefined : taskFacts(f.tasks, s.comms, tip.task);
    if (facts === undefined) return '';
    const where = facts.run === 'running' ? `running on CPU ${facts.cpu}` : `${facts.run} · CPU ${facts.cpu}`;
    return [facts.name, `${facts.kind} · ${facts.state}${facts.pending ? ' · TIF_PATCH_PENDING' : ''}`, where].join('\n');
  });
  if (text === '') return null;
  const [name, ...rest] = text.split('\n');
  const style = tip.flip ? { left: tip.x - 6, top: tip.y } : { left: tip.x + tip.size + 6, top: tip.y };
  return (
    <div className={`tg-tip${tip.flip ? ' tg-tip-flip' : ''}`} style={style} role="tooltip">
      <strong className="mono">{name}</strong>
      {rest.map((line) => (
        <span key={line}>{line}</span>
      ))}
    </div>
  );
}
