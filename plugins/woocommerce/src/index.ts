import { createPlatformAdapter } from '@cartrelay/core';
import { normalizeWooOrder } from './normalize-order.ts';

/** Webhook topics whose body is the REST order (order.deleted carries only the id). */
export const WOO_ORDER_TOPICS = ['order.created', 'order.updated', 'order.restored'] as const;

export const woocommerceAdapter = createPlatformAdapter({
  platform: 'woocommerce',
  orderTopics: WOO_ORDER_TOPICS,
  orderPayloadDescription: 'the WooCommerce order webhook body as delivered (the REST v3 order)',
  normalizeOrder: normalizeWooOrder,
});

export { normalizeWooOrder } from './normalize-order.ts';
