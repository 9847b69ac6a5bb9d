// Control characters from input (a task's name, a scenario's description, a
// typed command echoed in an error) shown as text: the terminal and the page
// both show `\x1b`, never an escape sequence, a bell or a NUL.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

/** Control characters (C0 but tab, DEL, C1) as `\xNN`. */
export function escapeControl(s: string): string {
  if (!HAS_CONTROL.test(s)) return s;
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
