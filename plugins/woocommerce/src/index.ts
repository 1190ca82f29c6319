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

/** The WooCommerce app's settings: its own variables, read once. Nothing per store: each store's keys come with its connection. */
export const WooCommerceEnvSchema = z.object({
  /** The app's public base URL (https in production: WooCommerce posts the keys only to an https callback). Turns the app on. */
  WOOCOMMERCE_APP_URL: z.url().optional(),
  /** How often each connected store is reconciled against its REST API (ms). */
  WOOCOMMERCE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  /** How often each connected store's webhooks are checked and made active again (ms). */
  WOOCOMMERCE_WEBHOOK_CHECK_INTERVAL_MS: z.coerce.number().int().min(1000).default(10 * 60_000),
});

export type WooCommerceEnv = z.output<typeof WooCommerceEnvSchema>;

/**
 * WooCommerce in `cartrelay serve`. Without WOOCOMMERCE_APP_URL, stores added with `cartrelay shops
 * add` and their webhook secret are tracked; with it, the whole app runs: the connect flow, the
 * stores' webhooks kept active, the plugin's links into the admin page, reconciliation.
 */
export const woocommercePlugin: StorePlugin<WooCommerceEnv> = {
  platform: 'woocommerce',
  adapter: woocommerceAdapter,
  env: WooCommerceEnvSchema,
  async start(env, context) {
    if (!env.WOOCOMMERCE_APP_URL) {
      return { webhooks: woocommerceWebhooks, appSecret: null, app: { off: 'it needs WOOCOMMERCE_APP_URL; stores added with cartrelay shops add are tracked' } };
    }
    const { createWooCommerceApp } = await import('./app.ts');
    const app = createWooCommerceApp({
      appUrl: env.WOOCOMMERCE_APP_URL,
      context,
      reconcileEveryMs: env.WOOCOMMERCE_RECONCILE_INTERVAL_MS,
      setUpEveryMs: env.WOOCOMMERCE_WEBHOOK_CHECK_INTERVAL_MS,
    });
    return { webhooks: app.webhooks, appSecret: null, app };
  },
};

export { normalizeWooOrder } from './normalize-order.ts';
export {
  RECONCILED_TOPIC,
  WOO_ORDER_TOPICS,
  WOO_WEBHOOK_TOPICS,
  type WooCommerceCredentials,
  WooCommerceCredentialsSchema,
  createWooCommerceWebhooks,
  normalizeSiteUrl,
  woocommerceWebhooks,
} from './webhooks.ts';
export { type WooCommerceApi, type WooStoreAccess, createWooCommerceApi } from './api/woocommerce-api.ts';
