// The built app as the benches open it (served by vite preview, in headless
// Chromium, one page at 1366×768), and the Chrome trace events they read.
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { preview } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium.ts';

export interface BenchPage {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** Serves `outDir` (a build) and opens a browser with one blank page on it (not yet navigated). */
export async function openBuiltApp(outDir = 'dist'): Promise<BenchPage> {
  const server = await preview({ preview: { port: 0, host: '127.0.0.1' }, build: { outDir }, logLevel: 'silent' });
  const url = server.resolvedUrls?.local[0] ?? '';
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  // tsx keeps function names with a helper that the page does not have.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  return {
    browser,
    page,
    url,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** An event of a Chrome trace (CDP Tracing, ReportEvents), as the benches read them. */
export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly id?: string;
  readonly args?: Record<string, unknown> & { readonly name?: string; readonly data?: Record<string, unknown> };
}
