// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function Narration() {
  return <Panel name="Narration">…</Panel>;
}
