import { type StorePlugin, createPlatformAdapter } from '@cartrelay/core';
import { z } from 'zod';
import { normalizeShopifyOrder } from './normalize-order.ts';
import { SHOPIFY_ORDER_TOPICS, shopifyWebhooks } from './webhooks.ts';

/** The Shopify app's settings: its own variables, read once. */
export const ShopifyEnvSchema = z.object({
  /** The app's client secret: Shopify signs every webhook with it (enough for a webhook-only relay). */
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  /** The app's client id; with SHOPIFY_API_SECRET and SHOPIFY_APP_URL it turns the app's routes on. */
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  /** The app's public https URL, as in shopify.app.toml's application_url (without the path). */
  SHOPIFY_APP_URL: z.url().optional(),
  /** The scopes the authorization-code install asks for (the toml's, for a Shopify-managed install). */
  SHOPIFY_SCOPES: z
    .string()
    .default('read_orders,write_pixels,read_customer_events')
    .transform((scopes) => scopes.split(',').map((scope) => scope.trim()).filter(Boolean)),
  /** Tests only: where requests for https://{shop}/admin/… go instead (a fake Admin API). */
  SHOPIFY_ADMIN_API_URL: z.url().optional(),
  /** How often each installed shop is reconciled against the Admin API (ms). */
  SHOPIFY_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
});

export type ShopifyEnv = z.output<typeof ShopifyEnvSchema>;

/** Shopify's payloads in the core's terms; `webhooks` defaults to the receiver that needs no credentials. */
export function createShopifyAdapter(webhooks = shopifyWebhooks) {
  return createPlatformAdapter({
    platform: 'shopify',
    orderTopics: SHOPIFY_ORDER_TOPICS,
    orderPayloadDescription: 'the Shopify order webhook body as delivered',
    normalizeOrder: normalizeShopifyOrder,
    webhooks,
  });
}

export const shopifyAdapter = createShopifyAdapter();

/**
 * Shopify in `cartrelay serve`. With SHOPIFY_API_SECRET alone, webhooks are verified and tracked
 * (shops added with `cartrelay shops add`); with the client id and the app's URL too, the whole app
 * runs: installs, the embedded admin page, the web pixel's beacons, reconciliation. The app (and
 * @shopify/shopify-api, tens of megabytes) loads only then.
 */
export const shopifyPlugin: StorePlugin<ShopifyEnv> = {
  platform: 'shopify',
  adapter: shopifyAdapter,
  env: ShopifyEnvSchema,
  async start(env, context) {
    const appSecret = env.SHOPIFY_API_SECRET ?? null;
    if (!env.SHOPIFY_API_KEY || !env.SHOPIFY_API_SECRET || !env.SHOPIFY_APP_URL) {
      const webhooksOnly = appSecret ? '; its webhooks are verified with SHOPIFY_API_SECRET' : '';
      return { webhooks: shopifyWebhooks, appSecret, app: { off: `it needs SHOPIFY_API_KEY, SHOPIFY_API_SECRET and SHOPIFY_APP_URL${webhooksOnly}` } };
    }
    const { createShopifyApp, shopifyApiFromSettings } = await import('./app.ts');
    const app = createShopifyApp({
      shopify: shopifyApiFromSettings(env, context.logger)!,
      appUrl: env.SHOPIFY_APP_URL,
      context,
      reconcileEveryMs: env.SHOPIFY_RECONCILE_INTERVAL_MS,
    });
    return { webhooks: app.webhooks, appSecret, app };
  },
};
