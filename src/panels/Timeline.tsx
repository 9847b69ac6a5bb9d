// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function Timeline() {
  return <Panel name="Timeline">…</Panel>;
}
