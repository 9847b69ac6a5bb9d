// The teaching demos: a "Demos" button for the header that opens a modal
// dialog with one card per preset, in the order a course would take them
// (PRESETS, through the small PRESET_INDEX: the documents and tours stay in
// the worker). Each card says which question the demo answers, on which kernel,
// and how many stops its guided tour has; "Open" loads it at the first stop.
// The rfc-v2 bug demos and their v4.12 fixes link to each other.
//
// The dialog's open state is the component's own unless the app controls it
// (`open` and `onOpenChange`), e.g. to open it from a keyboard shortcut.
import { trapTab } from './dialog.ts';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent, RefObject } from 'react';
import { useApp, useAppStore } from '../app/store.ts';
import type { AppStore } from '../app/store.ts';
import { PRESET_INDEX, presetEntry } from '../sim/scenario/presetIndex.ts';
import type { PresetEntry } from '../sim/scenario/presetIndex.ts';
import { SELFTEST_CASES, selftestById, selftestScenario } from '../sim/scenario/selftests/cases.ts';
import './gallery.css';

/** Loads a kernel selftest as its scenario; the selftest panel then shows its expected log beside the run's. */
export function openSelftest(store: AppStore, id: string): void {
  const c = selftestById(id);
  if (c !== undefined) store.getState().load({ scenario: selftestScenario(c) });
}

/** Loads a preset at a stop of its guided tour (the first one by default). */
export function openDemo(store: AppStore, id: string, stop = 0): void {
  store.getState().load({ preset: id, tour: stop });
}

/** The preset with the same script under another kernel, if any. */
export function twinOf(preset: { readonly compare?: string } | undefined): PresetEntry | undefined {
  return preset?.compare === undefined ? undefined : presetEntry(preset.compare);
}

export interface GalleryProps {
  /** Controls the dialog from outside (with `onOpenChange`); by default the component keeps its own state. */
  readonly open?: boolean;
  readonly onOpenChange?: (open: boolean) => void;
}

export function Gallery(props: GalleryProps) {
  const store = useAppStore();
  const current = useApp((s) => s.meta?.preset ?? null);
  const [own, setOwn] = useState(false);
  const { open: controlled, onOpenChange } = props;
  const open = controlled ?? own;
  const trigger = useRef<HTMLButtonElement>(null);
  const setOpen = useCallback(
    (value: boolean) => {
      if (controlled === undefined) setOwn(value);
      onOpenChange?.(value);
    },
    [controlled, onOpenChange],
  );
  const close = useCallback(() => setOpen(false), [setOpen]);
  const choose = useCallback(
    (id: string) => {
      openDemo(store, id);
      setOpen(false);
    },
    [store, setOpen],
  );
  const chooseSelftest = useCallback(
    (id: string) => {
      openSelftest(store, id);
      setOpen(false);
    },
    [store, setOpen],
  );
  return (
    <>
      <button ref={trigger} type="button" className="gal-trigger" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(!open)}>
        Demos
      </button>
      {open && <GalleryDialog current={current} onClose={close} onChoose={choose} onChooseSelftest={chooseSelftest} fallback={trigger} />}
    </>
  );
}


function GalleryDialog(props: {
  readonly current: string | null;
  readonly onClose: () => void;
  readonly onChoose: (id: string) => void;
  readonly onChooseSelftest: (id: string) => void;
  /** Where focus goes back to if what had it before is gone. */
  readonly fallback: RefObject<HTMLElement | null>;
}) {
  const { onClose, onChoose, fallback } = props;
  const dialog = useRef<HTMLDivElement>(null);
  const id = useId();

  // Focus moves into the dialog when it opens and back where it was when it closes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    const home = fallback.current;
    dialog.current?.focus();
    return () => {
      const target = before !== null && before.isConnected ? before : home;
      target?.focus();
    };
  }, [fallback]);

  // A modal: keys stay inside (the app's shortcuts do not run behind it), Tab cycles through it.
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    trapTab(e, dialog.current);
  };

  return (
    <div
      className="dialog-backdrop gal-backdrop"
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div ref={dialog} className="gal-dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-intro`} tabIndex={-1} onKeyDown={onKeyDown}>
        <header className="gal-head">
          <h2 id={`${id}-title`}>Teaching demos</h2>
          <button type="button" className="gal-close" onClick={onClose}>
            Close
          </button>
        </header>
        <p id={`${id}-intro`} className="gal-intro">
          Each demo answers one question about the livepatch consistency model and opens at the first stop of its guided tour. They are in course order, simplest first.
        </p>
        <ol className="gal-list">
          {PRESET_INDEX.map((p, i) => (
            <Card key={p.id} preset={p} index={i} current={props.current === p.id} onChoose={onChoose} />
          ))}
        </ol>
        <Selftests onChoose={props.onChooseSelftest} />
      </div>
    </div>
  );
}

function Card(props: { readonly preset: PresetEntry; readonly index: number; readonly current: boolean; readonly onChoose: (id: string) => void }) {
  const p = props.preset;
  const twin = twinOf(p);
  const stops = p.stops;
  return (
    <li className={`gal-card${props.current ? ' is-current' : ''}`} aria-current={props.current ? 'true' : undefined}>
      <h3 className="gal-title">
        <span className="gal-num" aria-hidden="true">
          {props.index + 1}
        </span>
        {p.title}
      </h3>
      <p className="gal-question">{p.question}</p>
      <p className="gal-facts">
        <span className="sr-only">Kernel: </span>
        <span className={`badge gal-kernel gal-kernel-${p.kernel.replace(/\W/g, '')}`}>{p.kernel}</span>
        <span className="gal-stops">
          {stops} tour {stops === 1 ? 'stop' : 'stops'}
        </span>
        {props.current && <span className="gal-now">open now</span>}
      </p>
      <div className="gal-actions">
        <button type="button" className="gal-primary" aria-label={`Open demo: ${p.title}`} onClick={() => props.onChoose(p.id)}>
          Open
        </button>
        {twin !== undefined && (
          <button type="button" aria-label={`Compare with ${twin.kernel}: ${twin.title}`} onClick={() => props.onChoose(twin.id)}>
            Compare with {twin.kernel}
          </button>
        )}
      </div>
    </li>
  );
}

const SELFTEST_FILES = ['test-livepatch.sh', 'test-callbacks.sh', 'test-sysfs.sh'] as const;

/** The kernel's own livepatch selftests, by file, each opened as a scenario. */
function Selftests(props: { readonly onChoose: (id: string) => void }) {
  const id = useId();
  return (
    <section className="gal-selftests" aria-labelledby={`${id}-st`}>
      <h2 id={`${id}-st`}>Kernel selftests</h2>
      <p className="gal-intro">
        The cases of tools/testing/selftests/livepatch, translated into scenarios with the same modules and commands. Each opens with the log the selftest expects beside this run&apos;s log; the diff turns green when they match.
      </p>
      {SELFTEST_FILES.map((file) => (
        <section key={file} className="gal-st-file">
          <h3 className="gal-title">
            <code>{file}</code>
          </h3>
          <ul className="gal-st-list">
            {SELFTEST_CASES.filter((c) => c.file === file).map((c) => (
              <li key={c.id} className="gal-st-case">
                <span>{c.test}</span>
                <button type="button" aria-label={`Open selftest: ${c.test} (${file})`} onClick={() => props.onChoose(c.id)}>
                  Open
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
