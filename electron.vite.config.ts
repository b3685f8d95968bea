import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // web.js is the web-mode host (main/web/cli.ts): built, so it starts without compiling TypeScript.
      rollupOptions: { input: { index: resolve('main/index.ts'), web: resolve('main/web/cli.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed windows load only CommonJS preloads.
      rollupOptions: {
        input: { index: resolve('main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    // Relative asset paths: Electron loads the page from file://.
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified; minified, the page parses and registers sooner.
      minify: true,
      rollupOptions: { input: resolve('renderer/index.html') },
    },
  },
});
