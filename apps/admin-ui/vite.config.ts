import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The admin listener of `npm start` (ADMIN_PORT 8001), which the dev server forwards tRPC calls to. */
const ADMIN_LISTENER = 'http://127.0.0.1:8001';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/trpc': ADMIN_LISTENER },
  },
  // The proxy's admin listener serves this directory (apps/proxy/src/control-plane/admin-ui-static.ts).
  build: { outDir: 'dist' },
});
