import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { PREACT_ALIASES } from './preact.alias.ts';

/**
 * The entry (src/main.tsx) is small: it starts the simulation worker, then
 * imports the app's chunk (src/app/mount.tsx). Preloading that chunk and its
 * imports from the page fetches them beside the entry, not after it.
 */
function preloadApp(): Plugin {
  return {
    name: 'klpscope-preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunks = Object.values(ctx.bundle ?? {}).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const entry = chunks.find((c) => c.isEntry);
        const app = chunks.find((c) => c.facadeModuleId?.endsWith('/src/app/mount.tsx') === true);
        if (app === undefined) return html;
        const files = [app.fileName, ...app.imports].filter((f) => f !== entry?.fileName);
        return { html, tags: files.map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })) };
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadApp()],
  base: './',
  resolve: { alias: PREACT_ALIASES },
  worker: { format: 'es' },
});
