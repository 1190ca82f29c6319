import { createPlatformAdapter } from '@cartrelay/core';
import { normalizeShopifyOrder } from './normalize-order.ts';

/** Order webhook topics whose body is the order itself. */
export const SHOPIFY_ORDER_TOPICS = [
  'orders/create',
  'orders/paid',
  'orders/updated',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
] as const;

export const shopifyAdapter = createPlatformAdapter({
  platform: 'shopify',
  orderTopics: SHOPIFY_ORDER_TOPICS,
  orderPayloadDescription: 'the Shopify order webhook body as delivered',
  normalizeOrder: normalizeShopifyOrder,
});

export { normalizeShopifyOrder } from './normalize-order.ts';
