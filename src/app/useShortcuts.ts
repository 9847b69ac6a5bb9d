// The keyboard: one listener that asks the command registry.
import { useEffect } from 'react';
import { commandForKey } from './commands.ts';
import { useAppStore } from './store.ts';

export function useShortcuts(): void {
  const store = useAppStore();
  useEffect(() => {
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
