// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function TaskGrid() {
  return <Panel name="Task grid">…</Panel>;
}
