// Shared setup of the browser tests: serve dist/ with `vite preview` and
// drive Debian's Chromium through playwright-core (never a downloaded browser).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import type { PreviewServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.ts';

export const ARTIFACTS = 'test-results/artifacts';

export interface Harness {
  readonly browser: Browser;
  readonly server: PreviewServer;
  readonly url: string;
  newPage(options?: { colorScheme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'silent' });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report its address');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, '--disable-quic'],
  });
  return {
    browser,
    server,
    url,
    async newPage(o = {}) {
      const context = await browser.newContext({ colorScheme: o.colorScheme ?? 'light', viewport: { width: o.width ?? 1366, height: o.height ?? 768 } });
      return context.newPage();
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The page region (a panel, the narration) of that accessible name. */
export const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/**
 * Resolves once the worker has answered everything sent before it (replies
 * come in order): a request that always gets a reply, an export, is the
 * barrier. What has not happened by then was not going to happen. `painted`:
 * also after the next paint, when the worker's answer to a step the page
 * showed ahead is taken.
 */
export async function settled(page: Page, o: { readonly painted?: boolean } = {}): Promise<void> {
  await page.evaluate(
    (painted) =>
      new Promise<void>((resolve) => {
        const store = window.klpscope!.store;
        const seq = store.getState().exported?.seq ?? 0;
        const unsubscribe = store.subscribe((s) => {
          if ((s.exported?.seq ?? 0) > seq) {
            unsubscribe();
            if (painted) requestAnimationFrame(() => setTimeout(resolve, 0));
            else resolve();
          }
        });
        store.getState().send({ type: 'export', what: 'log' });
      }),
    o.painted ?? false,
  );
}
