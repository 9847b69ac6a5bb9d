// One zustand store per app instance, created in a provider: the latest frame
// from the worker, the series accumulated from its appends, and UI state.
import { createContext, createElement, useContext, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { createStore, useStore } from 'zustand';
import type { StoreApi } from 'zustand';
import type { ComputeProgress, Reply, CpuRun, ExportKind, Frame, LaneMark, LogEntry, Milestone, NextStep, Request, Sample, ScenarioMeta, ScenarioSource, StepUnit } from '../worker/protocol.ts';
import { nextOf } from '../worker/protocol.ts';
import type { SimClient } from './client.ts';
import { Series } from './series.ts';
import { share, shareFrame } from './share.ts';
import { DEFAULT_SOURCE, sourceFromLink } from './link.ts';
import { decodeLink } from './url.ts';

export interface AppState {
  readonly meta: ScenarioMeta | null;
  /** The frame the DOM panels show: while playing, at most about 8 a second. */
  readonly frame: Frame | null;
  /** The newest frame, for canvases that redraw every animation frame. */
  readonly live: Frame | null;
  /** The series the worker streams, as appended so far (Series: each frame costs what it brings). */
  readonly log: Series<LogEntry>;
  readonly samples: Series<Sample>;
  readonly milestones: Series<Milestone>;
  /** The timeline's lanes: what each CPU runs (null: not recorded for this machine), and the pinned tasks' changes. */
  readonly cpuRuns: Series<CpuRun> | null;
  readonly laneMarks: Series<LaneMark>;
  readonly comms: readonly string[];
  /** The worker failed: shown with a way to reload the scenario. */
  readonly error: string | null;
  /**
   * The worker stopped answering and was replaced (the watchdog): what to
   * reopen to get back to the last good state, the last frame shown.
   */
  readonly lastGood: ScenarioSource | null;
  /** The worker was replaced: `error` says why, and the notice offers lastGood and the default demo. */
  readonly restarted: boolean;
  /** A computation that has taken over 200 ms (a far jump, End, a stop on a branch): its progress, until its frame. */
  readonly computing: ComputeProgress | null;
  /** A scenario, action or link was refused: shown inline; the previous scenario stays. */
  readonly invalid: string | null;
  /** An action waiting for confirmation because it discards the computed future. */
  readonly pendingAct: string | null;
  /** How the last action sent came out: refused with a message (shown at the command field), or run. */
  readonly actResult: { readonly command: string; readonly error: string | null; readonly seq: number } | null;
  readonly unit: StepUnit;
  readonly helpOpen: boolean;
  readonly galleryOpen: boolean;
  /** Presenter mode: stop to stop with a remote's keys, large type, only the stop's panels. */
  readonly presenter: boolean;
  /** The invariants help page is open (at this invariant, if any). */
  readonly guarantees: { readonly invariant: number | null } | null;
  /** The last scenario source that loaded, for "reload" after an error. */
  readonly source: ScenarioSource | null;
  /** A link that could not be opened (the default scenario opened instead), or a notice about one that did. */
  readonly linkNotice: string | null;
  /** Whether the scenario on screen was opened from a link (else by the user, which adds a history entry). */
  readonly origin: 'link' | 'user';
  /** Embedded in a slide or an iframe: only the chosen panels and the controls. */
  readonly embed: boolean;
  /** Panels an embedded page shows (link field `l=`); null for the default. */
  readonly panels: readonly string[] | null;
  /** The latest export the worker sent (`seq` tells one from the next). */
  readonly exported: { readonly what: ExportKind; readonly text: string; readonly seq: number } | null;
  /** Compare mode: what the second run changes (`c=` of the link, see panels/compare/variation.ts); null when off. */
  readonly compare: string | null;
  /** The timeline's axis as the user chose it; null: the default for the trace (panels/timeline/chosen.ts). A new scenario resets it. */
  readonly timelineAxis: 'time' | 'event' | null;

  readonly send: (req: Request) => void;
  readonly load: (source: ScenarioSource) => void;
  /** Opens what a URL hash says; a bad link opens the default scenario and says why. */
  readonly openLink: (hash: string) => void;
  /** Runs a shell command at the current step, asking first if that discards computed events. */
  readonly act: (command: string, confirmed?: boolean) => void;
  readonly cancelAct: () => void;
  readonly setUnit: (unit: StepUnit) => void;
  readonly setHelpOpen: (open: boolean) => void;
  readonly setGalleryOpen: (open: boolean) => void;
  readonly setPresenter: (on: boolean) => void;
  /** Opens the guarantees page, at one invariant; null closes it. */
  readonly showGuarantees: (invariant: number | null | undefined) => void;
  readonly dismiss: () => void;
  readonly reload: () => void;
  readonly setCompare: (compare: string | null) => void;
  /** After the watchdog replaced the worker: reopens the last good state, or the default demo. */
  readonly recover: (to: 'last' | 'default') => void;
  readonly setTimelineAxis: (axis: 'time' | 'event' | null) => void;
  /** Stops the computation in progress; the view stays where it was (Escape, the Cancel button). */
  readonly cancel: () => void;
}

export type AppStore = StoreApi<AppState>;

/** Empty series, shared: a view never changes. */
const NO_LOG = Series.empty<LogEntry>();
const NO_SAMPLES = Series.empty<Sample>();
const NO_MILESTONES = Series.empty<Milestone>();
const NO_RUNS = Series.empty<CpuRun>();
const NO_MARKS = Series.empty<LaneMark>();
/** Requests that do not move the view (they change what a frame shows of it, or nothing): a step computed ahead still holds after them. */
const KEEPS_STEP: ReadonlySet<Request['type']> = new Set(['select', 'pin', 'speed', 'export']);

/** While playing, DOM panels are updated at most this often. */
const DOM_INTERVAL_MS = 125;

/** A load the store asked for: what it opens and whether a link opened it. */
interface SentLoad {
  readonly id: number;
  readonly source: ScenarioSource;
  readonly fromLink: boolean;
}

export function createAppStore(client: SimClient): AppStore {
  /**
   * Loads sent and not yet answered, by request id; the newest of them; and
   * the load whose scenario the store shows. A reply about any other load is
   * late: it is never taken for the newest one.
   */
  const loads = new Map<number, SentLoad>();
  let newest: SentLoad | null = null;
  let shownLoad = 0;
  /** A superseded load that did open: shown after all if the newest load is refused. */
  let stash: { reply: Extract<Reply, { type: 'loaded' }>; load: SentLoad } | null = null;
  let lastId = 0;
  /** The default demo's load sent at boot (client.sent): the empty link the page opens with asks for no other. */
  let booted: SentLoad | null = null;
  for (const m of client.sent ?? []) {
    lastId = Math.max(lastId, m.id);
    if (m.type !== 'load') continue;
    const l = { id: m.id, source: m.source, fromLink: true };
    loads.set(l.id, l);
    newest = l;
    booted = m.source === DEFAULT_SOURCE ? l : null;
  }
  /** Sends a request with the next id; returns the id. */
  /** Requests sent whose frame has not come yet (a frame answers every request before it, in order). */
  const unanswered: { readonly id: number; readonly type: Request['type'] }[] = [];
  const send = (req: Request): number => {
    const id = ++lastId;
    unanswered.push({ id, type: req.type });
    client.send({ ...req, id });
    return id;
  };
  const sendLoad = (source: ScenarioSource, fromLink: boolean) => {
    booted = null;
    // Known before it is sent: a client may answer at once.
    const l = { id: lastId + 1, source, fromLink };
    loads.set(l.id, l);
    newest = l;
    send({ type: 'load', source });
  };
  /** Frames received but not yet shown by the DOM panels, with the series they bring. */
  let held: { frame: Frame; log: Series<LogEntry>; samples: Series<Sample>; milestones: Series<Milestone>; cpuRuns: Series<CpuRun> | null; laneMarks: Series<LaneMark> } | null = null;
  let lastCommit = 0;
  let commitTimer: ReturnType<typeof setTimeout> | undefined;
  /** Shows what is held; `also` joins the same update (one notification of every panel's selectors, not two). */
  const commit = (also?: Pick<AppState, 'live' | 'comms'>) => {
    if (commitTimer !== undefined) clearTimeout(commitTimer);
    commitTimer = undefined;
    if (held === null) return;
    const { frame, log, samples, milestones, cpuRuns, laneMarks } = held;
    held = null;
    lastCommit = performance.now();
    store.setState({ frame, log, samples, milestones, cpuRuns, laneMarks, ...also });
  };
  /**
   * The frame Step forward gives from the newest frame, sent ahead with it
   * (Frame.next), and the request that frame answered. On Step forward it is
   * shown at once, in the click's own task, if nothing asked since moves the
   * view (a selection, a pin, an export do not: the worker answers them
   * before the step, and its answer to the step shows them). Frames that answer
   * requests sent before that step (`aheadShown`) are then older than the
   * view on screen: their series are kept, their view is not shown. The
   * answer to the step itself (the same frame, with how far the run is
   * computed now) is taken after the next paint.
   */
  let next: (NextStep & { readonly re: number }) | null = null;
  let aheadShown = 0;
  /** Commits what is held once the browser has painted (soon, where nothing paints). */
  const commitAfterPaint = () => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(() => commit(), 0));
    else setTimeout(() => commit(), 0);
  };
  const stepForward = (req: Extract<Request, { type: 'step' }>) => {
    const n = next;
    next = null;
    const s = store.getState();
    const still = n !== null && unanswered.every((r) => r.id <= n.re || KEEPS_STEP.has(r.type));
    if (n !== null && still && req.direction === 1 && req.unit === n.unit && s.computing === null) {
      // Known before it is sent: a client may answer at once.
      aheadShown = lastId + 1;
      held = held === null ? { frame: n.frame, log: s.log, samples: s.samples, milestones: s.milestones, cpuRuns: s.cpuRuns, laneMarks: s.laneMarks } : { ...held, frame: n.frame };
      commit({ live: n.frame, comms: n.frame.comms === undefined ? s.comms : share(s.comms, n.frame.comms) });
    }
    send(req);
  };
  /** An action sent and not yet answered: a refusal is the action's, not a scenario's. */
  let acting: { readonly command: string; readonly id: number } | null = null;
  const actDone = (error: string | null) => {
    const command = acting?.command ?? null;
    acting = null;
    if (command !== null) store.setState((s) => ({ actResult: { command, error, seq: (s.actResult?.seq ?? 0) + 1 } }));
  };
  /** A link could not be opened: the default scenario opens instead. */
  const fallBack = (why: string) => {
    store.setState({ linkNotice: `This link could not be opened: ${why}. The default scenario is open instead.` });
    // Still the link's doing: it replaces the history entry, it adds none.
    sendLoad(DEFAULT_SOURCE, true);
  };
  const opened = (reply: Extract<Reply, { type: 'loaded' }>, l: SentLoad) => {
    shownLoad = reply.load;
    acting = null;
    newest = null;
    stash = null;
    held = null;
    next = null;
    store.setState({ meta: reply.meta, origin: l.fromLink ? 'link' : 'user', log: NO_LOG, samples: NO_SAMPLES, milestones: NO_MILESTONES, cpuRuns: null, laneMarks: NO_MARKS, comms: [], timelineAxis: null, invalid: null, error: null, restarted: false, source: l.source, pendingAct: null, ...(reply.notice === undefined ? {} : { linkNotice: `This link's ${reply.notice}.` }) });
  };
  const store = createStore<AppState>()((set, get) => ({
    meta: null,
    frame: null,
    live: null,
    log: NO_LOG,
    samples: NO_SAMPLES,
    milestones: NO_MILESTONES,
    cpuRuns: null,
    laneMarks: NO_MARKS,
    comms: [],
    error: null,
    lastGood: null,
    restarted: false,
    computing: null,
    invalid: null,
    pendingAct: null,
    actResult: null,
    unit: 'event',
    helpOpen: false,
    galleryOpen: false,
    presenter: false,
    guarantees: null,
    source: null,
    linkNotice: null,
    origin: 'link',
    embed: false,
    panels: null,
    exported: null,
    compare: null,
    timelineAxis: null,
    send: (req) => {
      if (req.type === 'load') sendLoad(req.source, false);
      else if (req.type === 'step') stepForward(req);
      else send(req);
    },
    load: (source) => sendLoad(source, false),
    openLink: (hash) => {
      const h = hash.replace(/^#/, '');
      if (h === '') {
        set({ embed: false, panels: null, linkNotice: null, compare: null });
        // The page opened with no link: its load was sent at boot.
        if (booted !== null) booted = null;
        else sendLoad(DEFAULT_SOURCE, true);
        return;
      }
      const r = decodeLink(h);
      if (!r.ok) {
        set({ embed: false, panels: null, compare: null });
        fallBack(r.error);
        return;
      }
      set({ embed: r.state.embed === true, panels: r.state.panels ?? null, linkNotice: null, compare: r.state.compare ?? null });
      sendLoad(sourceFromLink(r.state), true);
    },
    act: (command, confirmed = false) => {
      const f = get().frame;
      if (!confirmed && f !== null && f.step < f.seen) {
        set({ pendingAct: command });
        return;
      }
      set({ pendingAct: null });
      // Known before it is sent: a client may answer at once.
      acting = { command, id: lastId + 1 };
      send({ type: 'act', command });
    },
    cancelAct: () => set({ pendingAct: null }),
    setUnit: (unit) => set({ unit }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    setGalleryOpen: (galleryOpen) => set({ galleryOpen }),
    setPresenter: (presenter) => set({ presenter }),
    showGuarantees: (invariant) => set({ guarantees: invariant === undefined ? null : { invariant } }),
    dismiss: () => set({ invalid: null, linkNotice: null }),
    setCompare: (compare) => set({ compare }),
    setTimelineAxis: (timelineAxis) => set({ timelineAxis }),
    reload: () => {
      const { source, origin } = get();
      set({ error: null });
      if (source !== null) sendLoad(source, origin === 'link');
    },
    recover: (to) => {
      const source = to === 'last' ? (get().lastGood ?? DEFAULT_SOURCE) : DEFAULT_SOURCE;
      set({ error: null, restarted: false, lastGood: null });
      sendLoad(source, false);
    },
    cancel: () => {
      if (get().computing !== null) send({ type: 'cancel' });
    },
  }));
  client.listen((reply) => {
    // Any answer but progress ends the computation that was shown.
    if (reply.type !== 'busy' && reply.type !== 'idle' && store.getState().computing !== null) store.setState({ computing: null });
    switch (reply.type) {
      case 'loaded': {
        const l = loads.get(reply.re);
        loads.delete(reply.re);
        if (l === undefined || l.id < shownLoad) break;
        if (newest === null || newest.id === l.id) opened(reply, l);
        // A newer load is on its way: this one is shown only if that one is refused.
        else if (l.id < newest.id && (stash === null || stash.load.id < l.id)) stash = { reply, load: l };
        break;
      }
      case 'frame': {
        if (reply.load !== shownLoad) break;
        const raw = reply.frame;
        if (acting !== null && reply.re === acting.id && !raw.playing) actDone(null);
        const s = store.getState();
        while (unanswered.length > 0 && (unanswered[0]?.id ?? Infinity) <= reply.re) unanswered.shift();
        // A frame answering a request sent before the step shown ahead: older than the view on screen.
        const older = reply.re < aheadShown && !raw.playing;
        const onScreen = held?.frame ?? s.frame;
        // What did not change since the newest frame keeps its objects (share.ts): the panels that read only those do not render again.
        const f = shareFrame(s.live ?? onScreen, raw);
        held = {
          log: (held?.log ?? s.log).apply(raw.log),
          samples: (held?.samples ?? s.samples).apply(raw.samples),
          milestones: (held?.milestones ?? s.milestones).apply(raw.milestones),
          cpuRuns: raw.lanes.cpuRuns === null ? null : (held?.cpuRuns ?? s.cpuRuns ?? NO_RUNS).apply(raw.lanes.cpuRuns),
          laneMarks: (held?.laneMarks ?? s.laneMarks).apply(raw.lanes.marks),
          frame: older && onScreen !== null ? onScreen : f,
        };
        const comms = raw.comms === undefined ? s.comms : share(s.comms, raw.comms);
        if (older) {
          next = null;
          // Task names are sent once per table size: keep them (the answer to the step sends its own if it differs).
          if (comms !== s.comms) store.setState({ comms });
          commitAfterPaint();
          break;
        }
        // A frame of computing ahead may keep the step sent before ('kept'): that one still answers the request it did.
        const ahead = nextOf(raw, next);
        next = ahead === null ? null : { unit: ahead.unit, frame: shareFrame(f, ahead.frame), re: raw.next === 'kept' && next !== null ? next.re : reply.re };
        store.setState({ live: f, comms });
        // The answer to a step shown ahead: the same frame, taken once that one is painted.
        if (reply.re === aheadShown && !f.playing) {
          commitAfterPaint();
          break;
        }
        // Playing, the DOM panels follow at a pace React can keep; the canvas follows every frame.
        const shown = s.frame;
        const steady = f.playing && shown !== null && shown.playing && shown.speed === f.speed;
        const wait = lastCommit + DOM_INTERVAL_MS - performance.now();
        if (!steady || wait <= 0) commit();
        else commitTimer ??= setTimeout(() => commit(), wait);
        break;
      }
      case 'invalid': {
        if (acting !== null && reply.re === acting.id) {
          actDone(reply.message);
          break;
        }
        const l = loads.get(reply.re);
        if (l === undefined) {
          // A refused step or request, about the scenario on screen.
          if (reply.load === shownLoad) store.setState({ invalid: reply.message });
          break;
        }
        loads.delete(reply.re);
        // A superseded load was refused: the newest one decides what opens.
        if (newest === null || newest.id !== l.id) break;
        newest = null;
        // The worker keeps what it had: a superseded load may have opened meanwhile.
        if (stash !== null && stash.reply.load === reply.load) opened(stash.reply, stash.load);
        if (l.fromLink && l.source !== DEFAULT_SOURCE) fallBack(reply.message);
        else store.setState({ invalid: reply.message });
        break;
      }
      case 'error':
        store.setState({ error: reply.message });
        break;
      case 'restarted': {
        // The last frame shown is the last good state: its step, with the actions taken so far.
        const s = store.getState();
        const f = s.frame;
        const lastGood = s.source === null ? null : f === null ? s.source : { ...s.source, actions: f.actions, step: f.step, tour: undefined };
        held = null;
        acting = null;
        // The fresh worker has nothing loaded: whatever was on its way to the old one is lost.
        loads.clear();
        newest = null;
        booted = null;
        stash = null;
        store.setState({ error: reply.message, restarted: true, lastGood });
        break;
      }
      case 'busy':
        store.setState({ computing: reply.progress });
        break;
      case 'cancelled': {
        // An action taken back: the run is as it was, and the typed command stays in its field (no result).
        if (acting !== null && reply.re === acting.id) {
          acting = null;
          break;
        }
        const l = loads.get(reply.re);
        if (l === undefined) break;
        loads.delete(reply.re);
        if (newest === null || newest.id !== l.id) break;
        newest = null;
        // The worker went back to what it had: a superseded load may have opened meanwhile.
        if (stash !== null && stash.reply.load === reply.load) opened(stash.reply, stash.load);
        else if (store.getState().meta === null) {
          // Nothing was open before (a link opened the page): the default scenario opens instead.
          store.setState({ linkNotice: 'Opening this link was cancelled. The default scenario is open instead.' });
          sendLoad(DEFAULT_SOURCE, true);
        }
        break;
      }
      case 'idle':
        break;
      case 'export':
        if (reply.load !== shownLoad) break;
        store.setState((s) => ({ exported: { what: reply.what, text: reply.text, seq: (s.exported?.seq ?? 0) + 1 } }));
        break;
    }
  });
  return store;
}

const StoreContext = createContext<AppStore | null>(null);
const ClientContext = createContext<(() => SimClient) | null>(null);

/** Creates the app's store for its lifetime, with its own simulation client (or takes `store`, made already over one of `client`'s). */
export function StoreProvider(props: { readonly client: () => SimClient; readonly store?: AppStore; readonly children: ReactNode; readonly onStore?: (s: AppStore) => void }) {
  const [state] = useState(() => ({ store: props.store ?? createAppStore(props.client()) }));
  const { onStore } = props;
  useEffect(() => {
    onStore?.(state.store);
  }, [onStore, state.store]);
  return createElement(ClientContext.Provider, { value: props.client }, createElement(StoreContext.Provider, { value: state.store }, props.children));
}

/** Panels below this read `store` (compare mode's second run). */
export function ProvideStore(props: { readonly store: AppStore; readonly children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: props.store }, props.children);
}

/** How this app makes a simulation client: for a second store of its own. */
export function useClientFactory(): () => SimClient {
  const f = useContext(ClientContext);
  if (f === null) throw new Error('useClientFactory outside StoreProvider');
  return f;
}

export function useAppStore(): AppStore {
  const s = useContext(StoreContext);
  if (s === null) throw new Error('useAppStore outside StoreProvider');
  return s;
}

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector);
}
