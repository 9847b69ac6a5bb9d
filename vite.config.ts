import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { PREACT_ALIASES } from './preact.alias.ts';

/**
 * The entry (src/main.tsx) is small: it starts the simulation worker, then
 * imports the app's chunk (src/app/mount.tsx). Preloading that chunk and its
 * imports from the page fetches them beside the entry, not after it. The
 * app's stylesheet is preloaded too (as a style, not a stylesheet: a
 * stylesheet in the page would hold back the entry's module script, and with
 * it the worker's start, until it had loaded); Vite's import of the chunk
 * then finds it fetched instead of asking for it only once the entry runs.
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
        const css = [...new Set([app, ...chunks.filter((c) => app.imports.includes(c.fileName))].flatMap((c) => [...c.viteMetadata?.importedCss ?? []]))];
        return {
          html,
          tags: [
            ...files.map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
            ...css.map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
          ],
        };
      },
    },
  };
}

/**
 * V8's explicit compile hint (https://v8.dev/blog/explicit-compile-hints): a
 * script that starts with this comment has all its functions compiled as it
 * streams in, on a background thread, instead of each one on the main thread
 * the first time it runs. The app's chunk and its imports carry it: their
 * first run is the first render, which otherwise compiles some 480
 * functions on the main thread while the page waits. Other engines ignore it.
 */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

function compileHints(): Plugin {
  return {
    name: 'klpscope-compile-hints',
    apply: 'build',
    // After Vite's own additions (the preload map at the top of a chunk): the hint must come first.
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const app = chunks.find((c) => c.facadeModuleId?.endsWith('/src/app/mount.tsx') === true);
        if (app === undefined) return;
        const hinted = new Set([app.fileName, ...app.imports]);
        for (const c of chunks) if (hinted.has(c.fileName) && !c.isEntry) c.code = `${COMPILE_HINT}\n${c.code}`;
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), preloadApp(), compileHints()],
  base: './',
  resolve: { alias: PREACT_ALIASES },
  worker: { format: 'es' },
  // No modulepreload polyfill: current browsers preload modules themselves (an older one fetches them as they
  // are imported, only later), and its check cost every page load some milliseconds of the entry's task.
  build: { modulePreload: { polyfill: false } },
});
