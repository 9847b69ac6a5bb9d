// Placeholder, being written.
import { Panel } from './Panel.tsx';

export function FuncStacks() {
  return <Panel name="Function stacks">…</Panel>;
}
