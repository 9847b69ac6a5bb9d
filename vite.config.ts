import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { PREACT_ALIASES } from './preact.alias.ts';

export default defineConfig({
  plugins: [react()],
  base: './',
  resolve: { alias: PREACT_ALIASES },
  worker: { format: 'es' },
});
