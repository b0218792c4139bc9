import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into dist/ and served by `tdcs serve --web web/dist`; in development
// (`npm run dev`), API calls go to a server on :8080.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
