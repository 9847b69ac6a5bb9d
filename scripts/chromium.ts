// Debian's Chromium as the browser tests and the benches run it: headless,
// never downloaded (scripts/ensure-chromium.sh installs it when missing).
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

/** No sandbox (containers), no GPU, and none of the browser's own background traffic. */
export const CHROMIUM_ARGS: readonly string[] = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
