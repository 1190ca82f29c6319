/**
 * @cartrelay/shopify/app: the Shopify app that `cartrelay serve` mounts when it is configured —
 * install (token exchange, OAuth), sessions, the admin page and its API, pixel beacons, reconciliation.
 */
export { type ShopifyApiOptions, createShopifyApi, shopifyApiFromSettings } from './admin-api/shopify-api.ts';
export {
  ADMIN_PAGE_PATH,
  COLLECT_PATH,
  SESSION_TOKEN_BOUNCE_PATH,
  type ShopifyApp,
  type ShopifyAppOptions,
  createShopifyApp,
} from './app/shopify-app.ts';
export { type TokenMigrationProgress, type TokenMigrationSummary, migrateToExpiringTokens } from './app/token-migration.ts';
export { type AccessFailure, type OfflineAccess, createOfflineAccess } from './app/offline-access.ts';
export { StoreSessionStorage } from './app/session-storage.ts';
export { reconcileShop } from './reconcile/reconcile-shop.ts';
export type { Shopify } from '@shopify/shopify-api';
