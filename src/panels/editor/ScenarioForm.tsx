// The form view of the scenario editor: the machine, the task groups, the
// modules with their livepatch objects, and the script. It edits only the
// fields it shows; every other field of the document is kept as it is.
import { BUILTIN_FUNCTIONS, BUILTIN_MODULES, BUILTIN_SYSCALLS } from '../../sim/scenario/builtins.ts';
import { KERNEL_VARIANTS } from '../../sim/scenario/types.ts';
import { getIn, isPlainObject, pathKey, pushAt, removeAt } from './doc.ts';
import type { Path } from './doc.ts';
import { CheckField, ErrorText, ListField, MultiSelectField, NumberField, RangeField, ScriptField, SelectField, TextField, useForm } from './fields.tsx';

const array = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const keysOf = (v: unknown): string[] => (isPlainObject(v) ? Object.keys(v) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A name not taken yet: `base1`, `base2`, ... */
function fresh(base: string, taken: readonly unknown[]): string {
  for (let n = 1; ; n++) if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
}

export function ScenarioForm(props: { readonly uid: string }) {
  const form = useForm();
  const { doc } = form;
  const kernel = doc.kernel === undefined ? 'mainline' : str(doc.kernel);
  const tasks = array(doc.tasks);
  const modules = array(doc.modules);
  const lists = {
    functions: `${props.uid}-functions`,
    objects: `${props.uid}-objects`,
  };
  const functionNames = [...new Set([...Object.keys(BUILTIN_FUNCTIONS), ...keysOf(doc.functions), ...modules.flatMap((m) => array(getIn(m, ['functions'])).map(str))])].filter(Boolean);
  const moduleNames = [...new Set([...BUILTIN_MODULES.map((m) => m.name), ...modules.map((m) => str(getIn(m, ['name'])))])].filter(Boolean);
  const syscalls = [...new Set([...Object.keys(BUILTIN_SYSCALLS), ...keysOf(doc.syscalls)])];

  return (
    <fieldset className="ed-formset" disabled={form.disabled}>
      <legend className="sr-only">Scenario form</legend>
      <datalist id={lists.functions}>
        {functionNames.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <datalist id={lists.objects}>
        {['vmlinux', ...moduleNames].map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>

      <section className="ed-section" aria-labelledby={`${props.uid}-s-scenario`}>
        <h3 id={`${props.uid}-s-scenario`}>Scenario</h3>
        <div className="ed-grid">
          <TextField path={['name']} label="Name" placeholder="untitled" optional className="ed-wide" />
          <SelectField path={['kernel']} label="Kernel" options={KERNEL_VARIANTS} defaultValue="mainline" />
          <NumberField path={['seed']} label="Seed" placeholder="1" min={0} max={4294967295} />
          <TextField path={['description']} label="Description" optional rows={2} className="ed-full" />
        </div>
      </section>

      <section className="ed-section" aria-labelledby={`${props.uid}-s-machine`}>
        <h3 id={`${props.uid}-s-machine`}>Machine</h3>
        <div className="ed-grid">
          <NumberField path={['machine', 'cpus']} label="CPUs" placeholder="4" min={1} max={4096} />
          <ListField path={['machine', 'offline']} label="Offline CPUs" numbers placeholder="none" hint="CPU ids, e.g. 2, 3 (not 0)" />
          <CheckField path={['machine', 'reliableStacktrace']} label="Reliable stack traces" defaultValue={true} hint="HAVE_RELIABLE_STACKTRACE" />
        </div>
      </section>

      <section className="ed-section" aria-labelledby={`${props.uid}-s-tasks`}>
        <h3 id={`${props.uid}-s-tasks`}>
          Task groups <span className="ed-count">{tasks.length}</span>
        </h3>
        <p className="ed-hint">Besides these, every machine has the shell sh, a kworker and an idle task per CPU.</p>
        {tasks.map((t, i) => (
          <TaskCard key={i} index={i} task={t} syscalls={syscalls} functionsList={lists.functions} />
        ))}
        <button
          type="button"
          id={form.idFor('add-task')}
          onClick={() => form.update((d) => pushAt(d, ['tasks'], { comm: fresh('task', tasks.map((t) => getIn(t, ['comm']))), count: 1, syscalls: ['getpid'] }), pathKey(['tasks', tasks.length, 'comm']))}
        >
          Add task group
        </button>
      </section>

      <section className="ed-section" aria-labelledby={`${props.uid}-s-modules`}>
        <h3 id={`${props.uid}-s-modules`}>
          Modules <span className="ed-count">{modules.length}</span>
        </h3>
        <p className="ed-hint">
          test_klp_livepatch (replaces cmdline_proc_show) is built in. Parameters, provided functions and init/exit lines are edited in the JSON.
        </p>
        {modules.map((m, i) => (
          <ModuleCard key={i} index={i} module={m} kernel={kernel} functionsList={lists.functions} objectsList={lists.objects} />
        ))}
        <button
          type="button"
          id={form.idFor('add-module')}
          onClick={() =>
            form.update(
              (d) =>
                pushAt(d, ['modules'], {
                  name: fresh('livepatch_', moduleNames),
                  livepatch: { objects: [{ name: 'vmlinux', funcs: [{ old: 'cmdline_proc_show', output: 'this has been live patched' }] }] },
                }),
              pathKey(['modules', modules.length, 'name']),
            )
          }
        >
          Add module
        </button>
      </section>

      <section className="ed-section" aria-labelledby={`${props.uid}-s-script`}>
        <h3 id={`${props.uid}-s-script`} className="sr-only">
          Script
        </h3>
        <ScriptField
          path={['script']}
          label="Script"
          hint={
            <>
              One command per line: <code>insmod</code>, <code>rmmod</code>, <code>echo</code>, <code>cat</code>, <code>grep</code>, <code>wake</code>, <code>kill</code>, <code>fork</code>,{' '}
              <code>sleep</code>, <code>wait</code>; <code>#</code> starts a comment.
            </>
          }
        />
      </section>
    </fieldset>
  );
}

function RemoveButton(props: { readonly what: string; readonly onClick: () => void }) {
  return (
    <button type="button" className="ed-remove" aria-label={`Remove ${props.what}`} title={`Remove ${props.what}`} onClick={props.onClick}>
      Remove
    </button>
  );
}

function TaskCard(props: { readonly index: number; readonly task: unknown; readonly syscalls: readonly string[]; readonly functionsList: string }) {
  const form = useForm();
  const i = props.index;
  const base: Path = ['tasks', i];
  const at = (...p: Path): Path => [...base, ...p];
  const kind = getIn(props.task, ['kind']) === 'kthread' ? 'kthread' : 'user';
  const user = kind === 'user';
  // A field that does not apply to this kind is shown only to show its error.
  const shown = (field: string, applies: boolean) => applies || form.errorAt(pathKey(at(field))) !== null;
  const comm = str(getIn(props.task, ['comm']));
  return (
    <fieldset className="ed-card">
      <legend>
        Task group {i + 1}
        {comm !== '' && <span className="ed-legend-name">: {comm}</span>}
      </legend>
      <RemoveButton what={`task group ${i + 1}`} onClick={() => form.update((d) => removeAt(d, ['tasks'], i), 'add-task')} />
      <div className="ed-grid">
        <TextField path={at('comm')} label="Comm" mono />
        <NumberField path={at('count')} label="Count" placeholder="1" min={1} />
        <SelectField path={at('kind')} label="Kind" options={['user', 'kthread']} defaultValue="user" />
        {shown('syscalls', user) && <MultiSelectField path={at('syscalls')} label="Syscalls" options={props.syscalls} defaultValue={['getpid']} hint="Ctrl/⌘-click to choose several" />}
        {shown('userMs', user) && <RangeField path={at('userMs')} label="User time (ms)" defaults={[1, 20]} />}
        {shown('blockedIn', user || getIn(props.task, ['blockedIn']) !== undefined) && (
          <TextField path={at('blockedIn')} label="Blocked in" optional mono list={props.functionsList} placeholder="not blocked" hint="Starts asleep in this function until woken" />
        )}
        {shown('loop', !user) && <ListField path={at('loop')} label="Loop" placeholder="kthread, worker_thread" list={props.functionsList} hint="Outermost first; sleeps in the last" />}
        {shown('sleepMs', !user) && <RangeField path={at('sleepMs')} label="Sleep (ms)" defaults={[10, 500]} forever />}
        {shown('calls', !user) && <ListField path={at('calls')} label="Calls after waking" placeholder="none" list={props.functionsList} />}
        {shown('cpuBound', !user) && <CheckField path={at('cpuBound')} label="CPU-bound" defaultValue={false} hint="Never sleeps" />}
        <CheckField path={at('unreliableStack')} label="Unreliable stack" defaultValue={false} hint="Every stack check fails" />
      </div>
    </fieldset>
  );
}

const IMMEDIATE_PATCH: readonly string[] = ['v4.12', 'rfc-v2'];
const IMMEDIATE_FUNC: readonly string[] = ['v4.12'];

function ModuleCard(props: { readonly index: number; readonly module: unknown; readonly kernel: string; readonly functionsList: string; readonly objectsList: string }) {
  const form = useForm();
  const i = props.index;
  const base: Path = ['modules', i];
  const lpPath: Path = [...base, 'livepatch'];
  const lp = getIn(props.module, ['livepatch']);
  const name = str(getIn(props.module, ['name']));
  const lpKey = pathKey(lpPath);
  const lpError = form.errorAt(lpKey);
  const objects = array(getIn(lp, ['objects']));
  const showImmediate = IMMEDIATE_PATCH.includes(props.kernel) || getIn(lp, ['immediate']) === true || form.errorAt(pathKey([...lpPath, 'immediate'])) !== null;
  return (
    <fieldset className="ed-card">
      <legend>
        Module {i + 1}
        {name !== '' && <span className="ed-legend-name">: {name}</span>}
      </legend>
      <RemoveButton what={`module ${i + 1}`} onClick={() => form.update((d) => removeAt(d, ['modules'], i), 'add-module')} />
      <div className="ed-grid">
        <TextField path={[...base, 'name']} label="Name" mono hint={name !== '' ? <code>insmod {name}.ko</code> : undefined} />
        <div className="ed-field ed-check">
          <span className="ed-check-row">
            <input
              id={form.idFor(lpKey)}
              type="checkbox"
              checked={isPlainObject(lp)}
              aria-invalid={lpError !== null || undefined}
              aria-describedby={lpError !== null ? `${form.idFor(lpKey)}-err` : undefined}
              onChange={(e) => form.set(lpPath, e.target.checked ? { objects: [{ name: 'vmlinux', funcs: [] }] } : undefined)}
            />
            <label htmlFor={form.idFor(lpKey)}>Livepatch module</label>
          </span>
          <ErrorText id={`${form.idFor(lpKey)}-err`} error={lpError} />
        </div>
        {isPlainObject(lp) && showImmediate && <CheckField path={[...lpPath, 'immediate']} label="Patch-level immediate" defaultValue={false} hint="v4.12 and rfc-v2: no consistency model" />}
      </div>
      {isPlainObject(lp) && (
        <>
          {objects.map((o, j) => (
            <ObjectCard key={j} path={[...lpPath, 'objects', j]} index={j} object={o} kernel={props.kernel} functionsList={props.functionsList} objectsList={props.objectsList} />
          ))}
          <button
            type="button"
            id={form.idFor(`add-object-${i}`)}
            onClick={() => form.update((d) => pushAt(d, [...lpPath, 'objects'], { name: 'vmlinux', funcs: [] }), pathKey([...lpPath, 'objects', objects.length, 'name']))}
          >
            Add patched object
          </button>
        </>
      )}
    </fieldset>
  );
}

function ObjectCard(props: { readonly path: Path; readonly index: number; readonly object: unknown; readonly kernel: string; readonly functionsList: string; readonly objectsList: string }) {
  const form = useForm();
  const { path } = props;
  const j = props.index;
  const funcs = array(getIn(props.object, ['funcs']));
  const objectsPath = path.slice(0, -1);
  const module = path[1] as number;
  return (
    <fieldset className="ed-sub">
      <legend>Patched object {j + 1}</legend>
      <RemoveButton what={`patched object ${j + 1}`} onClick={() => form.update((d) => removeAt(d, objectsPath, j), `add-object-${module}`)} />
      <TextField path={[...path, 'name']} label="Object" mono list={props.objectsList} hint="vmlinux or a module" className="ed-object-name" />
      {funcs.map((fn, k) => {
        const fp: Path = [...path, 'funcs', k];
        const showImmediate = IMMEDIATE_FUNC.includes(props.kernel) || getIn(fn, ['immediate']) === true || form.errorAt(pathKey([...fp, 'immediate'])) !== null;
        return (
          <div key={k} className="ed-func" role="group" aria-label={`Function ${k + 1}`}>
            <TextField path={[...fp, 'old']} label="Old function" mono list={props.functionsList} />
            <TextField path={[...fp, 'output']} label="New output" optional placeholder="none" />
            {showImmediate && <CheckField path={[...fp, 'immediate']} label="Immediate" defaultValue={false} />}
            <RemoveButton what={`function ${k + 1} of patched object ${j + 1}`} onClick={() => form.update((d) => removeAt(d, [...path, 'funcs'], k), `add-func-${module}-${j}`)} />
          </div>
        );
      })}
      <button type="button" id={form.idFor(`add-func-${module}-${j}`)} onClick={() => form.update((d) => pushAt(d, [...path, 'funcs'], { old: '' }), pathKey([...path, 'funcs', funcs.length, 'old']))}>
        Add function
      </button>
    </fieldset>
  );
}
