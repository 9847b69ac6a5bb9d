// The keyboard: one listener that asks the command registry.
import { useLayoutEffect } from 'react';
import { commandForKey } from './commands.ts';
import { useAppStore } from './store.ts';

export function useShortcuts(): void {
  const store = useAppStore();
  // A layout effect: under Preact a passive effect runs a frame after the first
  // render, and keys pressed as the first frame shows would be lost.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const c = commandForKey(e, store.getState());
      if (c === undefined) return;
      e.preventDefault();
      c.run(store.getState());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
