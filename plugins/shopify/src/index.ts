import { createPlatformAdapter, type WebhookReceiver } from '@cartrelay/core';
import { normalizeShopifyOrder } from './normalize-order.ts';
import { SHOPIFY_ORDER_TOPICS, shopifyWebhooks } from './webhooks.ts';

/**
 * The Shopify adapter. `webhooks` defaults to the receiver that needs no credentials; the app
 * (createShopifyApp) supplies one that can also read the Admin API.
 */
export function createShopifyAdapter(webhooks: WebhookReceiver = shopifyWebhooks) {
  return createPlatformAdapter({
    platform: 'shopify',
    orderTopics: SHOPIFY_ORDER_TOPICS,
    orderPayloadDescription: 'the Shopify order webhook body as delivered',
    normalizeOrder: normalizeShopifyOrder,
    webhooks,
  });
}

export const shopifyAdapter = createShopifyAdapter();

export { normalizeShopifyOrder } from './normalize-order.ts';
export { SHOPIFY_ORDER_TOPICS, SHOPIFY_SHOP_TOPICS, normalizeShopDomain, shopifyWebhooks } from './webhooks.ts';
export { type ShopifyApiOptions, createShopifyApi } from './admin-api/shopify-api.ts';
export { normalizeShopifyGraphqlOrder } from './admin-api/graphql-order.ts';
export { ADMIN_PAGE_PATH, RECONCILE_CURSOR, type ShopifyApp, type ShopifyAppOptions, createShopifyApp } from './app/shopify-app.ts';
export { StoreSessionStorage } from './app/session-storage.ts';
export { RECONCILED_TOPIC, reconcileShop } from './reconcile/reconcile-shop.ts';
