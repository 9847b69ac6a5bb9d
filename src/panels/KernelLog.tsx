// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function KernelLog() {
  return <Panel name="Kernel log">…</Panel>;
}
