// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function Cpus() {
  return <Panel name="CPUs">…</Panel>;
}
