import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { uiAliases } from './ui-aliases.ts';

/** One build for every browser page: each UI is an HTML entry; assets get hashed names. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte({ configFile: `${import.meta.dirname}/svelte.config.js` })],
  resolve: { alias: uiAliases },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    rolldownOptions: {
      input: {
        console: 'console-ui/index.html',
        verify: 'console-ui/verify.html',
        overlay: 'overlay/index.html',
        judge: 'console-ui/judge.html',
        public: 'console-ui/public.html',
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
