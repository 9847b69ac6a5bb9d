// Compare mode's globals: the livepatch core's state of both runs in one
// table, A beside B, the rows where they differ marked.
import { klpStateMacro } from '../../sim/names.ts';
import type { GlobalsView } from '../../sim/view.ts';

interface Row {
  readonly name: string;
  readonly a: string;
  readonly b: string;
}

function patchWords(g: GlobalsView, mod: string): string {
  const p = g.patches.find((x) => x.mod === mod);
  if (p === undefined) return '—';
  return [p.enabled ? 'enabled' : 'disabled', p.transition ? 'in transition' : '', p.immediate ? 'immediate' : '', p.forced ? 'forced' : ''].filter((w) => w !== '').join(', ');
}

/** The rows compared: the globals of the consistency model, task counts, each patch, the guarantees. */
export function globalsRows(a: GlobalsView, b: GlobalsView): Row[] {
  const both = (name: string, f: (g: GlobalsView) => string): Row => ({ name, a: f(a), b: f(b) });
  const mods = [...new Set([...a.patches, ...b.patches].map((p) => p.mod))];
  return [
    both('kernel', (g) => g.variant),
    both('klp_target_state', (g) => klpStateMacro(g.targetState) ?? String(g.targetState)),
    both('klp_transition_patch', (g) => g.transitionPatch ?? 'NULL'),
    both('tasks undefined / unpatched / patched', (g) => `${g.counts.undefined} / ${g.counts.unpatched} / ${g.counts.patched}`),
    both('TIF_PATCH_PENDING', (g) => String(g.counts.pending)),
    ...mods.map((m) => both(`patch ${m}`, (g) => patchWords(g, m))),
    both('guarantees broken / given up', (g) => `${g.violations} / ${g.givenUp}`),
  ];
}

export function CompareGlobals(props: { readonly a: GlobalsView | null; readonly b: GlobalsView | null }) {
  const { a, b } = props;
  const rows = a === null || b === null ? [] : globalsRows(a, b);
  return (
    <section className="cmp-globals" aria-label="Globals compared">
      <table>
        <caption>Globals</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">name</span>
            </th>
            <th scope="col">A</th>
            <th scope="col">B</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const differs = r.a !== r.b;
            return (
              <tr key={r.name} className={differs ? 'is-diff' : undefined}>
                <th scope="row">
                  {r.name}
                  {differs && <span className="cmp-differs"> (differs)</span>}
                </th>
                <td>{r.a}</td>
                <td>{r.b}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
