import { type StorePlugin, createPlatformAdapter } from '@cartrelay/core';
import { z } from 'zod';
import { normalizeWooOrder } from './normalize-order.ts';
import { WOO_ORDER_TOPICS, woocommerceWebhooks } from './webhooks.ts';

export const woocommerceAdapter = createPlatformAdapter({
  platform: 'woocommerce',
  orderTopics: WOO_ORDER_TOPICS,
  orderPayloadDescription: 'the WooCommerce order webhook body as delivered (the REST v3 order)',
  normalizeOrder: normalizeWooOrder,
  webhooks: woocommerceWebhooks,
});

/**
 * WooCommerce in `cartrelay serve`: each store's webhooks signed with the secret it was given (shops
 * added with `cartrelay shops add`). No settings of its own yet: the app that connects a store comes next.
 */
export const woocommercePlugin: StorePlugin<Record<string, never>> = {
  platform: 'woocommerce',
  adapter: woocommerceAdapter,
  env: z.object({}).transform(() => ({})),
  async start() {
    return { webhooks: woocommerceWebhooks, appSecret: null, app: { off: 'no app yet: stores are added with cartrelay shops add, with their webhook secret' } };
  },
};

export { normalizeWooOrder } from './normalize-order.ts';
export { WOO_ORDER_TOPICS, WooCommerceCredentialsSchema, normalizeSiteUrl, woocommerceWebhooks } from './webhooks.ts';
