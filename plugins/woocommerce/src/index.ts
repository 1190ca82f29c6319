import { createPlatformAdapter } from '@cartrelay/core';
import { normalizeWooOrder } from './normalize-order.ts';
import { WOO_ORDER_TOPICS, woocommerceWebhooks } from './webhooks.ts';

export const woocommerceAdapter = createPlatformAdapter({
  platform: 'woocommerce',
  orderTopics: WOO_ORDER_TOPICS,
  orderPayloadDescription: 'the WooCommerce order webhook body as delivered (the REST v3 order)',
  normalizeOrder: normalizeWooOrder,
  webhooks: woocommerceWebhooks,
});

export { normalizeWooOrder } from './normalize-order.ts';
export { WOO_ORDER_TOPICS, normalizeSiteUrl, woocommerceWebhooks } from './webhooks.ts';
