import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` in dashboard/: Vite with hot reload, the API of an edge started with `npm start` proxied.
const edge = process.env.CAMELEER_EDGE_URL ?? 'http://localhost:8080';
const proxied = { target: edge, changeOrigin: false };

export const config = defineConfig({
  plugins: [react()],
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
