import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// `npm run dev` in dashboard/: Vite with hot reload, the API of an edge started with `npm start` proxied.
const edge = process.env.CAMELEER_EDGE_URL ?? 'http://localhost:8080';
const proxied = { target: edge, changeOrigin: false };

/**
 * The entry script at low priority: the stylesheet and the boot screen in index.html come first, so
 * a phone on a slow network paints before the script has downloaded (and Lighthouse, which counts a
 * high-priority script as render-blocking, sees the same first paint).
 */
const entryScriptAtLowPriority: Plugin = {
  name: 'entry-script-at-low-priority',
  transformIndexHtml: {
    order: 'post',
    handler: (html) =>
      html.replace(
        '<script type="module" crossorigin',
        '<script type="module" fetchpriority="low" crossorigin',
      ),
  },
};

export const config = defineConfig({
  plugins: [react(), entryScriptAtLowPriority],
  server: { proxy: { '/api': proxied, '/auth': proxied, '/tunnel': { ...proxied, ws: true } } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
  },
});

// Vite loads its config through the default export.
// biome-ignore lint/style/noDefaultExport: required by Vite
export default config;
