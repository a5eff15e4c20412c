import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { precompress } from './vite-precompress.js'

// `npm run dev` serves this on :5173 with hot reload and forwards the API and Socket.IO to
// the Flare server on :3000 (started alongside by scripts/dev.mjs).
const server = process.env.FLARE_DEV_SERVER ?? 'http://localhost:3000'

export default defineConfig({
  plugins: [react(), precompress()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/socket.io': { target: server, ws: true },
    },
  },
  // maps stay on disk for reading a stack trace and are never served (see the server's web-assets)
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: 'hidden' },
})
