import type { AdminPlatform } from '@cartrelay/admin';
import { ADMIN_API_BASE } from '@cartrelay/core/admin-contract';

/**
 * Where the server serves the admin page: the app URL in shopify.app.toml, the server's
 * ADMIN_PAGE_PATH and Vite's `base`. Each page has its path under it (`/shopify/app/promo-codes`).
 */
export const SHOPIFY_ADMIN_BASE_PATH = '/shopify/app';

/**
 * The admin page's platform inside Shopify's admin: every call carries a fresh session token
 * (`shopify.idToken()`, which App Bridge renews before it expires) and goes to the app's own origin.
 */
export function shopifyPlatform(idToken: () => Promise<string>, fetchImpl: typeof fetch = (...args) => fetch(...args)): AdminPlatform {
  return {
    platformLabel: 'Shopify',
    basePath: SHOPIFY_ADMIN_BASE_PATH,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${await idToken()}`);
      return fetchImpl(`${ADMIN_API_BASE}${path}`, { ...init, headers });
    },
  };
}
