// The keys of a menu button and its menu (the WAI-ARIA menu button pattern),
// as a pure function of the key and where focus is.

export type MenuMove =
  /** Focus item `index` (opening the menu first if it is closed). */
  | { readonly kind: 'focus'; readonly index: number }
  /** Run the focused item. */
  | { readonly kind: 'activate' }
  /** Close the menu and give focus back to its button. */
  | { readonly kind: 'close' }
  /** Close the menu and let focus go where the key takes it (Tab). */
  | { readonly kind: 'leave' };

/** What a key does on the closed menu's button; null: nothing (the button's own behaviour). */
export function buttonKey(key: string, count: number): MenuMove | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
    case 'Enter':
    case ' ':
      return { kind: 'focus', index: 0 };
    case 'ArrowUp':
      return { kind: 'focus', index: count - 1 };
    default:
      return null;
  }
}

/** What a key does inside the open menu with item `index` focused; null: nothing. */
export function menuKey(key: string, index: number, count: number): MenuMove | null {
  if (count === 0) return { kind: 'close' };
  switch (key) {
    case 'ArrowDown':
      return { kind: 'focus', index: (index + 1) % count };
    case 'ArrowUp':
      return { kind: 'focus', index: (index - 1 + count) % count };
    case 'Home':
    case 'PageUp':
      return { kind: 'focus', index: 0 };
    case 'End':
    case 'PageDown':
      return { kind: 'focus', index: count - 1 };
    case 'Enter':
    case ' ':
      return { kind: 'activate' };
    case 'Escape':
      return { kind: 'close' };
    case 'Tab':
      return { kind: 'leave' };
    default:
      return null;
  }
}

/** Type-ahead: the next item after `index` whose label starts with `char`, or null. */
export function typeAhead(char: string, index: number, labels: readonly string[]): number | null {
  if (char.length !== 1 || char.trim() === '') return null;
  const c = char.toLowerCase();
  for (let i = 1; i <= labels.length; i++) {
    const j = (index + i) % labels.length;
    if (labels[j]?.toLowerCase().startsWith(c) === true) return j;
  }
  return null;
}
