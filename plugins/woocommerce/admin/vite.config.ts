import { fileURLToPath } from 'node:url';
import { precompress } from '@cartrelay/admin/precompress';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The shared admin page mounted for WooCommerce, served by the relay at /woocommerce/app (its assets precompressed). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/woocommerce/app/',
  plugins: [react(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true },
});
