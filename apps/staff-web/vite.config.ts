import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspace = fileURLToPath(new URL('../..', import.meta.url));
/** The gateway that `vite` (dev) proxies the API, landing pages and ops dashboards to. */
const gateway = process.env.STAFF_WEB_GATEWAY ?? 'http://localhost:3000';

/**
 * The staff web app: built into dist/apps/staff-web, which the gateway serves at `/`.
 * `@appointments/domain` is plain TypeScript (no framework): the app uses its state machine to
 * tell which sends are allowed, so the buttons follow the same table as the server.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@appointments/domain': `${workspace}libs/domain/src/index.ts` },
  },
  build: {
    outDir: `${workspace}dist/apps/staff-web`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/m/': { target: gateway, changeOrigin: false },
      '/ops': { target: gateway, changeOrigin: false },
    },
  },
});
