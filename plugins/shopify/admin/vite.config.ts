import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from '@cartrelay/admin/precompress';

const API_KEY_PLACEHOLDER = '%SHOPIFY_API_KEY%';
const APP_BRIDGE_SCRIPT = '<script src="https://cdn.shopify.com/shopifycloud/app-bridge.js"></script>';

/**
 * The server serves dist/index.html at /shopify/app and fills in the app's client id; Shopify wants
 * the API key meta and App Bridge's plain blocking script first in <head>. Fail the build if the
 * built page lost either, or put a script ahead of them.
 */
function keepShopifyHead(): Plugin {
  return {
    name: 'cartrelay:keep-shopify-head',
    apply: 'build',
    enforce: 'post',
    // By writeBundle Vite has emitted the page with its own asset tags in it.
    writeBundle(_options, bundle) {
      const page = bundle['index.html'];
      const html = page?.type === 'asset' ? String(page.source) : '';
      const meta = html.indexOf(`<meta name="shopify-api-key" content="${API_KEY_PLACEHOLDER}"`);
      const appBridge = html.indexOf(APP_BRIDGE_SCRIPT);
      const firstScript = html.indexOf('<script');
      if (meta < 0 || appBridge < 0 || firstScript !== appBridge || meta > appBridge) {
        this.error(`dist/index.html must keep the ${API_KEY_PLACEHOLDER} meta and App Bridge's script first in <head>`);
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/shopify/app/',
  plugins: [react(), keepShopifyHead(), precompress()],
  build: { outDir: 'dist', emptyOutDir: true },
});
