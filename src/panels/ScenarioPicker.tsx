// Placeholder, being written.
export function ScenarioPicker() {
  return null;
}
