/**
 * @cartrelay/shopify/app: the Shopify app that `cartrelay serve` mounts when it is configured —
 * install (token exchange, OAuth), sessions, the admin page and its API, pixel beacons, reconciliation.
 */
export { type ShopifyApiOptions, createShopifyApi } from './admin-api/shopify-api.ts';
export { ADMIN_PAGE_PATH, RECONCILE_CURSOR, offlineSession, type ShopifyApp, type ShopifyAppOptions, createShopifyApp } from './app/shopify-app.ts';
export { StoreSessionStorage } from './app/session-storage.ts';
export { reconcileShop } from './reconcile/reconcile-shop.ts';
export type { Shopify } from '@shopify/shopify-api';
