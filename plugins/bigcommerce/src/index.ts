import { createPlatformAdapter } from '@cartrelay/core';
import { normalizeBigCommerceOrder } from './normalize-order.ts';

/** Order webhook scopes after which the adapter fetches the order bundle. */
export const BIGCOMMERCE_ORDER_TOPICS = ['store/order/created', 'store/order/updated', 'store/order/statusUpdated'] as const;

export const bigcommerceAdapter = createPlatformAdapter({
  platform: 'bigcommerce',
  orderTopics: BIGCOMMERCE_ORDER_TOPICS,
  orderPayloadDescription:
    'the order bundle the adapter fetches: {"order": <V2 order>, "products": [<V2 order products>], "coupons": [<V2 order coupons>], "attribution": {"clickId"?, "landingUrl"?}?}',
  normalizeOrder: normalizeBigCommerceOrder,
});

export { type BigCommerceBundle, normalizeBigCommerceOrder } from './normalize-order.ts';
