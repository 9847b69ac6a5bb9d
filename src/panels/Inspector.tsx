// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function Inspector() {
  return <Panel name="Task inspector">…</Panel>;
}
