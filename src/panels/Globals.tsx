// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function Globals() {
  return <Panel name="Globals">…</Panel>;
}
