// For a scenario translated from the kernel's livepatch selftests: where it
// comes from, and the selftest's expected log beside this run's log with a
// line-by-line diff that turns green once the run has printed exactly what
// the selftest expects.
import { useMemo } from 'react';
import { useApp } from '../app/store.ts';
import { Panel } from './Panel.tsx';
import { compareWithSelftest, kernelLines, selftestByName } from './selftests/check.ts';
import { linesUpTo } from './log/model.ts';
import './selftests/selftests.css';

export function SelftestCheck() {
  const name = useApp((s) => s.meta?.name);
  const log = useApp((s) => s.log);
  const step = useApp((s) => s.frame?.step ?? 0);
  const c = selftestByName(name);
  // The log holds what the worker has computed ahead of the playhead: compare only what has been printed by now.
  const shown = linesUpTo(log, step);
  const cmp = useMemo(() => (c === undefined ? undefined : compareWithSelftest(c.expected, kernelLines(log.slice(0, shown)))), [c, log, shown]);
  if (c === undefined || cmp === undefined) return null;
  const status = cmp.matches ? 'The log matches the selftest' : `${cmp.same} of ${cmp.expected} expected lines so far`;
  return (
    <Panel name="Kernel selftest" className={`selftest-check${cmp.matches ? ' is-green' : ''}`}>
      <p className="selftest-source">
        <code>tools/testing/selftests/livepatch/{c.file}</code>, test <strong>{c.test}</strong>
      </p>
      <p className="selftest-status" role="status" aria-live="polite">
        <span aria-hidden="true">{cmp.matches ? '✓ ' : '… '}</span>
        {status}
      </p>
      {c.notModelled !== undefined && <p className="selftest-note">Not modelled: {c.notModelled}</p>}
      <table className="selftest-diff" aria-label="Expected log against this run's log">
        <thead>
          <tr>
            <th scope="col">Selftest expects</th>
            <th scope="col">This run</th>
          </tr>
        </thead>
        <tbody>
          {cmp.rows.map((r, i) => (
            <tr key={i} className={`selftest-row is-${r.kind}`}>
              <td>{r.kind === 'extra' ? '' : r.text}</td>
              <td>
                {r.kind === 'missing' ? '' : r.text}
                <span className="sr-only">{r.kind === 'same' ? ' (matches)' : r.kind === 'missing' ? ' (not printed yet)' : ' (not expected)'}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
