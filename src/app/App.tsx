// The page: header, transport, notices, and the panels.
import { lazy, Suspense, useCallback } from 'react';
import type { ReactElement } from 'react';
import { EMBED_DEFAULT_PANELS, isPanelId, unknownPanelsMessage } from './link.ts';
import type { PanelId } from './link.ts';
import { useUrlSync } from './useUrlSync.ts';
import { CopyLink } from '../panels/CopyLink.tsx';
import { trapTab } from '../panels/dialog.ts';
import { Gallery } from '../panels/Gallery.tsx';
import { Export } from '../panels/Export.tsx';
import { Editor } from '../panels/editor/Editor.tsx';
import { Tour } from '../panels/Tour.tsx';
import { COMMANDS } from './commands.ts';
import { useApp } from './store.ts';
import { useShortcuts } from './useShortcuts.ts';
import { useSpotlightArrival } from './spotlight.ts';
import { Guarantees } from '../panels/Guarantees.tsx';
import { Transport } from '../panels/Transport.tsx';
import { TaskGrid } from '../panels/TaskGrid.tsx';
import { Cpus } from '../panels/Cpus.tsx';
import { FuncStacks } from '../panels/FuncStacks.tsx';
import { Globals } from '../panels/Globals.tsx';
import { Inspector } from '../panels/Inspector.tsx';
import { Timeline } from '../panels/Timeline.tsx';
import { KernelLog } from '../panels/KernelLog.tsx';
import { SelftestCheck } from '../panels/SelftestCheck.tsx';
import { Narration } from '../panels/Narration.tsx';
import { Actions } from '../panels/Actions.tsx';
import { ScenarioPicker } from '../panels/ScenarioPicker.tsx';
import { KernelCode } from '../panels/code/KernelCode.tsx';
import { CompareMenu } from '../panels/compare/CompareMenu.tsx';
import { SearchDialog } from '../panels/search/SearchDialog.tsx';
import { enNumber } from '../sim/format.ts';

// Compare mode (with jsdiff) is a chunk of its own, fetched when a comparison opens: the first frame does not need it.
const Compare = lazy(() => import('../panels/compare/Compare.tsx').then((m) => ({ default: m.Compare })));

export function App() {
  useShortcuts();
  useUrlSync();
  const embed = useApp((s) => s.embed);
  const presenter = useApp((s) => s.presenter && s.frame?.tour != null);
  return (
    <>
      {embed ? <EmbeddedApp /> : presenter ? <PresenterApp /> : <PageApp />}
      <SpotlightArrival />
    </>
  );
}

/**
 * What arriving at a tour stop does (spotlight.ts), in a component of its
 * own: the stop it reads changes as the view moves, and the page around it
 * need not render again for that.
 */
function SpotlightArrival() {
  useSpotlightArrival();
  return null;
}

/** The whole page: header, controls, and every panel. */
function PageApp() {
  const meta = useApp((s) => s.meta);
  const comparing = useApp((s) => s.compare !== null);
  return (
    <div className="app">
      <header className="app-head">
        <h1>
          klpscope <span className="tagline">the livepatch consistency model, step by step</span>
        </h1>
        {meta && (
          <p className="scenario-name">
            <strong>{meta.name}</strong> <span className="badge" title="kernel variant">{meta.kernel}</span>
          </p>
        )}
        <div className="head-tools">
          <GalleryButton />
          <SearchDialog />
          <CompareMenu />
          <CopyLink />
          <Export />
          <Editor />
          <ScenarioPicker />
        </div>
      </header>
      <Notices />
      <Transport />
      {!comparing && <Actions />}
      {!comparing && <Tour />}
      {comparing ? (
        <Suspense fallback={<p className="notice" role="status">Opening compare…</p>}>
          <Compare />
        </Suspense>
      ) : <main className="panels">
        <div className="col col-tasks">
          <TaskGrid />
          <Cpus />
        </div>
        <div className="col col-model">
          <Narration />
          <Inspector />
          <Globals />
          <FuncStacks />
        </div>
        <div className="col col-log">
          <SelftestCheck />
          <KernelCode />
          <KernelLog />
        </div>
        <div className="row-timeline">
          <Timeline />
        </div>
      </main>}
      <Help />
      <Guarantees />
    </div>
  );
}

/** Presenter mode: the tour and the narration in large type, and only the panel the stop names. */
function PresenterApp() {
  const panel = useApp((s) => {
    const t = s.frame?.tour;
    const named = t != null && t.stop >= 0 ? s.meta?.tour?.[t.stop]?.spotlight?.panel : undefined;
    return named !== undefined && isPanelId(named) && named !== 'narration' ? named : 'tasks';
  });
  const P = PANELS[panel];
  return (
    <div className="app app-presenter">
      <Notices />
      <Transport />
      <Tour />
      <main className="presenter-panels">
        <div className="presenter-narration">
          <Narration />
        </div>
        <div className={`presenter-cell embed-${panel}`}>
          <P />
        </div>
      </main>
      <Help />
      <Guarantees />
    </div>
  );
}

const PANELS: Record<PanelId, () => ReactElement> = {
  narration: Narration,
  tasks: TaskGrid,
  cpus: Cpus,
  stacks: FuncStacks,
  globals: Globals,
  inspector: Inspector,
  timeline: Timeline,
  log: KernelLog,
  code: KernelCode,
};

/**
 * How an embedded page arranges its panels: one fills the page; two or three
 * sit side by side; the timeline, which wants width, takes a full row below
 * the others. More than three share two columns.
 */
export function embedLayout(chosen: readonly PanelId[]): string {
  const n = chosen.length;
  if (n > 3) return 'embed-many';
  const others = chosen.filter((id) => id !== 'timeline').length;
  return others === n ? `embed-cols-${Math.max(1, n)}` : `embed-timeline-under-${others}`;
}

/** For a slide or an iframe (`e=1` in the link): the chosen panels and the controls only, within the window. */
function EmbeddedApp() {
  const panels = useApp((s) => s.panels);
  const chosen = (panels ?? EMBED_DEFAULT_PANELS).filter(isPanelId);
  return (
    <div className="app app-embed">
      <Notices />
      <Transport />
      <Tour />
      <main className={`embed-panels ${embedLayout(chosen)}`}>
        {chosen.map((id) => {
          const P = PANELS[id];
          return (
            <div key={id} className={`embed-cell embed-${id}`}>
              <P />
            </div>
          );
        })}
      </main>
      <Help />
      <Guarantees />
    </div>
  );
}

function GalleryButton() {
  const open = useApp((s) => s.galleryOpen);
  const setOpen = useApp((s) => s.setGalleryOpen);
  return <Gallery open={open} onOpenChange={setOpen} />;
}

function Notices() {
  const linkNotice = useApp((s) => s.linkNotice);
  const error = useApp((s) => s.error);
  const invalid = useApp((s) => s.invalid);
  const pendingAct = useApp((s) => s.pendingAct);
  // The step and how far the user has seen: read only while an action waits for confirmation (a step does not render the notices).
  const step = useApp((s) => (s.pendingAct === null ? 0 : (s.frame?.step ?? 0)));
  const seen = useApp((s) => (s.pendingAct === null ? 0 : (s.frame?.seen ?? 0)));
  const loaded = useApp((s) => s.frame !== null);
  const reload = useApp((s) => s.reload);
  const restarted = useApp((s) => s.restarted);
  const lastGood = useApp((s) => s.lastGood);
  const recover = useApp((s) => s.recover);
  const dismiss = useApp((s) => s.dismiss);
  const act = useApp((s) => s.act);
  const cancelAct = useApp((s) => s.cancelAct);
  const badPanels = useApp((s) => unknownPanelsMessage(s.panels));
  return (
    <>
      {badPanels !== null && (
        <div className="notice notice-invalid" role="alert" data-testid="panel-list-notice">
          <p>{badPanels}</p>
        </div>
      )}
      {linkNotice && (
        <div className="notice notice-invalid" role="alert">
          <p>{linkNotice}</p>
          <button type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      {error && restarted && (
        <div className="notice notice-error" role="alert">
          <p>
            <strong>The simulation stopped answering:</strong> {error}.
          </p>
          {lastGood !== null && (
            <button type="button" onClick={() => recover('last')}>
              Back to the last good state{lastGood.step !== undefined ? ` (step ${enNumber(lastGood.step)})` : ''}
            </button>
          )}
          <button type="button" onClick={() => recover('default')}>
            Open the default demo
          </button>
        </div>
      )}
      {error && !restarted && (
        <div className="notice notice-error" role="alert">
          <p>
            <strong>The simulation stopped:</strong> {error}
          </p>
          <button type="button" onClick={reload}>
            Reload the scenario
          </button>
        </div>
      )}
      {invalid && (
        <div className="notice notice-invalid" role="alert">
          <p>
            <strong>Not loaded:</strong> <span className="mono">{invalid}</span>. The previous scenario stays open.
          </p>
          <button type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      {pendingAct && loaded && (
        <div className="notice notice-branch" role="alertdialog" aria-label="Discard the future?">
          <p>
            You are at step {enNumber(step)} and have seen up to step {enNumber(seen)}. Running <code>{pendingAct}</code> here starts a new branch: the {enNumber(seen - step)} later
            events are discarded.
          </p>
          <button type="button" autoFocus onClick={() => act(pendingAct, true)}>
            Discard them and run it
          </button>
          <button type="button" onClick={cancelAct}>
            Cancel
          </button>
        </div>
      )}
    </>
  );
}

function Help() {
  const open = useApp((s) => s.helpOpen);
  const setOpen = useApp((s) => s.setHelpOpen);
  const showGuarantees = useApp((s) => s.showGuarantees);
  const close = useCallback(() => {
    setOpen(false);
    // Back to where help is opened from.
    document.querySelector<HTMLElement>('.help-button')?.focus();
  }, [setOpen]);
  if (!open) return null;
  return (
    <div className="dialog-backdrop" onClick={close}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          // A modal: the app's shortcuts do not run behind it.
          e.stopPropagation();
          if (e.key === 'Escape') close();
          else trapTab(e, e.currentTarget);
        }}
      >
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {/* Play and Pause share Space: one row for both. */}
            {COMMANDS.filter((c) => c.id !== 'pause').map((c) => (
              <tr key={c.id}>
                <td>
                  {c.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>{c.id === 'play' ? 'Play or pause' : c.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>Shortcuts are ignored while you type in a field.</p>
        <p>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setOpen(false);
              showGuarantees(null);
            }}
          >
            The guarantees of the consistency model, by number
          </button>
        </p>
        <button type="button" autoFocus onClick={close}>
          Close
        </button>
      </div>
    </div>
  );
}
