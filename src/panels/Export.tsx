// The header's Export menu: the timeline as SVG or PNG (taken from the page),
// the trace as JSON lines and the kernel log as text (asked of the worker),
// each up to the current step and saved as a file named after the scenario.
// A menu button with a role="menu" list, kept to the WAI-ARIA pattern:
// Enter, Space or the arrows open it, the arrows, Home and End move, Enter
// runs, Escape closes, Tab leaves.
import { useEffect, useId, useRef, useState } from 'react';
import type { FocusEvent, KeyboardEvent } from 'react';
import { useApp, useAppStore } from '../app/store.ts';
import type { AppState } from '../app/store.ts';
import { chosenAxis } from './timeline/chosen.ts';
import { AXIS_PHRASE } from './timeline/axis.ts';
import type { ExportKind } from '../worker/protocol.ts';
import { buttonKey, menuKey, typeAhead } from './export/menu.ts';
import type { MenuMove } from './export/menu.ts';
import { EXPORT_ITEMS, MEDIA_TYPE, exportFilename, textFile } from './export/names.ts';
import type { ExportItem } from './export/names.ts';
import { CanvasUnavailableError, browserRaster, svgToPng } from './export/png.ts';
import type { RasterEnv } from './export/png.ts';
import { backgroundColour, findTimeline, standaloneSvg } from './export/svg.ts';
import { enNumber } from '../sim/format.ts';
import './export.css';

/** Saves `blob` as a file called `filename`. */
export type Download = (filename: string, blob: Blob) => void;

/** How long an object URL outlives the click that downloads it. */
const REVOKE_AFTER_MS = 1_000;
/** How long "Saved …" and an error stay (each goes at the next export too). */
const SAVED_FOR_MS = 5_000;
const ERROR_FOR_MS = 15_000;

/** The browser's download: a temporary <a download> clicked, its object URL revoked after. */
export function downloadFile(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

interface Status {
  readonly text: string;
  /** In progress: stays until done. Done and error go after a while. */
  readonly kind: 'progress' | 'done' | 'error';
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The timeline as a standalone SVG document, from the page as it is now. */
function timelineSvg(state: AppState) {
  const found = findTimeline(document);
  if (found === null) throw new Error('The timeline is not on the page, so there is nothing to export.');
  const styleOf = (el: Element) => getComputedStyle(el);
  const step = state.frame?.step ?? 0;
  const name = state.meta?.name ?? 'klpscope';
  const background = backgroundColour(styleOf(found.panel));
  const svg = standaloneSvg(found.svg, {
    over: found.over,
    styleOf,
    background,
    title: `${name}: tasks by patch state over ${AXIS_PHRASE[chosenAxis(state)]}, up to step ${enNumber(step)}`,
  });
  return { ...svg, background };
}

export function Export(props: {
  /** Saves a file; by default the browser's download. Tests capture it. */
  readonly download?: Download;
  /** Canvas and image loading for the PNG; by default the browser's. */
  readonly raster?: RasterEnv<unknown>;
}) {
  const download = props.download ?? downloadFile;
  const raster = props.raster ?? browserRaster;
  const store = useAppStore();
  const loaded = useApp((s) => s.frame !== null);

  const [open, setOpen] = useState(false);
  /** The item to focus once the menu is open. */
  const [active, setActive] = useState(0);
  const [status, setStatus] = useState<Status | null>(null);
  const [busy, setBusy] = useState<ExportItem | null>(null);

  const id = useId();
  const menuId = `${id}-menu`;
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  /** The worker export being waited for: its listener, to drop on unmount or a new request. */
  const waiting = useRef<(() => void) | null>(null);
  const mounted = useRef(true);

  // Focus follows the active item while the menu is open.
  useEffect(() => {
    if (open) itemRefs.current[active]?.focus();
  }, [open, active]);

  // A press outside closes the menu.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!(e.target instanceof Node) || !wrapRef.current?.contains(e.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  // The note goes away after a while; "Preparing …" stays until the file is saved.
  useEffect(() => {
    if (status === null || status.kind === 'progress') return;
    const t = setTimeout(() => setStatus(null), status.kind === 'error' ? ERROR_FOR_MS : SAVED_FOR_MS);
    return () => clearTimeout(t);
  }, [status]);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      waiting.current?.();
      waiting.current = null;
    };
  }, []);

  const save = (item: ExportItem, blob: Blob) => {
    const filename = exportFilename(store.getState().meta?.name, item);
    download(filename, blob);
    if (mounted.current) setStatus({ text: `Saved ${filename}`, kind: 'done' });
  };

  /** Asks the worker for the trace or log and saves the answer when `exported.seq` moves on. */
  const fromWorker = (item: ExportItem, what: ExportKind) => {
    waiting.current?.();
    const since = store.getState().exported?.seq ?? 0;
    const stop = () => {
      unsubscribe();
      if (waiting.current === unsubscribe) waiting.current = null;
      setBusy(null);
    };
    const unsubscribe = store.subscribe((s, prev) => {
      // The worker failed: no answer is coming.
      if (s.error !== null && s.error !== prev.error) {
        stop();
        setStatus({ text: `The ${what} could not be exported: ${s.error}`, kind: 'error' });
        return;
      }
      const e = s.exported;
      if (e === null || e.seq <= since || e.what !== what) return;
      stop();
      save(item, new Blob([textFile(e.text)], { type: MEDIA_TYPE[item] }));
    });
    waiting.current = unsubscribe;
    setBusy(item);
    setStatus({ text: what === 'trace' ? 'Preparing the trace…' : 'Preparing the log…', kind: 'progress' });
    store.getState().send({ type: 'export', what });
  };

  const run = (item: ExportItem) => {
    setStatus(null);
    try {
      switch (item) {
        case 'trace':
        case 'log':
          fromWorker(item, item);
          return;
        case 'svg': {
          const svg = timelineSvg(store.getState());
          save('svg', new Blob([svg.text], { type: MEDIA_TYPE.svg }));
          return;
        }
        case 'png': {
          const svg = timelineSvg(store.getState());
          setBusy('png');
          setStatus({ text: 'Drawing the PNG…', kind: 'progress' });
          svgToPng(svg.text, svg.width, svg.height, svg.background, raster)
            .then((blob) => save('png', blob))
            .catch((e: unknown) => {
              if (mounted.current) setStatus({ text: e instanceof CanvasUnavailableError ? e.message : `PNG export failed: ${messageOf(e)}`, kind: 'error' });
            })
            .finally(() => {
              if (mounted.current) setBusy(null);
            });
          return;
        }
      }
    } catch (e) {
      setStatus({ text: messageOf(e), kind: 'error' });
    }
  };

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const apply = (move: MenuMove, index: number) => {
    switch (move.kind) {
      case 'focus':
        setActive(move.index);
        setOpen(true);
        // Already open on that item: the effect will not run again.
        if (open && move.index === index) itemRefs.current[move.index]?.focus();
        break;
      case 'activate': {
        const item = EXPORT_ITEMS[index]?.item;
        close(true);
        if (item !== undefined && busy !== item) run(item);
        break;
      }
      case 'close':
        close(true);
        break;
      case 'leave':
        close(false);
        break;
    }
  };

  const onButtonKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const move = open && e.key === 'Escape' ? ({ kind: 'close' } as const) : buttonKey(e.key, EXPORT_ITEMS.length);
    if (move === null) return;
    // The keys are the menu's, not the app's shortcuts (Space plays, arrows step).
    e.preventDefault();
    e.stopPropagation();
    apply(move, active);
  };

  const onItemKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const labels = EXPORT_ITEMS.map((x) => x.label);
    const ahead = typeAhead(e.key, index, labels);
    const move = menuKey(e.key, index, EXPORT_ITEMS.length) ?? (ahead === null ? null : ({ kind: 'focus', index: ahead } as const));
    if (move === null) {
      // Left and right would step the simulation from inside the menu.
      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') e.stopPropagation();
      return;
    }
    if (move.kind !== 'leave') e.preventDefault();
    e.stopPropagation();
    apply(move, index);
  };

  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    const next = e.relatedTarget;
    if (open && next instanceof Node && !wrapRef.current?.contains(next)) setOpen(false);
  };

  return (
    <div className="export" ref={wrapRef} onBlur={onBlur}>
      <button
        ref={buttonRef}
        type="button"
        className="export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        disabled={!loaded}
        title="Save the timeline, the trace or the kernel log, up to the current step"
        onClick={() => {
          if (open) setOpen(false);
          else {
            setActive(0);
            setOpen(true);
          }
        }}
        onKeyDown={onButtonKey}
      >
        Export
        <span className="export-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      <div id={menuId} className="export-menu" role="menu" aria-label="Export" hidden={!open}>
        {EXPORT_ITEMS.map((x, i) => (
          <button
            key={x.item}
            ref={(el) => {
              itemRefs.current[i] = el;
            }}
            type="button"
            role="menuitem"
            className="export-item"
            tabIndex={i === active ? 0 : -1}
            aria-disabled={busy === x.item || undefined}
            onClick={() => {
              if (busy === x.item) return;
              close(true);
              run(x.item);
            }}
            onKeyDown={(e) => onItemKey(e, i)}
            onPointerEnter={() => setActive(i)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <span className={`export-status${status?.kind === 'error' ? ' export-status-error' : ''}`} role="status">
        {status?.text ?? ''}
      </span>
    </div>
  );
}
