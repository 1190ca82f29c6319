import { createPlatformAdapter } from '@cartrelay/core';
import { normalizeShopifyOrder } from './normalize-order.ts';
import { SHOPIFY_ORDER_TOPICS, shopifyWebhooks } from './webhooks.ts';

export const shopifyAdapter = createPlatformAdapter({
  platform: 'shopify',
  orderTopics: SHOPIFY_ORDER_TOPICS,
  orderPayloadDescription: 'the Shopify order webhook body as delivered',
  normalizeOrder: normalizeShopifyOrder,
  webhooks: shopifyWebhooks,
});

export { normalizeShopifyOrder } from './normalize-order.ts';
export { SHOPIFY_ORDER_TOPICS, normalizeShopDomain, shopifyWebhooks } from './webhooks.ts';
