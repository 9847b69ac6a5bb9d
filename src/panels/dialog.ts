// Keyboard behaviour shared by the modal dialogs: Tab and Shift+Tab cycle
// inside the dialog instead of leaving it.
import type { KeyboardEvent } from 'react';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** Handles a Tab key press inside `dialog`; returns whether it did. */
export function trapTab(e: KeyboardEvent, dialog: HTMLElement | null): boolean {
  if (e.key !== 'Tab' || dialog === null) return false;
  const items = Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.tabIndex >= 0);
  const first = items[0];
  const last = items.at(-1);
  if (first === undefined || last === undefined) return false;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || active === dialog)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
  return true;
}
