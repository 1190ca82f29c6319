import { createPlatformAdapter, type WebhookReceiver } from '@cartrelay/core';
import { normalizeShopifyOrder } from './normalize-order.ts';
import { SHOPIFY_ORDER_TOPICS, shopifyWebhooks } from './webhooks.ts';

/**
 * @cartrelay/shopify: Shopify's payloads and webhooks in the core's terms. The app around them
 * (install, admin page, pixel beacons, reconciliation) is `@cartrelay/shopify/app`, loaded only by a
 * relay that runs it: it brings @shopify/shopify-api.
 *
 * `webhooks` defaults to the receiver that needs no credentials; the app supplies one that can also
 * read the Admin API.
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
export { RECONCILED_TOPIC, SHOPIFY_ORDER_TOPICS, SHOPIFY_SHOP_TOPICS, normalizeShopDomain, shopifyWebhooks } from './webhooks.ts';
export { normalizeShopifyGraphqlOrder } from './admin-api/graphql-order.ts';
