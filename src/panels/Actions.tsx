// Placeholder, being written.
export function Actions() {
  return null;
}
