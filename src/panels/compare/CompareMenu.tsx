// Opens compare mode: a list of what the second run may change, and for an
// rfc-v2 bug demo one button that opens its v4.12 twin beside it.
import { useId, useMemo } from 'react';
import { useApp } from '../../app/store.ts';
import { presetEntry } from '../../sim/scenario/presetIndex.ts';
import { encodeVariation, variationLabel, variationsFor } from './variation.ts';

export function CompareMenu() {
  const meta = useApp((s) => s.meta);
  const compare = useApp((s) => s.compare);
  const setCompare = useApp((s) => s.setCompare);
  const id = useId();
  const json = meta?.json;
  const options = useMemo(() => (json === undefined ? [] : variationsFor(JSON.parse(json) as unknown)), [json]);
  if (meta === null || compare !== null) return null;
  const twin = meta.preset === null ? undefined : presetEntry(meta.preset)?.compare;
  const twinKernel = twin === undefined ? undefined : presetEntry(twin)?.kernel;
  return (
    <span className="cmp-menu">
      {twinKernel !== undefined && meta.kernel === 'rfc-v2' && (
        <button type="button" className="cmp-twin" onClick={() => setCompare(encodeVariation({ kind: 'kernel', kernel: twinKernel }))}>
          Compare with its {twinKernel} twin
        </button>
      )}
      <label htmlFor={id} className="sr-only">
        Compare with
      </label>
      <select
        id={id}
        aria-label="Compare with"
        value=""
        onChange={(e) => {
          if (e.target.value !== '') setCompare(e.target.value);
        }}
      >
        <option value="">Compare with…</option>
        {options.map((v) => (
          <option key={encodeVariation(v)} value={encodeVariation(v)}>
            {variationLabel(v)}
          </option>
        ))}
      </select>
    </span>
  );
}
