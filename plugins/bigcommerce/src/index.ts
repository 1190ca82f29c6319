import { createPlatformAdapter } from '@cartrelay/core';
import { normalizeBigCommerceOrder } from './normalize-order.ts';
import { BIGCOMMERCE_ORDER_TOPICS, type BigCommerceApiOptions, createBigCommerceWebhooks } from './webhooks.ts';

export const BIGCOMMERCE_API_URL = 'https://api.bigcommerce.com';

/** The adapter; `apiBaseUrl` is where orders are fetched from after a webhook. */
export function createBigCommerceAdapter(options: BigCommerceApiOptions = { apiBaseUrl: BIGCOMMERCE_API_URL }) {
  return createPlatformAdapter({
    platform: 'bigcommerce',
    orderTopics: BIGCOMMERCE_ORDER_TOPICS,
    orderPayloadDescription:
      'the order bundle the adapter fetches: {"order": <V2 order>, "products": [<V2 order products>], "coupons": [<V2 order coupons>], "attribution": {"clickId"?, "landingUrl"?}?}',
    normalizeOrder: normalizeBigCommerceOrder,
    webhooks: createBigCommerceWebhooks(options),
  });
}

export const bigcommerceAdapter = createBigCommerceAdapter();

export { type BigCommerceBundle, normalizeBigCommerceOrder } from './normalize-order.ts';
export { BIGCOMMERCE_ORDER_TOPICS, BIGCOMMERCE_SECRET_HEADER, type BigCommerceApiOptions, createBigCommerceWebhooks } from './webhooks.ts';
